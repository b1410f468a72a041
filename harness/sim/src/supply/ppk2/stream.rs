//! The simulated PPK2's sample stream: 100 kS/s, paced by the wall clock. Sample `k` of a
//! stream is the DUT's current at `t0 + k·10 µs` (read from the rail's load schedule, with the
//! load's ripple as deterministic zero-mean noise), encoded with the unit's calibration and a
//! rolling counter. Samples are written in chunks (about 1 ms each) a little after their time,
//! as a USB device buffers them. Bytes the host does not read pile up to one second's worth;
//! beyond that new samples are dropped (the counter keeps counting, so the host sees the loss),
//! and the `drop_samples` fault drops samples on purpose.

use std::time::{Duration, Instant};

use super::encode::{Encoder, word};
use crate::load::LoadLevel;
use crate::pty::PtyEndpoint;
use crate::rail::SupplyRail;

/// Time between samples (100 kS/s).
pub const PERIOD: Duration = Duration::from_micros(10);
/// A sample is written this long after its time at the earliest.
const LAG: Duration = Duration::from_millis(2);
/// Unread bytes kept before new samples are dropped (one second of samples).
const MAX_PENDING: usize = 400_000;

/// One running stream (from `AverageStart` to `AverageStop`).
#[derive(Debug)]
pub struct Stream {
    t0: Instant,
    next: u64,
    counter: u8,
    encoder: Encoder,
    noise: u32,
    out: Vec<u8>,
    written: usize,
    levels: Vec<(Instant, LoadLevel)>,
    /// Samples dropped because the host did not read.
    pub overflowed: u64,
    /// Samples dropped by the fault knob.
    pub dropped: u64,
}

impl Stream {
    /// A stream whose sample 0 is at `t0`, continuing the unit's counter at `counter`.
    pub fn new(t0: Instant, counter: u8) -> Self {
        Stream {
            t0,
            next: 0,
            counter,
            encoder: Encoder::default(),
            noise: 0x9E37_79B9,
            out: Vec::with_capacity(8192),
            written: 0,
            levels: Vec::new(),
            overflowed: 0,
            dropped: 0,
        }
    }

    /// The unit's counter after the last sample (the next stream continues from it).
    pub fn counter(&self) -> u8 {
        self.counter
    }

    /// Samples whose current did not fit the ADC.
    pub fn saturated(&self) -> u64 {
        self.encoder.saturated
    }

    fn time_of(&self, k: u64) -> Instant {
        self.t0 + Duration::from_nanos(k * PERIOD.as_nanos() as u64)
    }

    /// Zero-mean noise in [-1, 1) (xorshift32).
    fn noise(&mut self) -> f64 {
        let mut x = self.noise;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.noise = x;
        f64::from(x) / f64::from(u32::MAX) * 2.0 - 1.0
    }

    /// Generates every sample due by `now`: `measuring` says whether current flows through the
    /// unit (DUT path on), `vdd_mv` is the calibration's VDD, `drop` is the fault knob (samples
    /// still to drop, decremented here).
    pub fn generate(
        &mut self,
        now: Instant,
        rail: &SupplyRail,
        measuring: bool,
        vdd_mv: u16,
        drop: &mut u64,
    ) {
        let Some(age) = now.checked_duration_since(self.t0 + LAG) else {
            return;
        };
        let due = (age.as_nanos() / PERIOD.as_nanos()) as u64 + 1;
        if due <= self.next {
            return;
        }
        let (from, to) = (self.time_of(self.next), self.time_of(due));
        let (live, limit) = rail.load_between(from, to, &mut self.levels);
        let levels = std::mem::take(&mut self.levels);
        let mut step = 0;
        for k in self.next..due {
            let t = self.time_of(k);
            while step + 1 < levels.len() && levels[step + 1].0 <= t {
                step += 1;
            }
            let level = levels[step].1;
            let amps = if measuring && live {
                (level.amps * (1.0 + level.ripple * self.noise())).min(limit)
            } else {
                0.0
            };
            let counter = self.counter;
            self.counter = (self.counter + 1) % 64;
            if *drop > 0 {
                *drop -= 1;
                self.dropped += 1;
                continue;
            }
            if self.out.len() - self.written >= MAX_PENDING {
                self.overflowed += 1;
                continue;
            }
            let (range, adc) = self.encoder.encode(amps, vdd_mv);
            self.out
                .extend_from_slice(&word(range, adc, counter, 0).to_le_bytes());
        }
        self.levels = levels;
        self.next = due;
    }

    /// Writes what the host can take now, whole words first to last.
    pub fn flush(&mut self, pty: &PtyEndpoint) {
        if self.written < self.out.len() {
            let n = pty
                .write_timeout(&self.out[self.written..], Duration::ZERO)
                .unwrap_or(0);
            self.written += n;
        }
        if self.written == self.out.len() {
            self.out.clear();
            self.written = 0;
        } else if self.written > 64 * 1024 {
            self.out.drain(..self.written);
            self.written = 0;
        }
    }

    /// When the next sample is due to be written.
    pub fn next_due(&self) -> Instant {
        self.time_of(self.next) + LAG
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rail::Slew;

    fn drain(s: &mut Stream) -> Vec<u32> {
        let words = s.out[s.written..]
            .chunks_exact(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        s.out.clear();
        s.written = 0;
        words
    }

    #[test]
    fn samples_are_paced_by_the_clock_and_counted() {
        let rail = SupplyRail::new(3.7, Slew::FAST);
        rail.set_load_amps(0.045);
        let t0 = Instant::now();
        let mut s = Stream::new(t0, 60);
        let mut drop = 0;
        s.generate(
            t0 + LAG + Duration::from_micros(995),
            &rail,
            true,
            3700,
            &mut drop,
        );
        let words = drain(&mut s);
        assert_eq!(words.len(), 100, "1 ms of samples");
        let counters: Vec<u32> = words.iter().map(|w| w >> 18 & 63).collect();
        assert_eq!(
            &counters[..6],
            &[60, 61, 62, 63, 0, 1],
            "the counter rolls over"
        );
        assert!(words.iter().all(|w| w >> 14 & 7 == 2), "45 mA is range 2");
    }

    #[test]
    fn the_fault_drops_samples_but_not_their_counter_values() {
        let rail = SupplyRail::new(3.7, Slew::FAST);
        let t0 = Instant::now();
        let mut s = Stream::new(t0, 0);
        let mut drop = 37;
        s.generate(
            t0 + LAG + Duration::from_micros(995),
            &rail,
            true,
            3700,
            &mut drop,
        );
        let words = drain(&mut s);
        assert_eq!((words.len(), drop, s.dropped), (63, 0, 37));
        assert_eq!(words[0] >> 18 & 63, 37);
    }

    #[test]
    fn no_current_flows_when_not_measuring() {
        let rail = SupplyRail::new(3.7, Slew::FAST);
        rail.set_load_amps(0.045);
        let t0 = Instant::now();
        let mut s = Stream::new(t0, 0);
        s.generate(t0 + LAG, &rail, false, 3700, &mut 0);
        let w = drain(&mut s)[0];
        assert_eq!(w >> 14 & 7, 0, "0 A is range 0");
    }
}
