//! Statistics over part of a recording, and the raw samples of a marked window.

use serde::{Deserialize, Serialize};

use super::CurrentBucket;

/// Mean, extremes and charge over a stretch of time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WindowStats {
    /// Samples (or readings) that went into it.
    pub samples: u64,
    /// Mean current, µA.
    pub mean_ua: f64,
    /// Lowest current, µA.
    pub min_ua: f64,
    /// Highest current, µA.
    pub max_ua: f64,
    /// Time covered, milliseconds.
    pub span_ms: f64,
    /// Charge drawn over `span_ms` at `mean_ua`, microcoulombs.
    pub charge_uc: f64,
}

impl WindowStats {
    /// Over envelope buckets, weighting each by its sample count.
    pub fn of_buckets(buckets: &[CurrentBucket]) -> Option<WindowStats> {
        let samples: u64 = buckets.iter().map(|b| u64::from(b.samples)).sum();
        if samples == 0 {
            return None;
        }
        let weighted: f64 = buckets
            .iter()
            .map(|b| f64::from(b.mean_ua) * f64::from(b.samples))
            .sum();
        let mean_ua = weighted / samples as f64;
        let span_ms: f64 = buckets.iter().map(|b| f64::from(b.span_ms)).sum();
        Some(WindowStats {
            samples,
            mean_ua,
            min_ua: buckets
                .iter()
                .map(|b| f64::from(b.min_ua))
                .fold(f64::INFINITY, f64::min),
            max_ua: buckets
                .iter()
                .map(|b| f64::from(b.max_ua))
                .fold(f64::NEG_INFINITY, f64::max),
            span_ms,
            charge_uc: mean_ua * span_ms / 1000.0,
        })
    }
}

/// Why a window holds less than was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WindowCut {
    /// Everything asked for is there (lost samples show as NaN).
    Whole,
    /// It started earlier than the look-back buffer reaches: the beginning is missing.
    StartTooOld,
    /// It was longer than the window limit: the end is missing.
    TooLong,
    /// The recording stopped before the window ended.
    RecordingEnded,
}

/// The raw samples of one marked window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawWindow {
    /// The window's label, as marked.
    pub label: String,
    /// Time of the first sample, milliseconds since the epoch.
    pub t0_ms: f64,
    /// Time between samples, microseconds (10 for a PPK2).
    pub period_us: f64,
    /// One value per sample period; NaN where the sample was lost.
    pub microamps: Vec<f32>,
    /// The logic inputs (D0–D7) of each sample; 0 where lost.
    pub logic: Vec<u8>,
    /// Whether the window was cut short, and how.
    pub cut: WindowCut,
}

impl RawWindow {
    /// Statistics over the samples that arrived; `None` if none did.
    pub fn stats(&self) -> Option<WindowStats> {
        let mut n = 0u64;
        let (mut sum, mut min, mut max) = (0.0f64, f64::INFINITY, f64::NEG_INFINITY);
        for &v in self.microamps.iter().filter(|v| !v.is_nan()) {
            let v = f64::from(v);
            n += 1;
            sum += v;
            min = min.min(v);
            max = max.max(v);
        }
        if n == 0 {
            return None;
        }
        let span_ms = self.microamps.len() as f64 * self.period_us / 1000.0;
        let mean_ua = sum / n as f64;
        Some(WindowStats {
            samples: n,
            mean_ua,
            min_ua: min,
            max_ua: max,
            span_ms,
            charge_uc: mean_ua * span_ms / 1000.0,
        })
    }

    /// Sample slots with no sample (lost in transit).
    pub fn lost(&self) -> usize {
        self.microamps.iter().filter(|v| v.is_nan()).count()
    }

    /// Bytes held by the window.
    pub fn heap_bytes(&self) -> usize {
        self.microamps.capacity() * 4 + self.logic.capacity() + self.label.capacity()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lost_samples_are_left_out_of_the_statistics() {
        let w = RawWindow {
            label: "w".into(),
            t0_ms: 0.0,
            period_us: 10.0,
            microamps: vec![100.0, f32::NAN, 300.0, 200.0],
            logic: vec![0; 4],
            cut: WindowCut::Whole,
        };
        let s = w.stats().unwrap();
        assert_eq!(s.samples, 3);
        assert!((s.mean_ua - 200.0).abs() < 1e-9);
        assert_eq!((s.min_ua, s.max_ua), (100.0, 300.0));
        assert!((s.span_ms - 0.04).abs() < 1e-12);
        assert!((s.charge_uc - 200.0 * 0.04 / 1000.0).abs() < 1e-12);
        assert_eq!(w.lost(), 1);
    }
}
