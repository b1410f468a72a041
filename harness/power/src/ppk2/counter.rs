//! Data-loss detection from the samples' 6-bit rolling counter (ref instruments §8): each
//! sample's counter is one more than the previous one's, modulo 64, so a jump says how many
//! samples never arrived, modulo 64.

use super::word::COUNTER_MODULUS;

/// Tracks the counter across a stream.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CounterCheck {
    expected: Option<u8>,
}

impl CounterCheck {
    /// Forgets the sequence (a new stream may start at any counter value).
    pub fn reset(&mut self) {
        self.expected = None;
    }

    /// How many samples are missing just before a sample carrying `counter` (0 in sequence).
    #[inline]
    pub fn check(&mut self, counter: u8) -> u32 {
        let missing = match self.expected {
            Some(e) => u32::from(counter.wrapping_sub(e) % COUNTER_MODULUS),
            None => 0,
        };
        self.expected = Some((counter + 1) % COUNTER_MODULUS);
        missing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_over_is_not_a_loss() {
        let mut c = CounterCheck::default();
        for i in 0..200u32 {
            assert_eq!(c.check((i % 64) as u8), 0, "sample {i}");
        }
    }

    #[test]
    fn a_jump_is_the_number_of_missing_samples() {
        let mut c = CounterCheck::default();
        assert_eq!(c.check(60), 0, "any start value");
        assert_eq!(c.check(61), 0);
        assert_eq!(c.check(3), 5, "62, 63, 0, 1, 2 missing across the wrap");
        assert_eq!(c.check(4), 0);
        assert_eq!(c.check(4), 63, "a repeat is 63 missing modulo 64");
    }

    #[test]
    fn reset_starts_over() {
        let mut c = CounterCheck::default();
        c.check(10);
        c.reset();
        assert_eq!(c.check(40), 0);
    }
}
