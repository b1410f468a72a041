//! What a simulated DUT draws over time: a short history and the scheduled future of its load
//! current, as steps. The board schedules (a boot or an NVM write is a step up now and a step
//! down when it ends); instruments read it back — a bench supply's `MEAS:CURR?` now, a PPK2 at
//! every 10 µs sample instant, a little in the past.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// One level of load current.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadLevel {
    /// Mean current, amperes.
    pub amps: f64,
    /// Relative fluctuation around the mean a fine-grained instrument sees (0.02 = ±2 %,
    /// zero-mean); a bench supply's readback averages it away.
    pub ripple: f64,
}

impl LoadLevel {
    /// No current at all.
    pub const ZERO: LoadLevel = LoadLevel {
        amps: 0.0,
        ripple: 0.0,
    };

    /// A current of `amps` with no ripple.
    pub fn steady(amps: f64) -> Self {
        LoadLevel { amps, ripple: 0.0 }
    }
}

/// How long past steps are kept for instruments that read behind real time.
const HISTORY: Duration = Duration::from_secs(10);
/// At most this many steps are kept (the oldest go first).
const MAX_STEPS: usize = 4096;

/// Load steps in time order; the level at `t` is that of the last step at or before `t`.
#[derive(Debug, Clone)]
pub struct LoadSchedule {
    steps: VecDeque<(Instant, LoadLevel)>,
}

impl LoadSchedule {
    /// A load of `level` since `since`.
    pub fn new(since: Instant, level: LoadLevel) -> Self {
        LoadSchedule {
            steps: VecDeque::from([(since, level)]),
        }
    }

    /// Replaces everything from `from` on: `level` from `from`, then each later step of
    /// `then` (times at or before `from` are ignored, times must grow).
    pub fn set_from(&mut self, from: Instant, level: LoadLevel, then: &[(Instant, LoadLevel)]) {
        while self.steps.back().is_some_and(|(t, _)| *t >= from) && self.steps.len() > 1 {
            self.steps.pop_back();
        }
        if self.steps.back().is_some_and(|(t, _)| *t >= from) {
            self.steps.clear();
        }
        self.steps.push_back((from, level));
        let mut last = from;
        for &(t, l) in then {
            if t > last {
                self.steps.push_back((t, l));
                last = t;
            }
        }
        self.trim(from);
    }

    fn trim(&mut self, now: Instant) {
        let horizon = now.checked_sub(HISTORY);
        while self.steps.len() > 1
            && (self.steps.len() > MAX_STEPS || horizon.is_some_and(|h| self.steps[1].0 <= h))
        {
            self.steps.pop_front();
        }
    }

    /// The level at `t` (the earliest known level for a `t` before every step).
    pub fn at(&self, t: Instant) -> LoadLevel {
        let i = self.steps.partition_point(|(s, _)| *s <= t);
        self.steps[i.saturating_sub(1)].1
    }

    /// The level at `from` and every step after it up to `to`: `(start, level)` pairs, the first
    /// one at `from`.
    pub fn between(&self, from: Instant, to: Instant, out: &mut Vec<(Instant, LoadLevel)>) {
        out.clear();
        out.push((from, self.at(from)));
        let i = self.steps.partition_point(|(s, _)| *s <= from);
        out.extend(
            self.steps
                .iter()
                .skip(i)
                .take_while(|(s, _)| *s < to)
                .copied(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(t0: Instant, n: u64) -> Instant {
        t0 + Duration::from_millis(n)
    }

    #[test]
    fn a_pulse_is_a_step_up_now_and_down_later() {
        let t0 = Instant::now();
        let mut s = LoadSchedule::new(t0, LoadLevel::steady(0.003));
        s.set_from(
            ms(t0, 10),
            LoadLevel::steady(0.009),
            &[(ms(t0, 50), LoadLevel::steady(0.003))],
        );
        assert_eq!(s.at(ms(t0, 5)).amps, 0.003);
        assert_eq!(s.at(ms(t0, 10)).amps, 0.009);
        assert_eq!(s.at(ms(t0, 49)).amps, 0.009);
        assert_eq!(s.at(ms(t0, 50)).amps, 0.003);
        let mut out = Vec::new();
        s.between(ms(t0, 20), ms(t0, 60), &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].0, out[0].1.amps), (ms(t0, 20), 0.009));
        assert_eq!(out[1].0, ms(t0, 50));
    }

    #[test]
    fn a_new_schedule_replaces_the_old_future() {
        let t0 = Instant::now();
        let mut s = LoadSchedule::new(t0, LoadLevel::steady(0.003));
        s.set_from(
            ms(t0, 10),
            LoadLevel::steady(0.02),
            &[(ms(t0, 200), LoadLevel::steady(0.003))],
        );
        s.set_from(ms(t0, 30), LoadLevel::ZERO, &[]);
        assert_eq!(s.at(ms(t0, 20)).amps, 0.02, "history kept");
        assert_eq!(
            s.at(ms(t0, 300)).amps,
            0.0,
            "the scheduled step down is gone"
        );
    }

    #[test]
    fn history_is_bounded() {
        let t0 = Instant::now();
        let mut s = LoadSchedule::new(t0, LoadLevel::ZERO);
        for i in 1..10_000u64 {
            s.set_from(ms(t0, i), LoadLevel::steady(i as f64), &[]);
        }
        assert!(s.steps.len() <= MAX_STEPS);
        assert_eq!(s.at(ms(t0, 9_999)).amps, 9_999.0);
    }
}
