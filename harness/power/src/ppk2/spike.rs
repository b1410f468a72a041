//! The spike filter at range switches (ref instruments §8; behaviour as Nordic's app
//! describes it in serialDevice.ts `getAdcResult`): two exponential averages run over every
//! sample (α = 0.18, and α = 0.06 for range 4); for the 3 samples starting at a range switch the
//! output is the average instead of the sample, and for range 4 the first two samples after the
//! switch do not even enter the averages. Outside those samples the filter passes values through.

/// Filter parameters (Nordic's defaults in [`SpikeFilter::default`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpikeSettings {
    /// The weight of a new sample in the running average.
    pub alpha: f64,
    /// The average used in range 4.
    pub alpha5: f64,
    /// Samples replaced after a switch.
    pub samples: u32,
}

impl Default for SpikeSettings {
    fn default() -> Self {
        SpikeSettings {
            alpha: 0.18,
            alpha5: 0.06,
            samples: 3,
        }
    }
}

/// Filter state; [`SpikeFilter::reset`] at each stream start.
#[derive(Debug, Clone, Default)]
pub struct SpikeFilter {
    settings: SpikeSettings,
    avg: Option<f64>,
    avg4: Option<f64>,
    prev_range: Option<u8>,
    /// Samples still to replace.
    pending: u32,
    /// Samples seen in the current range since the switch.
    since_switch: u32,
}

impl SpikeFilter {
    /// A filter with `settings`.
    pub fn new(settings: SpikeSettings) -> Self {
        SpikeFilter {
            settings,
            ..SpikeFilter::default()
        }
    }

    /// Forgets the history (a new stream).
    pub fn reset(&mut self) {
        *self = SpikeFilter::new(self.settings);
    }

    /// The filtered value of a sample of `value` measured in `range`.
    #[inline]
    pub fn filter(&mut self, range: u8, value: f64) -> f64 {
        let s = self.settings;
        let (before, before4) = (self.avg, self.avg4);
        self.avg = Some(before.map_or(value, |a| s.alpha * value + (1.0 - s.alpha) * a));
        self.avg4 = Some(before4.map_or(value, |a| s.alpha5 * value + (1.0 - s.alpha5) * a));
        let prev = *self.prev_range.get_or_insert(range);
        self.prev_range = Some(range);
        if prev == range && self.pending == 0 {
            return value;
        }
        self.since_switch = if prev != range {
            0
        } else {
            self.since_switch + 1
        };
        if prev != range {
            self.pending = s.samples;
        }
        self.pending = self.pending.saturating_sub(1);
        if range == 4 {
            if self.since_switch < 2 {
                self.avg = before;
                self.avg4 = before4;
            }
            self.avg4.unwrap_or(value)
        } else {
            self.avg.unwrap_or(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_values_through_within_a_range() {
        let mut f = SpikeFilter::default();
        for v in [5.0, 7.0, 3.0, 100.0] {
            assert_eq!(f.filter(1, v), v);
        }
    }

    #[test]
    fn smooths_three_samples_after_a_switch() {
        let mut f = SpikeFilter::default();
        for _ in 0..10 {
            f.filter(1, 100.0);
        }
        let a1 = 0.18 * 1000.0 + 0.82 * 100.0;
        let a2 = 0.18 * 1000.0 + 0.82 * a1;
        let a3 = 0.18 * 1000.0 + 0.82 * a2;
        let out: Vec<f64> = (0..5).map(|_| f.filter(2, 1000.0)).collect();
        for (got, want) in out.iter().zip([a1, a2, a3]) {
            assert!((got - want).abs() < 1e-9, "{got} vs {want}");
        }
        assert_eq!(&out[3..], &[1000.0, 1000.0], "then values pass again");
    }

    #[test]
    fn range_4_holds_the_old_average_for_two_samples() {
        let mut f = SpikeFilter::default();
        for _ in 0..10 {
            f.filter(3, 10_000.0);
        }
        assert_eq!(f.filter(4, 500_000.0), 10_000.0);
        assert_eq!(f.filter(4, 500_000.0), 10_000.0);
        let third = f.filter(4, 500_000.0);
        assert!((third - (0.06 * 500_000.0 + 0.94 * 10_000.0)).abs() < 1e-6);
        assert_eq!(f.filter(4, 500_000.0), 500_000.0);
    }

    #[test]
    fn reset_forgets_the_previous_range() {
        let mut f = SpikeFilter::default();
        f.filter(1, 1.0);
        f.reset();
        assert_eq!(
            f.filter(3, 50.0),
            50.0,
            "first sample after reset is not a switch"
        );
    }
}
