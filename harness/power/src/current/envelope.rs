//! Min/max/mean per time bucket from a stream of evenly spaced samples: what keeps a long
//! capture small (one [`CurrentBucket`] per bucket instead of every sample).

use std::time::Duration;

use super::{CurrentBucket, CurrentTrace};

/// The bucket being filled.
#[derive(Debug, Clone, Copy)]
struct Open {
    index: u64,
    /// First sample index past this bucket.
    end: u64,
    min: f32,
    max: f32,
    sum: f64,
    n: u32,
}

/// Builds a [`CurrentTrace`] from samples numbered from 0 at `t0_ms`, one every sample period.
#[derive(Debug, Clone)]
pub struct Envelope {
    trace: CurrentTrace,
    t0_ms: f64,
    bucket_ms: f64,
    per_bucket: u64,
    open: Option<Open>,
}

impl Envelope {
    /// Buckets of `bucket` (rounded to whole sample periods, at least one).
    pub fn new(source: impl Into<String>, t0_ms: f64, period: Duration, bucket: Duration) -> Self {
        let per_bucket = (bucket.as_nanos() / period.as_nanos().max(1)).max(1) as u64;
        Envelope {
            trace: CurrentTrace::new(source),
            t0_ms,
            bucket_ms: per_bucket as f64 * period.as_secs_f64() * 1000.0,
            per_bucket,
            open: None,
        }
    }

    /// Adds sample number `index` (indices only grow; gaps are lost samples).
    #[inline]
    pub fn push(&mut self, index: u64, microamps: f32) {
        match &mut self.open {
            Some(b) if index < b.end => {
                b.min = b.min.min(microamps);
                b.max = b.max.max(microamps);
                b.sum += f64::from(microamps);
                b.n += 1;
            }
            _ => self.start(index, microamps),
        }
    }

    #[cold]
    fn start(&mut self, index: u64, microamps: f32) {
        self.close();
        let bucket = index / self.per_bucket;
        self.open = Some(Open {
            index: bucket,
            end: (bucket + 1) * self.per_bucket,
            min: microamps,
            max: microamps,
            sum: f64::from(microamps),
            n: 1,
        });
    }

    fn close(&mut self) {
        if let Some(b) = self.open.take() {
            let buckets = &mut self.trace.buckets;
            if buckets.len() == buckets.capacity() {
                // Grow by a quarter, not double: a long capture wastes little.
                buckets.reserve_exact((buckets.len() / 4).max(1024));
            }
            buckets.push(CurrentBucket {
                t_ms: self.t0_ms + b.index as f64 * self.bucket_ms,
                span_ms: self.bucket_ms as f32,
                min_ua: b.min,
                max_ua: b.max,
                mean_ua: (b.sum / f64::from(b.n)) as f32,
                samples: b.n,
            });
        }
    }

    /// The buckets closed so far.
    pub fn closed(&self) -> &[CurrentBucket] {
        &self.trace.buckets
    }

    /// Bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.trace.heap_bytes()
    }

    /// Closes the last bucket and returns the trace.
    pub fn finish(mut self) -> CurrentTrace {
        self.close();
        self.trace.buckets.shrink_to_fit();
        self.trace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: Duration = Duration::from_micros(10);

    #[test]
    fn one_bucket_per_millisecond_at_100_ks() {
        let mut e = Envelope::new("ppk2", 5.0, PERIOD, Duration::from_millis(1));
        for i in 0..250 {
            e.push(i, i as f32);
        }
        let t = e.finish();
        assert_eq!(t.buckets.len(), 3);
        let b = t.buckets[1];
        assert_eq!(
            (b.t_ms, b.min_ua, b.max_ua, b.samples),
            (6.0, 100.0, 199.0, 100)
        );
        assert!((b.mean_ua - 149.5).abs() < 1e-4);
        assert_eq!(t.buckets[2].samples, 50);
        assert!((t.buckets[2].t_ms - 7.0).abs() < 1e-9);
    }

    #[test]
    fn a_gap_leaves_buckets_out_and_keeps_the_times() {
        let mut e = Envelope::new("ppk2", 0.0, PERIOD, Duration::from_millis(1));
        e.push(0, 1.0);
        e.push(1, 1.0);
        e.push(350, 3.0); // samples 2..350 lost
        let t = e.finish();
        assert_eq!(t.buckets.len(), 2);
        assert_eq!(t.buckets[0].samples, 2);
        assert!((t.buckets[1].t_ms - 3.0).abs() < 1e-9);
    }

    #[test]
    fn a_ten_minute_capture_stays_small() {
        // 600 s at 1 ms per bucket: 600 000 buckets.
        let mut e = Envelope::new("ppk2", 0.0, PERIOD, Duration::from_millis(1));
        for b in 0..600_000u64 {
            e.push(b * 100, 1.0);
        }
        let t = e.finish();
        assert_eq!(t.buckets.len(), 600_000);
        assert!(
            t.heap_bytes() <= 50 * 1024 * 1024,
            "{} bytes",
            t.heap_bytes()
        );
    }
}
