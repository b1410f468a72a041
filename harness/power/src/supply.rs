//! The supply interface every driver implements, and what a measurement is.

use crate::current::CurrentRecorder;
use crate::error::PowerError;

/// Where a reading comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadingOrigin {
    /// Measured at the output terminals (or sense leads).
    Measured,
    /// The instrument cannot measure this; the value is its own set point (PPK2 voltage).
    SetPoint,
}

/// One reading of voltage (V) or current (A).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub value: f64,
    pub origin: ReadingOrigin,
}

impl Reading {
    pub fn measured(value: f64) -> Self {
        Reading {
            value,
            origin: ReadingOrigin::Measured,
        }
    }
}

/// What a driver can do beyond the basics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    /// `measure_voltage` reads the output (false: it reports the set point).
    pub voltage_readback: bool,
    /// `measure_current` works.
    pub current_readback: bool,
    /// `set_current_limit` programs a limit (false: accepted and ignored).
    pub current_limit: bool,
}

impl Capabilities {
    pub const FULL: Capabilities = Capabilities {
        voltage_readback: true,
        current_readback: true,
        current_limit: true,
    };
}

/// A programmable supply output feeding one DUT.
///
/// Drivers never read after a set command; set methods return once the command is written
/// (and, where the instrument has an error queue, once it was drained). They do not wait for
/// the output to settle: [`crate::GuardedSupply`] does that, and enforces the DUT's limits.
pub trait PowerSupply: Send {
    /// The instrument's identity (`*IDN?` or equivalent).
    fn identify(&mut self) -> Result<String, PowerError>;
    fn set_voltage(&mut self, volts: f64) -> Result<(), PowerError>;
    fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError>;
    fn set_output(&mut self, on: bool) -> Result<(), PowerError>;
    fn measure_voltage(&mut self) -> Result<Reading, PowerError>;
    fn measure_current(&mut self) -> Result<Reading, PowerError>;
    /// Short label for logs and errors, e.g. `rigol-dp800 ch1 at 10.0.0.5:5555`.
    fn describe(&self) -> String;
    fn capabilities(&self) -> Capabilities {
        Capabilities::FULL
    }
    /// The supply's background current recording (a PPK2's sample stream), if it has one.
    fn recorder(&mut self) -> Option<&mut dyn CurrentRecorder> {
        None
    }
}
