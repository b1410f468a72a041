//! The supply rail between a simulated supply and a simulated DUT.
//!
//! The supply side sets a set point, a current limit and the output state; the voltage at the
//! DUT follows the set point with a linear slew (separate rates up and down, as a bench supply
//! with little load falls more slowly than it rises). The DUT side reads the instantaneous
//! voltage, and the lowest voltage since it last looked, so a short dip between two polls is not
//! missed; it reports its load current back for the supply's `MEAS:CURR?`, as a schedule of
//! steps ([`LoadSchedule`]) so a sampling instrument (the PPK2) can read it at any instant.
//!
//! Evaluation is lazy (computed from timestamps), so no thread ticks the rail.

use std::sync::Mutex;
use std::time::Instant;

use crate::load::{LoadLevel, LoadSchedule};

/// Slew rates of a supply output, in volts per second.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slew {
    /// How fast the output rises, V/s.
    pub up_v_per_s: f64,
    /// How fast the output falls, V/s.
    pub down_v_per_s: f64,
}

impl Slew {
    /// Effectively instantaneous (fast timing mode): 1 kV/s both ways.
    pub const FAST: Slew = Slew {
        up_v_per_s: 1000.0,
        down_v_per_s: 1000.0,
    };
}

#[derive(Debug)]
struct State {
    setpoint_v: f64,
    current_limit_a: f64,
    output_on: bool,
    /// Voltage at `t0`; the output ramps from here toward the target.
    from_v: f64,
    t0: Instant,
    slew: Slew,
    load: LoadSchedule,
    /// Lowest voltage seen since the DUT last called [`SupplyRail::take_min_volts`].
    min_since_take: f64,
}

impl State {
    fn target(&self) -> f64 {
        if self.output_on { self.setpoint_v } else { 0.0 }
    }

    fn volts_at(&self, now: Instant) -> f64 {
        let target = self.target();
        let dt = now.saturating_duration_since(self.t0).as_secs_f64();
        if target >= self.from_v {
            (self.from_v + self.slew.up_v_per_s * dt).min(target)
        } else {
            (self.from_v - self.slew.down_v_per_s * dt).max(target)
        }
    }

    /// Freezes the ramp at `now` before a change of target.
    fn rebase(&mut self, now: Instant) {
        let v = self.volts_at(now);
        self.min_since_take = self.min_since_take.min(v);
        self.from_v = v;
        self.t0 = now;
    }
}

/// A supply output wired to one DUT.
#[derive(Debug)]
pub struct SupplyRail {
    state: Mutex<State>,
}

