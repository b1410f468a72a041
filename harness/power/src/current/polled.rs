//! Current from a supply that can only be asked: a background thread reads `measure_current`
//! at the model's practical rate (a SCPI `MEAS:CURR?` takes milliseconds to tens of
//! milliseconds), one reading per bucket, into the same [`CurrentTrace`] a PPK2 fills. The
//! driver is shared behind a mutex, so a case's own commands interleave with the readings.
//!
//! A reading that fails is a lost sample (reported in the recording, never silent).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{
    CurrentBucket, CurrentRecorder, CurrentRecording, CurrentTrace, DataLoss, MAX_LOSS_EVENTS,
    RawWindow, RecordOptions, WindowCut, ms_since,
};
use crate::error::PowerError;
use crate::supply::{Capabilities, PowerSupply, Reading};

type Shared = Arc<Mutex<Box<dyn PowerSupply>>>;

/// What the reader thread collects.
#[derive(Debug, Default)]
struct Collected {
    trace: CurrentTrace,
    losses: Vec<DataLoss>,
    lost: u64,
}

/// A running poll.
struct Running {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Collected>,
    epoch: Instant,
    marks: Vec<(String, f64, f64)>,
}

impl Running {
    /// Tells the reader thread to stop, wakes it from its pause, and waits for it.
    fn stop(self) -> std::thread::Result<Collected> {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.thread().unpark();
        self.thread.join()
    }
}

/// A supply whose current is read in the background while a recording runs.
pub struct Polled {
    inner: Shared,
    label: String,
    capabilities: Capabilities,
    interval: Duration,
    samples: Arc<AtomicU64>,
    lost: Arc<AtomicU64>,
    running: Option<Running>,
}

impl Polled {
    /// Wraps `inner`, reading its current every `interval` while recording.
    pub fn new(inner: Box<dyn PowerSupply>, interval: Duration) -> Self {
        Polled {
            label: inner.describe(),
            capabilities: inner.capabilities(),
            inner: Arc::new(Mutex::new(inner)),
            interval: interval.max(Duration::from_millis(1)),
            samples: Arc::new(AtomicU64::new(0)),
            lost: Arc::new(AtomicU64::new(0)),
            running: None,
        }
    }

    /// Time between two readings.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    fn lock(&self) -> MutexGuard<'_, Box<dyn PowerSupply>> {
        // A reader thread that panicked leaves the driver usable: the data is plain state.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Polled {
    fn drop(&mut self) {
        if let Some(r) = self.running.take() {
            let _ = r.stop();
        }
    }
}

/// The reader thread: one reading per interval until told to stop.
fn poll(
    inner: Shared,
    options: RecordOptions,
    interval: Duration,
    stop: Arc<AtomicBool>,
    samples: Arc<AtomicU64>,
    lost: Arc<AtomicU64>,
    source: String,
) -> Collected {
    let mut out = Collected {
        trace: CurrentTrace::new(source),
        ..Collected::default()
    };
    let span_ms = interval.as_secs_f64() * 1000.0;
    let mut next = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        let (at, reading) = {
            let mut supply = inner.lock().unwrap_or_else(|e| e.into_inner());
            let at = Instant::now();
            (at, supply.measure_current())
        };
        let t_ms = ms_since(options.epoch, at);
        match reading {
            Ok(r) => {
                let ua = (r.value * 1e6) as f32;
                out.trace.buckets.push(CurrentBucket {
                    t_ms,
                    span_ms: span_ms as f32,
                    min_ua: ua,
                    max_ua: ua,
                    mean_ua: ua,
                    samples: 1,
                });
                samples.fetch_add(1, Ordering::SeqCst);
            }
            Err(e) => {
                tracing::debug!("current reading failed: {e}");
                out.lost += 1;
                lost.fetch_add(1, Ordering::SeqCst);
                if out.losses.len() < MAX_LOSS_EVENTS {
                    out.losses.push(DataLoss { t_ms, missing: 1 });
                }
            }
        }
        next += interval;
        let now = Instant::now();
        if next < now {
            next = now;
        }
        // Parked until the next reading; a stop unparks it at once (no polling of the flag:
        // a rack of dozens of boards records on every board at the same time).
        while !stop.load(Ordering::SeqCst) && Instant::now() < next {
            std::thread::park_timeout(next.saturating_duration_since(Instant::now()));
        }
    }
    out
}

