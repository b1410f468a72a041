//! The collector thread: hands each run event to every reporter in order, then, once every
//! event sent so far is delivered, lets reporters that defer their file rewrites write
//! ([`Reporter::idle`]). When results arrive faster than a report file can be rewritten (a
//! rack of dozens of boards), one rewrite covers all of them instead of a backlog of
//! rewrites, each slower than the last, that outlasts the run. A reporter that panics is
//! logged and dropped; the others go on.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Instant;

use crate::event::{EventSink, Reporter, RunEvent, incomplete_reports};

/// Events delivered in a row before the reporters get an [`Reporter::idle`] call although
/// more are queued (a steady stream of events cannot hold off every write).
const MAX_BATCH: usize = 256;

/// [`Reporter::idle`] rounds after the last sink is gone: a reporter still pending after
/// them is given back as it is (it is told nothing more, so nothing more can be pending).
const FINAL_ROUNDS: usize = 8;

/// The collector thread.
pub struct Collector {
    sink: EventSink,
    handle: JoinHandle<Vec<Box<dyn Reporter>>>,
}

impl Collector {
    /// Starts the collector thread with these reporters (called in this order per event).
    pub fn start(reporters: Vec<Box<dyn Reporter>>) -> Self {
        let (tx, rx) = mpsc::channel::<RunEvent>();
        let handle = std::thread::Builder::new()
            .name("hil-reporters".to_string())
            .spawn(move || Slots(reporters.into_iter().map(Some).collect()).collect(&rx))
            .expect("spawn the reporter thread");
        Collector {
            sink: EventSink::into_channel(tx),
            handle,
        }
    }

    /// A sink that sends events to this collector.
    pub fn sink(&self) -> EventSink {
        self.sink.clone()
    }

    /// Waits until every event sent so far has been reported (and every deferred rewrite
    /// written) and gives the reporters back. All other sinks must have been dropped.
    pub fn finish(self) -> Vec<Box<dyn Reporter>> {
        drop(self.sink);
        self.handle.join().unwrap_or_default()
    }
}

/// The reporters on the collector thread; one that panicked is `None`.
struct Slots(Vec<Option<Box<dyn Reporter>>>);

impl Slots {
    fn collect(mut self, rx: &Receiver<RunEvent>) -> Vec<Box<dyn Reporter>> {
        let mut wake: Option<Instant> = None;
        loop {
            let first = match wake {
                None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(at) => rx.recv_timeout(at.saturating_duration_since(Instant::now())),
            };
            match first {
                Ok(event) => {
                    self.deliver(&event);
                    for event in rx.try_iter().take(MAX_BATCH - 1) {
                        self.deliver(&event);
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            wake = self.idle();
        }
        for _ in 0..FINAL_ROUNDS {
            match self.idle() {
                Some(at) => std::thread::sleep(at.saturating_duration_since(Instant::now())),
                None => break,
            }
        }
        self.0.into_iter().flatten().collect()
    }

    fn deliver(&mut self, event: &RunEvent) {
        for i in 0..self.0.len() {
            let event = with_incomplete_reports(event, &self.0);
            let Some(reporter) = &mut self.0[i] else {
                continue;
            };
            if catch_unwind(AssertUnwindSafe(|| reporter.on_event(&event))).is_err() {
                tracing::error!("a reporter panicked; it gets no further events");
                self.0[i] = None;
            }
        }
    }

    /// Lets every reporter write what it deferred; the earliest time one wants to be asked
    /// again.
    fn idle(&mut self) -> Option<Instant> {
        let mut wake: Option<Instant> = None;
        for slot in &mut self.0 {
            let Some(reporter) = slot else { continue };
            match catch_unwind(AssertUnwindSafe(|| reporter.idle())) {
                Ok(Some(at)) => wake = Some(wake.map_or(at, |w| w.min(at))),
                Ok(None) => {}
                Err(_) => {
                    tracing::error!("a reporter panicked; it gets no further events");
                    *slot = None;
                }
            }
        }
        wake
    }
}

/// `event`, with the reports that could not be written so far in a `RunFinished` summary.
fn with_incomplete_reports<'a>(
    event: &'a RunEvent,
    reporters: &[Option<Box<dyn Reporter>>],
) -> Cow<'a, RunEvent> {
    match event {
        RunEvent::RunFinished(summary) => {
            let mut summary = summary.clone();
            summary.incomplete_reports = incomplete_reports(reporters.iter().flatten());
            Cow::Owned(RunEvent::RunFinished(summary))
        }
        other => Cow::Borrowed(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use crate::event::{Counts, DutInfo};

    /// Records what it saw; defers "writes" until idle, and asks to be called again once
    /// (`pace` times) before it writes, like a paced report file.
    struct Deferring {
        log: Arc<Mutex<Vec<String>>>,
        pending: usize,
        pace: usize,
    }

    impl Reporter for Deferring {
        fn on_event(&mut self, event: &RunEvent) {
            if matches!(event, RunEvent::DutFinished { .. }) {
                self.pending += 1;
            }
        }

        fn idle(&mut self) -> Option<Instant> {
            if self.pending == 0 {
                return None;
            }
            if self.pace > 0 {
                self.pace -= 1;
                return Some(Instant::now() + Duration::from_millis(1));
            }
            self.log
                .lock()
                .unwrap()
                .push(format!("wrote {}", self.pending));
            self.pending = 0;
            None
        }
    }

    fn dut_finished() -> RunEvent {
        RunEvent::DutFinished {
            dut: DutInfo {
                name: "d".into(),
                firmware: None,
                properties: Vec::new(),
            },
            counts: Counts::default(),
            duration: Duration::ZERO,
            lost: None,
        }
    }

    fn run(events: usize, pace: usize) -> Vec<String> {
        let log = Arc::new(Mutex::new(Vec::new()));
        let reporter = Deferring {
            log: log.clone(),
            pending: 0,
            pace,
        };
        let collector = Collector::start(vec![Box::new(reporter)]);
        let sink = collector.sink();
        for _ in 0..events {
            sink.send(dut_finished());
        }
        drop(sink);
        collector.finish();
        Arc::try_unwrap(log).unwrap().into_inner().unwrap()
    }

    fn written(log: &[String]) -> usize {
        log.iter()
            .map(|l| l.trim_start_matches("wrote ").parse::<usize>().unwrap())
            .sum()
    }

    #[test]
    fn every_deferred_change_is_written_before_the_reporters_are_given_back() {
        let log = run(1000, 0);
        assert_eq!(written(&log), 1000, "{log:?}");
        assert!(!log.is_empty());
    }

    #[test]
    fn a_paced_reporter_is_asked_again_until_it_wrote() {
        let log = run(3, 2);
        assert_eq!(written(&log), 3, "{log:?}");
    }
}
