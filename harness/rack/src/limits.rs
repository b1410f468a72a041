//! Safety limits of a DUT's supply: the window every voltage set point must stay in, and the
//! current limit. Checked when the file is read, so an inverted or absurd window never reaches
//! a supply driver.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validate::{Checked, checked_serde};

/// Highest supply voltage the rack file accepts (nRF91 VDD absolute range tops out at 5.5 V).
pub const MAX_SANE_VOLTS: f64 = 5.5;
/// Highest current limit the rack file accepts.
pub const MAX_SANE_AMPS: f64 = 3.0;

/// The window a DUT's supply is allowed to operate in.
///
/// `min_volts` may go below the modem's 3.0 V operating floor on purpose (brown-out and
/// power-off-warning tests ramp down to it); `max_volts` must not exceed 5.5 V.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "Limits", deny_unknown_fields)]
pub struct Limits {
    /// Lowest voltage a set point may have, in volts (0 ≤ min_volts < max_volts).
    #[schemars(range(min = 0.0, max = 5.5))]
    pub min_volts: f64,
    /// Highest voltage a set point may have, in volts (≤ 5.5).
    #[schemars(range(min = 0.0, max = 5.5))]
    pub max_volts: f64,
    /// Current limit programmed into the supply, in amperes (0 < max_amps ≤ 3).
    #[schemars(range(min = 0.0, max = 3.0))]
    pub max_amps: f64,
}

impl Limits {
    /// Whether `volts` is inside the window (inclusive).
    pub fn allows_volts(&self, volts: f64) -> bool {
        volts >= self.min_volts && volts <= self.max_volts
    }

    /// Checks the window on its own; the rack file runs this while it is read.
    pub fn validate(&self) -> Result<(), String> {
        let Limits {
            min_volts,
            max_volts,
            max_amps,
        } = *self;
        for (name, v) in [
            ("min_volts", min_volts),
            ("max_volts", max_volts),
            ("max_amps", max_amps),
        ] {
            if !v.is_finite() {
                return Err(format!("{name} {v} is not a number"));
            }
        }
        if min_volts < 0.0 {
            return Err(format!("min_volts {min_volts} is negative"));
        }
        if max_volts > MAX_SANE_VOLTS {
            return Err(format!(
                "max_volts {max_volts} is above {MAX_SANE_VOLTS} V, the nRF91 supply maximum"
            ));
        }
        if min_volts >= max_volts {
            return Err(format!(
                "min_volts {min_volts} is not below max_volts {max_volts}"
            ));
        }
        if max_amps <= 0.0 {
            return Err(format!("max_amps {max_amps} must be above 0"));
        }
        if max_amps > MAX_SANE_AMPS {
            return Err(format!(
                "max_amps {max_amps} is above {MAX_SANE_AMPS} A, more than an nRF91 board can draw"
            ));
        }
        Ok(())
    }
}

impl Checked for Limits {
    const EXPECTING: &'static str = "safety limits (min_volts, max_volts, max_amps)";
    fn unchecked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn check(self) -> Result<Self, String> {
        self.validate().map(|()| self)
    }
}

checked_serde!(Limits);