/// The readings between `from_ms` and `to_ms` as a window of evenly spaced samples.
fn window(
    trace: &CurrentTrace,
    label: &str,
    from_ms: f64,
    to_ms: f64,
    period_ms: f64,
) -> RawWindow {
    let inside: Vec<&CurrentBucket> = trace
        .buckets
        .iter()
        .filter(|b| b.t_ms >= from_ms && b.t_ms < to_ms)
        .collect();
    RawWindow {
        label: label.to_owned(),
        t0_ms: inside.first().map_or(from_ms, |b| b.t_ms),
        period_us: period_ms * 1000.0,
        microamps: inside.iter().map(|b| b.mean_ua).collect(),
        logic: vec![0; inside.len()],
        cut: if inside
            .last()
            .is_some_and(|b| b.t_ms + period_ms < to_ms - period_ms)
        {
            WindowCut::RecordingEnded
        } else {
            WindowCut::Whole
        },
    }
}

impl CurrentRecorder for Polled {
    fn start_recording(&mut self, options: RecordOptions) -> Result<(), PowerError> {
        if !self.capabilities.current_readback {
            return Err(PowerError::Unsupported {
                supply: self.label.clone(),
                what: "current readback".into(),
            });
        }
        if let Some(r) = self.running.take() {
            let _ = r.stop();
        }
        self.samples.store(0, Ordering::SeqCst);
        self.lost.store(0, Ordering::SeqCst);
        let stop = Arc::new(AtomicBool::new(false));
        let (inner, interval, source) = (self.inner.clone(), self.interval, self.label.clone());
        let (samples, lost, flag) = (self.samples.clone(), self.lost.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("current-poll".into())
            .spawn(move || poll(inner, options, interval, flag, samples, lost, source))
            .map_err(|e| PowerError::Io {
                supply: self.label.clone(),
                command: "start the current reader".into(),
                source: e,
            })?;
        self.running = Some(Running {
            stop,
            thread,
            epoch: options.epoch,
            marks: Vec::new(),
        });
        Ok(())
    }

    fn mark(&mut self, label: &str, from: Instant, to: Instant) -> Result<(), PowerError> {
        let Some(r) = &mut self.running else {
            return Err(PowerError::Unsupported {
                supply: self.label.clone(),
                what: "marking a window with no recording running".into(),
            });
        };
        let (a, b) = (ms_since(r.epoch, from), ms_since(r.epoch, to));
        r.marks.push((label.to_owned(), a, b));
        Ok(())
    }

    fn samples_so_far(&self) -> u64 {
        self.samples.load(Ordering::SeqCst)
    }

    fn lost_so_far(&self) -> u64 {
        self.lost.load(Ordering::SeqCst)
    }

    fn stop_recording(&mut self) -> Result<CurrentRecording, PowerError> {
        let Some(mut r) = self.running.take() else {
            return Err(PowerError::Unsupported {
                supply: self.label.clone(),
                what: "stopping a recording that is not running".into(),
            });
        };
        let marks = std::mem::take(&mut r.marks);
        let collected = r.stop().map_err(|_| PowerError::Io {
            supply: self.label.clone(),
            command: "stop the current reader".into(),
            source: std::io::Error::other("the reader thread panicked"),
        })?;
        let period_ms = self.interval.as_secs_f64() * 1000.0;
        let windows = marks
            .iter()
            .map(|(label, a, b)| window(&collected.trace, label, *a, *b, period_ms))
            .collect();
        Ok(CurrentRecording {
            samples: collected.trace.buckets.len() as u64,
            trace: collected.trace,
            windows,
            losses: collected.losses,
            lost_samples: collected.lost,
        })
    }
}

impl PowerSupply for Polled {
    fn identify(&mut self) -> Result<String, PowerError> {
        self.lock().identify()
    }
    fn set_voltage(&mut self, volts: f64) -> Result<(), PowerError> {
        self.lock().set_voltage(volts)
    }
    fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError> {
        self.lock().set_current_limit(amps)
    }
    fn set_output(&mut self, on: bool) -> Result<(), PowerError> {
        self.lock().set_output(on)
    }
    fn measure_voltage(&mut self) -> Result<Reading, PowerError> {
        self.lock().measure_voltage()
    }
    fn measure_current(&mut self) -> Result<Reading, PowerError> {
        self.lock().measure_current()
    }
    fn describe(&self) -> String {
        self.label.clone()
    }
    fn capabilities(&self) -> Capabilities {
        self.capabilities
    }
    fn recorder(&mut self) -> Option<&mut dyn CurrentRecorder> {
        if self.capabilities.current_readback {
            Some(self)
        } else {
            None
        }
    }
}
