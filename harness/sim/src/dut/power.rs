//! The DUT's view of its supply rail: supervisor thresholds (its load current is in
//! [`super::current`]).
//!
//! nRF9160 supervisor (ref instruments §6, PS "supply monitoring"): brown-out reset below
//! ≈2.00 V, power-on reset releases on the way up at ≈2.15 V. Between the two the chip stays
//! as it was (hysteresis). The DUT polls its rail every few milliseconds; the lowest voltage since
//! the previous poll (`SupplyRail::take_min_volts`) is what decides a brown-out, so a dip shorter
//! than a poll is still seen. A switched-off output counts as unpowered at once.

use serde::{Deserialize, Serialize};

/// Supervisor thresholds of the simulated board.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Supervisor {
    /// Below this the board resets and stays off (BOR, ≈2.00 V).
    pub brownout_v: f64,
    /// Above this an unpowered board boots (POR ramp-up threshold, ≈2.15 V).
    pub por_v: f64,
}

impl Default for Supervisor {
    fn default() -> Self {
        Supervisor {
            brownout_v: 2.0,
            por_v: 2.15,
        }
    }
}

impl Supervisor {
    /// Whether the thresholds make sense (a finite BOR below or at POR, both positive).
    pub fn validate(&self) -> Result<(), String> {
        let ok = self.brownout_v.is_finite()
            && self.por_v.is_finite()
            && self.brownout_v > 0.0
            && self.brownout_v <= self.por_v;
        if ok {
            Ok(())
        } else {
            Err(format!(
                "supervisor thresholds must satisfy 0 < brownout_v ({}) <= por_v ({})",
                self.brownout_v, self.por_v
            ))
        }
    }
}

/// What a poll of the rail found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PowerEvent {
    /// Nothing changed state; `volts` is the voltage now.
    Steady,
    /// The board lost power (output off or a dip below BOR).
    Lost,
    /// The board powered up (from unpowered, the rail is above POR).
    Up,
    /// Power was lost and came back between two polls (a short dip below BOR): reset and boot.
    Bounced,
}

/// Tracks the powered state from rail readings.
#[derive(Debug)]
pub struct PowerMonitor {
    supervisor: Supervisor,
    powered: bool,
}

impl PowerMonitor {
    /// Starts unpowered; the first poll decides.
    pub fn new(supervisor: Supervisor) -> Self {
        PowerMonitor {
            supervisor,
            powered: false,
        }
    }

    /// Whether the board has power.
    pub fn powered(&self) -> bool {
        self.powered
    }

    /// One observation: the output switch, the lowest voltage since the last poll and the
    /// voltage now.
    pub fn observe(&mut self, output_on: bool, min_v: f64, now_v: f64) -> PowerEvent {
        let s = self.supervisor;
        let dipped = !output_on || min_v < s.brownout_v;
        let up_now = output_on && now_v >= s.por_v;
        match (self.powered, dipped, up_now) {
            (true, false, _) => PowerEvent::Steady,
            (true, true, true) if min_v < s.brownout_v => PowerEvent::Bounced,
            (true, true, _) => {
                self.powered = false;
                PowerEvent::Lost
            }
            (false, _, true) => {
                self.powered = true;
                PowerEvent::Up
            }
            (false, _, false) => PowerEvent::Steady,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn monitor() -> PowerMonitor {
        PowerMonitor::new(Supervisor::default())
    }

    #[test]
    fn boots_above_por_and_not_between_bor_and_por() {
        let mut m = monitor();
        assert_eq!(m.observe(true, 2.1, 2.1), PowerEvent::Steady);
        assert!(!m.powered(), "2.1 V is below POR");
        assert_eq!(m.observe(true, 2.1, 2.2), PowerEvent::Up);
        assert!(m.powered());
        assert_eq!(
            m.observe(true, 2.05, 2.05),
            PowerEvent::Steady,
            "hysteresis: above BOR"
        );
    }

    #[test]
    fn output_off_or_brownout_loses_power() {
        let mut m = monitor();
        m.observe(true, 3.8, 3.8);
        assert_eq!(m.observe(false, 3.8, 3.8), PowerEvent::Lost);
        m.observe(true, 3.8, 3.8);
        assert_eq!(m.observe(true, 1.9, 1.9), PowerEvent::Lost);
        assert!(!m.powered());
    }

    #[test]
    fn a_short_dip_between_polls_resets_the_board() {
        let mut m = monitor();
        m.observe(true, 3.8, 3.8);
        assert_eq!(m.observe(true, 1.5, 3.8), PowerEvent::Bounced);
        assert!(m.powered());
    }

    #[test]
    fn thresholds_are_validated() {
        assert!(Supervisor::default().validate().is_ok());
        let bad = Supervisor {
            brownout_v: 2.2,
            por_v: 2.1,
        };
        assert!(bad.validate().is_err());
        let nan = Supervisor {
            brownout_v: f64::NAN,
            por_v: 2.1,
        };
        assert!(nan.validate().is_err());
    }
}
