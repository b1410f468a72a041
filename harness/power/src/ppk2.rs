//! Nordic Power Profiler Kit II as a source meter: our own implementation of the handful of
//! opcodes the harness needs (GetMetaData, SetPowerMode, RegulatorSet, DeviceRunningSet).
//!
//! The PPK2 acknowledges nothing, so there is nothing to read after a set. It has no voltage
//! readback: [`PowerSupply::measure_voltage`] reports the regulator set point with
//! [`ReadingOrigin::SetPoint`](crate::ReadingOrigin::SetPoint), and current measurement (which
//! needs the calibrated sample stream) is not implemented. Its current limit is fixed in
//! hardware; `set_current_limit` is accepted and ignored. Keep the port open for the whole
//! test: the PPK2 cuts DUT power when the host closes it.

use std::time::{Duration, Instant};

use crate::error::PowerError;
use crate::supply::{Capabilities, PowerSupply, Reading, ReadingOrigin};
use crate::transport::{self, Transport, TransportError};

pub const GET_METADATA: u8 = 0x19;
pub const SET_POWER_MODE: u8 = 0x11;
pub const REGULATOR_SET: u8 = 0x0D;
pub const DEVICE_RUNNING_SET: u8 = 0x0C;
/// `SetPowerMode` argument for source-meter mode (1 is ampere meter).
pub const SOURCE_METER: u8 = 2;
/// The regulator's range in millivolts.
pub const MIN_MV: u16 = 800;
pub const MAX_MV: u16 = 5000;
const MAX_METADATA: usize = 8192;

pub struct Ppk2Supply {
    transport: Box<dyn Transport>,
    label: String,
    metadata: String,
    setpoint_mv: Option<u16>,
}

impl Ppk2Supply {
    /// Reads the metadata (proves a PPK2 is there) and switches to source-meter mode.
    pub fn new(transport: Box<dyn Transport>, timeout: Duration) -> Result<Self, PowerError> {
        let label = format!("ppk2 at {}", transport.describe());
        let mut ppk = Ppk2Supply {
            transport,
            label,
            metadata: String::new(),
            setpoint_mv: None,
        };
        ppk.send("GetMetaData", &[GET_METADATA])?;
        let deadline = Instant::now() + timeout;
        let bytes = transport::read_until(ppk.transport.as_mut(), b"END\n", MAX_METADATA, deadline)
            .map_err(|e| ppk.err("GetMetaData", e))?;
        ppk.metadata = String::from_utf8_lossy(&bytes).into_owned();
        ppk.setpoint_mv = ppk.meta("VDD").and_then(|v| v.parse().ok());
        ppk.send("SetPowerMode 2", &[SET_POWER_MODE, SOURCE_METER])?;
        Ok(ppk)
    }

    /// A metadata value (`VDD`, `HW`, `mode`, ...).
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| v.trim())
        })
    }

    fn err(&self, command: &str, e: TransportError) -> PowerError {
        e.into_power_error(&self.label, command)
    }

    fn send(&mut self, name: &str, bytes: &[u8]) -> Result<(), PowerError> {
        self.transport.write_all(bytes).map_err(|e| PowerError::Io {
            supply: self.label.clone(),
            command: name.to_owned(),
            source: e,
        })
    }

    fn unsupported(&self, what: impl Into<String>) -> PowerError {
        PowerError::Unsupported {
            supply: self.label.clone(),
            what: what.into(),
        }
    }
}

impl PowerSupply for Ppk2Supply {
    fn identify(&mut self) -> Result<String, PowerError> {
        let hw = self.meta("HW").unwrap_or("?");
        Ok(format!("Nordic Semiconductor,PPK2,HW {hw},source meter"))
    }

    fn set_voltage(&mut self, volts: f64) -> Result<(), PowerError> {
        let mv = (volts * 1000.0).round();
        if !(f64::from(MIN_MV)..=f64::from(MAX_MV)).contains(&mv) {
            return Err(self.unsupported(format!(
                "{volts} V is outside the PPK2 regulator range 0.8–5.0 V"
            )));
        }
        let mv = mv as u16;
        let [hi, lo] = mv.to_be_bytes();
        self.send(&format!("RegulatorSet {mv}"), &[REGULATOR_SET, hi, lo])?;
        self.setpoint_mv = Some(mv);
        Ok(())
    }

    fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError> {
        tracing::debug!(supply = %self.label, amps, "the PPK2 has no programmable current limit; ignored");
        Ok(())
    }

    fn set_output(&mut self, on: bool) -> Result<(), PowerError> {
        self.send(
            &format!("DeviceRunningSet {}", u8::from(on)),
            &[DEVICE_RUNNING_SET, u8::from(on)],
        )
    }

    /// The regulator set point: the PPK2 cannot measure its output voltage.
    fn measure_voltage(&mut self) -> Result<Reading, PowerError> {
        match self.setpoint_mv {
            Some(mv) => Ok(Reading {
                value: f64::from(mv) / 1000.0,
                origin: ReadingOrigin::SetPoint,
            }),
            None => Err(self.unsupported("no voltage readback, and no set point known yet")),
        }
    }

    fn measure_current(&mut self) -> Result<Reading, PowerError> {
        Err(self.unsupported("current measurement (sample stream) is not implemented for the PPK2"))
    }

    fn describe(&self) -> String {
        self.label.clone()
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities {
            voltage_readback: false,
            current_readback: false,
            current_limit: false,
        }
    }
}
