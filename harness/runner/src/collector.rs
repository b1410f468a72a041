//! The collector thread: hands each run event to every reporter in order, then, once every
//! event sent so far is delivered, lets reporters that defer their output put it out
//! ([`Reporter::idle`], in reporter order: files before the terminal lines that announce their
//! results). The idle rounds are paced: after a round the collector waits nine times as long
//! as the round took (at most [`MAX_PAUSE`]) before the next, delivering events meanwhile, so
//! deferred output takes at most about a tenth of the reporter thread. When results arrive
//! faster than a report file can be rewritten (a rack of dozens of boards), one rewrite covers
//! all of them instead of a backlog of rewrites, each slower than the last, that outlasts the
//! run. A reporter that panics is logged and dropped; the others go on.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::event::{EventSink, Reporter, RunEvent, incomplete_reports};

/// Events delivered in a row before an idle round is considered although more are queued (a
/// steady stream of events cannot hold off every write).
const MAX_BATCH: usize = 256;

/// The pause after an idle round, as a multiple of how long the round took.
pub const PAUSE_FACTOR: u32 = 9;

/// The longest pause after an idle round (a file rewritten at least this often, while results
/// keep coming).
pub const MAX_PAUSE: Duration = Duration::from_secs(2);

/// How long the collector waits after an idle round that took `cost`.
pub fn pause_after(cost: Duration) -> Duration {
    (cost * PAUSE_FACTOR).min(MAX_PAUSE)
}

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
        // Events delivered since the last idle round, and when the next may run.
        let mut delivered = false;
        let mut next_round = Instant::now();
        loop {
            let first = if delivered {
                rx.recv_timeout(next_round.saturating_duration_since(Instant::now()))
            } else {
                rx.recv().map_err(|_| RecvTimeoutError::Disconnected)
            };
            match first {
                Ok(event) => {
                    self.deliver(&event);
                    for event in rx.try_iter().take(MAX_BATCH - 1) {
                        self.deliver(&event);
                    }
                    delivered = true;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if delivered && Instant::now() >= next_round {
                let start = Instant::now();
                self.idle();
                next_round = Instant::now() + pause_after(start.elapsed());
                delivered = false;
            }
        }
        // Every sink is gone: what is still deferred goes out before the reporters are handed
        // back.
        if delivered {
            self.idle();
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

    /// Lets every reporter put out what it deferred, in order.
    fn idle(&mut self) {
        for slot in &mut self.0 {
            let Some(reporter) = slot else { continue };
            if catch_unwind(AssertUnwindSafe(|| reporter.idle())).is_err() {
                tracing::error!("a reporter panicked; it gets no further events");
                *slot = None;
            }
        }
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

    use crate::event::{Counts, DutInfo};

    /// Counts the events it was given; "writes" the count when idle, into a shared log.
    struct Deferring {
        log: Arc<Mutex<Vec<usize>>>,
        pending: usize,
    }

    impl Reporter for Deferring {
        fn on_event(&mut self, event: &RunEvent) {
            if matches!(event, RunEvent::DutFinished { .. }) {
                self.pending += 1;
            }
        }

        fn idle(&mut self) {
            if self.pending > 0 {
                self.log.lock().unwrap().push(self.pending);
                self.pending = 0;
            }
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

    #[test]
    fn every_deferred_change_goes_out_before_the_reporters_are_given_back() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let reporter = Deferring {
            log: log.clone(),
            pending: 0,
        };
        let collector = Collector::start(vec![Box::new(reporter)]);
        let sink = collector.sink();
        for _ in 0..1000 {
            sink.send(dut_finished());
        }
        drop(sink);
        collector.finish();
        let log = log.lock().unwrap();
        assert!(!log.is_empty());
        assert_eq!(log.iter().sum::<usize>(), 1000, "{log:?}");
    }

    #[test]
    fn idle_rounds_take_at_most_about_a_tenth_of_the_time() {
        assert_eq!(
            pause_after(Duration::from_millis(10)),
            Duration::from_millis(90)
        );
        assert_eq!(pause_after(Duration::ZERO), Duration::ZERO);
        assert_eq!(pause_after(Duration::from_secs(60)), MAX_PAUSE);
    }
}
