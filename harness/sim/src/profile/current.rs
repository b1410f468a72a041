//! The simulated board's current draw per state (the profile's optional `current:` section).
//!
//! No figure here is sourced by the reference (instruments §6 only bounds the nRF91's range,
//! ~1 µA to ~500 mA, and TX peaks ~300 mA): every default is INFERRED, an order of magnitude
//! for an nRF91 DK with its UART console on. The PPK2 simulation measures exactly this model,
//! so tests compare decoded current against these figures.

use serde::{Deserialize, Serialize};

/// A level held for a while: boot, an NVM write, a key generation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pulse {
    /// Milliamperes.
    pub ma: f64,
    /// How long, milliseconds.
    pub ms: u64,
}

/// Current figures of one firmware, milliamperes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CurrentFigures {
    /// From power-up or reset until the firmware runs with the modem in CFUN=0 (INFERRED).
    pub booting: Pulse,
    /// Modem in CFUN=0 (powered off), application idle on its console (INFERRED).
    pub cfun0_ma: f64,
    /// Modem on but offline: CFUN=4 and the other offline modes (INFERRED).
    pub cfun4_ma: f64,
    /// Radio on (CFUN=1, 2, 21), averaged over network search (INFERRED).
    pub cfun1_ma: f64,
    /// While a power-off warning holds the modem offline (INFERRED).
    pub pofwarn_ma: f64,
    /// Added on top of the state while a credential write or delete reaches NVM (INFERRED).
    pub nvm_write: Pulse,
    /// Added on top of the state while `%KEYGEN` generates a key (INFERRED).
    pub keygen: Pulse,
    /// Zero-mean fluctuation a 100 kS/s instrument sees, percent of the level (INFERRED).
    pub ripple_pct: f64,
    #[serde(skip_serializing_if = "String::is_empty")]
    /// Where these facts come from (reference citation).
    pub cite: String,
}

impl Default for CurrentFigures {
    fn default() -> Self {
        CurrentFigures {
            booting: Pulse { ma: 12.0, ms: 150 },
            cfun0_ma: 3.0,
            cfun4_ma: 3.6,
            cfun1_ma: 45.0,
            pofwarn_ma: 3.2,
            nvm_write: Pulse { ma: 6.0, ms: 40 },
            keygen: Pulse { ma: 9.0, ms: 300 },
            ripple_pct: 2.0,
            cite: String::new(),
        }
    }
}

/// The modem's state as far as its current goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawState {
    /// CFUN=0.
    Off,
    /// CFUN=4, 44, 41, 40, 30, 31, 20: modem on, radio off.
    Offline,
    /// CFUN=1, 2, 21: radio on.
    Active,
    /// A power-off warning holds the modem offline.
    Warning,
}

impl DrawState {
    /// From the functional mode and the warning state.
    pub fn of(cfun: u8, warning: bool) -> DrawState {
        match (warning, cfun) {
            (true, _) => DrawState::Warning,
            (false, 0) => DrawState::Off,
            (false, 1 | 2 | 21) => DrawState::Active,
            (false, _) => DrawState::Offline,
        }
    }
}

impl CurrentFigures {
    /// The steady draw of `state`, milliamperes.
    pub fn state_ma(&self, state: DrawState) -> f64 {
        match state {
            DrawState::Off => self.cfun0_ma,
            DrawState::Offline => self.cfun4_ma,
            DrawState::Active => self.cfun1_ma,
            DrawState::Warning => self.pofwarn_ma,
        }
    }

    /// Every figure finite and non-negative, ripple below 50 %.
    pub fn validate(&self) -> Result<(), String> {
        let figures = [
            ("booting.ma", self.booting.ma),
            ("cfun0_ma", self.cfun0_ma),
            ("cfun4_ma", self.cfun4_ma),
            ("cfun1_ma", self.cfun1_ma),
            ("pofwarn_ma", self.pofwarn_ma),
            ("nvm_write.ma", self.nvm_write.ma),
            ("keygen.ma", self.keygen.ma),
        ];
        for (name, v) in figures {
            if !(v.is_finite() && (0.0..=5000.0).contains(&v)) {
                return Err(format!("current.{name} {v} is not within 0..=5000 mA"));
            }
        }
        if !(self.ripple_pct.is_finite() && (0.0..50.0).contains(&self.ripple_pct)) {
            return Err(format!(
                "current.ripple_pct {} is not within 0..50",
                self.ripple_pct
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_follow_cfun_and_the_warning() {
        assert_eq!(DrawState::of(0, false), DrawState::Off);
        assert_eq!(DrawState::of(4, false), DrawState::Offline);
        assert_eq!(DrawState::of(44, false), DrawState::Offline);
        assert_eq!(DrawState::of(21, false), DrawState::Active);
        assert_eq!(DrawState::of(1, true), DrawState::Warning);
        let f = CurrentFigures::default();
        assert!(f.state_ma(DrawState::Active) > f.state_ma(DrawState::Offline));
    }

    #[test]
    fn a_partial_section_keeps_the_other_defaults_and_bad_figures_are_named() {
        let f: CurrentFigures = serde_yaml_ng::from_str("cfun1_ma: 50.5").unwrap();
        assert_eq!(f.cfun1_ma, 50.5);
        assert_eq!(f.cfun0_ma, CurrentFigures::default().cfun0_ma);
        let bad = CurrentFigures {
            cfun4_ma: -1.0,
            ..CurrentFigures::default()
        };
        assert!(bad.validate().unwrap_err().contains("cfun4_ma"));
        assert!(serde_yaml_ng::from_str::<CurrentFigures>("cfun9_ma: 1").is_err());
    }
}
