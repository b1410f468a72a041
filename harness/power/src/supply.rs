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
    /// The value, in V or A.
    pub value: f64,
    /// Whether it was measured or stands in for a measurement.
    pub origin: ReadingOrigin,
}

impl Reading {
    /// A reading measured at the output.
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
    /// Every capability.
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
    /// Sends a voltage set point, in volts.
    fn set_voltage(&mut self, volts: f64) -> Result<(), PowerError>;
    /// Sends a current limit, in amperes.
    fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError>;
    /// Switches the output on or off.
    fn set_output(&mut self, on: bool) -> Result<(), PowerError>;
    /// Reads the output voltage.
    fn measure_voltage(&mut self) -> Result<Reading, PowerError>;
    /// Reads the output current.
    fn measure_current(&mut self) -> Result<Reading, PowerError>;
    /// Short label for logs and errors, e.g. `rigol-dp800 ch1 at 10.0.0.5:5555`.
    fn describe(&self) -> String;
    /// What this driver can do; all of it unless the driver says otherwise.
    fn capabilities(&self) -> Capabilities {
        Capabilities::FULL
    }
    /// The supply's background current recording (a PPK2's sample stream), if it has one.
    fn recorder(&mut self) -> Option<&mut dyn CurrentRecorder> {
        None
    }
}