impl SupplyRail {
    /// A rail whose output is on at `volts`, already settled.
    pub fn new(volts: f64, slew: Slew) -> Self {
        let now = Instant::now();
        SupplyRail {
            state: Mutex::new(State {
                setpoint_v: volts,
                current_limit_a: 1.0,
                output_on: true,
                from_v: volts,
                t0: now,
                slew,
                load: LoadSchedule::new(now, LoadLevel::ZERO),
                min_since_take: volts,
            }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut guard = self.state.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut guard)
    }

    /// Sets the output voltage setpoint, in volts.
    pub fn set_voltage(&self, volts: f64) {
        self.with(|s| {
            s.rebase(Instant::now());
            s.setpoint_v = volts;
        });
    }

    /// Sets the current limit, in amperes.
    pub fn set_current_limit(&self, amps: f64) {
        self.with(|s| s.current_limit_a = amps);
    }

    /// Switches the output on or off.
    pub fn set_output(&self, on: bool) {
        self.with(|s| {
            s.rebase(Instant::now());
            s.output_on = on;
        });
    }

    /// Sets the output's slew rates.
    pub fn set_slew(&self, slew: Slew) {
        self.with(|s| {
            s.rebase(Instant::now());
            s.slew = slew;
        });
    }

    /// The voltage setpoint, in volts.
    pub fn setpoint(&self) -> f64 {
        self.with(|s| s.setpoint_v)
    }

    /// The current limit, in amperes.
    pub fn current_limit(&self) -> f64 {
        self.with(|s| s.current_limit_a)
    }

    /// Whether the output is on.
    pub fn output_on(&self) -> bool {
        self.with(|s| s.output_on)
    }

    /// The voltage at the DUT now.
    pub fn volts(&self) -> f64 {
        self.with(|s| s.volts_at(Instant::now()))
    }

    /// The lowest voltage since the previous call (or since creation), including now.
    pub fn take_min_volts(&self) -> f64 {
        self.with(|s| {
            let now = Instant::now();
            let v = s.volts_at(now);
            let min = s.min_since_take.min(v);
            s.min_since_take = v;
            min
        })
    }

    /// The DUT reports what it draws from now on; the supply measures it (clamped to the
    /// current limit).
    pub fn set_load_amps(&self, amps: f64) {
        self.schedule_load(Instant::now(), LoadLevel::steady(amps), &[]);
    }

    /// The DUT draws `level` from `from` on, then each later step of `then` (replacing what
    /// was scheduled after `from`).
    pub fn schedule_load(&self, from: Instant, level: LoadLevel, then: &[(Instant, LoadLevel)]) {
        self.with(|s| s.load.set_from(from, level, then));
    }

    /// Measured output current: the DUT's load while the output is on.
    pub fn amps(&self) -> f64 {
        self.with(|s| {
            let now = Instant::now();
            if s.output_on && s.volts_at(now) > 0.0 {
                s.load.at(now).amps.min(s.current_limit_a)
            } else {
                0.0
            }
        })
    }

    /// What a sampling instrument sees between `from` and `to`: the load steps (see
    /// [`LoadSchedule::between`]), whether the output is live, and the current limit.
    pub fn load_between(
        &self,
        from: Instant,
        to: Instant,
        out: &mut Vec<(Instant, LoadLevel)>,
    ) -> (bool, f64) {
        self.with(|s| {
            s.load.between(from, to, out);
            (s.output_on && s.volts_at(to) > 0.0, s.current_limit_a)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn ramps_down_at_the_slew_rate_and_stops_at_the_setpoint() {
        let rail = SupplyRail::new(
            3.8,
            Slew {
                up_v_per_s: 100.0,
                down_v_per_s: 10.0,
            },
        );
        rail.set_voltage(3.7);
        let v = rail.volts();
        assert!(
            v <= 3.8 && v > 3.7,
            "just after the set the output is still ramping: {v}"
        );
        std::thread::sleep(Duration::from_millis(30));
        assert!(
            (rail.volts() - 3.7).abs() < 1e-9,
            "settled at the set point"
        );
    }

    #[test]
    fn output_off_takes_the_dut_to_zero() {
        let rail = SupplyRail::new(3.8, Slew::FAST);
        rail.set_output(false);
        std::thread::sleep(Duration::from_millis(10));
        assert_eq!(rail.volts(), 0.0);
        assert_eq!(rail.amps(), 0.0);
    }

    #[test]
    fn a_dip_between_two_looks_is_seen() {
        let rail = SupplyRail::new(3.8, Slew::FAST);
        assert!((rail.take_min_volts() - 3.8).abs() < 1e-9);
        rail.set_voltage(2.5);
        std::thread::sleep(Duration::from_millis(5));
        rail.set_voltage(3.8);
        std::thread::sleep(Duration::from_millis(5));
        assert!((rail.volts() - 3.8).abs() < 1e-9);
        assert!(rail.take_min_volts() < 2.6, "the dip to 2.5 V was recorded");
        assert!(
            (rail.take_min_volts() - 3.8).abs() < 1e-9,
            "and then forgotten"
        );
    }

    #[test]
    fn current_is_clamped_to_the_limit() {
        let rail = SupplyRail::new(3.8, Slew::FAST);
        rail.set_load_amps(0.3);
        rail.set_current_limit(0.1);
        assert!((rail.amps() - 0.1).abs() < 1e-9);
    }
}
