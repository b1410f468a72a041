//! Current over time, from any supply that can measure it: one [`CurrentTrace`] type (min, max
//! and mean per time bucket, times on the AT transcript's clock), the raw samples of marked
//! windows ([`RawWindow`]), reported data loss ([`DataLoss`]) and what a recording supply
//! offers ([`CurrentRecorder`]).
//!
//! A PPK2 fills 1 ms buckets from 100 kS/s; a SCPI supply polled a few times a second gives one
//! reading per bucket (min = max = mean). Both are the same type, so reports and power
//! assertions need not know which instrument measured.

mod envelope;
mod polled;
mod window;

use std::fmt::Write as _;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::error::PowerError;

pub use envelope::Envelope;
pub use polled::Polled;
pub use window::{RawWindow, WindowCut, WindowStats};

/// Min, max and mean current over one time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurrentBucket {
    /// Start of the bucket, milliseconds since the epoch (the AT transcript's `t=0`).
    pub t_ms: f64,
    /// Length of the bucket, milliseconds.
    pub span_ms: f32,
    /// Lowest current in the bucket, µA.
    pub min_ua: f32,
    /// Highest current in the bucket, µA.
    pub max_ua: f32,
    /// Mean current over the bucket, µA.
    pub mean_ua: f32,
    /// Samples that went into it (fewer than the bucket holds when data was lost).
    pub samples: u32,
}

/// A gap in the sample stream: samples the instrument produced that never arrived.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DataLoss {
    /// Where the gap is, milliseconds since the epoch.
    pub t_ms: f64,
    /// Samples missing there. The PPK2's counter has 6 bits, so this is exact modulo 64: a gap
    /// of exactly 64·k samples cannot be seen from the counter.
    pub missing: u32,
}

/// Current measured over time for one supply.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CurrentTrace {
    /// The supply's label.
    pub source: String,
    /// Buckets in time order; a bucket with no sample is not stored.
    pub buckets: Vec<CurrentBucket>,
}

impl CurrentTrace {
    /// An empty trace from `source`.
    pub fn new(source: impl Into<String>) -> Self {
        CurrentTrace {
            source: source.into(),
            buckets: Vec::new(),
        }
    }

    /// Statistics over the buckets that start within `[from_ms, to_ms)` (bucket resolution;
    /// use a [`RawWindow`] for sample resolution). `None` when no bucket is there.
    pub fn window(&self, from_ms: f64, to_ms: f64) -> Option<WindowStats> {
        let first = self.buckets.partition_point(|b| b.t_ms < from_ms);
        let last = self.buckets.partition_point(|b| b.t_ms < to_ms);
        WindowStats::of_buckets(&self.buckets[first..last])
    }

    /// Time span covered: start of the first bucket to end of the last, milliseconds.
    pub fn span_ms(&self) -> Option<(f64, f64)> {
        let first = self.buckets.first()?;
        let last = self.buckets.last()?;
        Some((first.t_ms, last.t_ms + f64::from(last.span_ms)))
    }

    /// Bytes held by the trace (what a long capture costs in memory).
    pub fn heap_bytes(&self) -> usize {
        self.buckets.capacity() * std::mem::size_of::<CurrentBucket>() + self.source.capacity()
    }

    /// `t_ms,span_ms,min_ua,max_ua,mean_ua,samples`, one row per bucket.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("t_ms,span_ms,min_ua,max_ua,mean_ua,samples\n");
        for b in &self.buckets {
            let _ = writeln!(
                out,
                "{:.3},{:.3},{:.3},{:.3},{:.3},{}",
                b.t_ms, b.span_ms, b.min_ua, b.max_ua, b.mean_ua, b.samples
            );
        }
        out
    }
}

/// Everything one recording produced.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct CurrentRecording {
    /// The bucketed current over the whole recording.
    pub trace: CurrentTrace,
    /// The raw samples of the windows marked during the recording, in marking order.
    pub windows: Vec<RawWindow>,
    /// Every gap seen (at most [`MAX_LOSS_EVENTS`]; `lost_samples` counts them all).
    pub losses: Vec<DataLoss>,
    /// Samples received and decoded.
    pub samples: u64,
    /// Samples known to be missing (sum of all gaps, including those beyond the event list).
    pub lost_samples: u64,
}

/// Loss events kept in a recording; more are only counted.
pub const MAX_LOSS_EVENTS: usize = 1000;

impl CurrentRecording {
    /// True when no sample was lost.
    pub fn complete(&self) -> bool {
        self.lost_samples == 0
    }

    /// The window marked with `label`.
    pub fn window(&self, label: &str) -> Option<&RawWindow> {
        self.windows.iter().find(|w| w.label == label)
    }
}

/// How a recording is set up.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RecordOptions {
    /// Time zero of every timestamp: share it with the AT transcript (`Transcript::origin`).
    pub epoch: Instant,
    /// Length of one envelope bucket.
    pub bucket: std::time::Duration,
    /// How far back a window may start when it is marked (raw samples kept that long).
    pub lookback: std::time::Duration,
    /// Longest raw window kept, in samples; a longer window is cut and says so.
    pub max_window_samples: usize,
}

impl RecordOptions {
    /// 1 ms buckets, 2 s look-back, windows up to 60 s at 100 kS/s.
    pub fn new(epoch: Instant) -> Self {
        RecordOptions {
            epoch,
            bucket: std::time::Duration::from_millis(1),
            lookback: std::time::Duration::from_secs(2),
            max_window_samples: 6_000_000,
        }
    }
}

/// A supply that records current in the background while a case runs.
pub trait CurrentRecorder {
    /// Starts recording; times count from `options.epoch`.
    fn start_recording(&mut self, options: RecordOptions) -> Result<(), PowerError>;
    /// Keeps the raw samples between `from` and `to` under `label` (`from` may lie up to
    /// `lookback` in the past, `to` in the future).
    fn mark(&mut self, label: &str, from: Instant, to: Instant) -> Result<(), PowerError>;
    /// Samples received so far in the running recording.
    fn samples_so_far(&self) -> u64;
    /// Samples lost so far in the running recording.
    fn lost_so_far(&self) -> u64;
    /// Stops and returns what was recorded.
    fn stop_recording(&mut self) -> Result<CurrentRecording, PowerError>;
}

/// Milliseconds from `epoch` to `t` (negative when `t` is earlier).
pub fn ms_since(epoch: Instant, t: Instant) -> f64 {
    match t.checked_duration_since(epoch) {
        Some(d) => d.as_secs_f64() * 1000.0,
        None => -(epoch.duration_since(t).as_secs_f64() * 1000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(t_ms: f64, mean_ua: f32, samples: u32) -> CurrentBucket {
        CurrentBucket {
            t_ms,
            span_ms: 1.0,
            min_ua: mean_ua - 1.0,
            max_ua: mean_ua + 1.0,
            mean_ua,
            samples,
        }
    }

    #[test]
    fn a_window_weights_buckets_by_their_samples() {
        let mut t = CurrentTrace::new("x");
        t.buckets = vec![
            bucket(0.0, 10.0, 100),
            bucket(1.0, 20.0, 100),
            bucket(2.0, 40.0, 50),
        ];
        let w = t.window(1.0, 3.0).unwrap();
        assert_eq!(w.samples, 150);
        assert!((w.mean_ua - (20.0 * 100.0 + 40.0 * 50.0) / 150.0).abs() < 1e-9);
        assert_eq!(w.min_ua, 19.0);
        assert_eq!(w.max_ua, 41.0);
        assert!(t.window(5.0, 6.0).is_none());
        assert_eq!(t.span_ms(), Some((0.0, 3.0)));
    }

    #[test]
    fn csv_has_one_row_per_bucket() {
        let mut t = CurrentTrace::new("x");
        t.buckets = vec![bucket(0.0, 10.0, 100), bucket(1.0, 20.0, 100)];
        let csv = t.to_csv();
        assert_eq!(csv.lines().count(), 3);
        assert!(
            csv.lines()
                .nth(2)
                .unwrap()
                .starts_with("1.000,1.000,19.000,21.000,20.000,100")
        );
    }

    #[test]
    fn ms_since_is_signed() {
        let a = Instant::now();
        let b = a + std::time::Duration::from_millis(5);
        assert!((ms_since(a, b) - 5.0).abs() < 1e-9);
        assert!((ms_since(b, a) + 5.0).abs() < 1e-9);
    }
}
