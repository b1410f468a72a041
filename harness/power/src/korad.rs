//! Korad/Tenma KA3005P (and its relabels: Tenma 72-25xx, RND 320-KA3005P, Velleman LABPS3005D).
//!
//! Not SCPI: no terminators, fixed-width answers read by byte count, `*IDN?` read until the
//! line goes quiet. The unit silently ignores a command arriving within ~80 ms of the previous
//! one, so every write is paced (default 100 ms: 80 ms plus margin for host scheduling), and
//! every set is verified by reading the set point back — a dropped command becomes an error
//! instead of a wrong voltage.

use std::time::{Duration, Instant};

use crate::error::PowerError;
use crate::pacing::Pacer;
use crate::supply::{PowerSupply, Reading};
use crate::transport::{self, Transport, TransportError};

/// sigrok's `DEVICE_PROCESSING_TIME_MS`.
pub const PROCESSING_TIME: Duration = Duration::from_millis(80);
/// What the driver waits between writes by default.
pub const DEFAULT_PACING: Duration = Duration::from_millis(100);
/// The `*IDN?` answer has no terminator; it is complete once the line is quiet this long.
const IDN_IDLE: Duration = Duration::from_millis(60);

/// Korad driver settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KoradOptions {
    /// How long to wait for an answer to a query.
    pub timeout: Duration,
    /// Time between two writes; below [`PROCESSING_TIME`] commands get lost.
    pub pacing: Duration,
}

impl Default for KoradOptions {
    fn default() -> Self {
        KoradOptions {
            timeout: Duration::from_secs(1),
            pacing: DEFAULT_PACING,
        }
    }
}

/// A Korad (KA3005P-style) supply over a serial line.
pub struct KoradSupply {
    transport: Box<dyn Transport>,
    channel: u8,
    pacer: Pacer,
    timeout: Duration,
    label: String,
}

impl KoradSupply {
    /// A driver for output `channel` over `transport`.
    pub fn new(transport: Box<dyn Transport>, channel: u8, options: KoradOptions) -> Self {
        let label = format!("korad ch{channel} at {}", transport.describe());
        KoradSupply {
            transport,
            channel: channel.max(1),
            pacer: Pacer::new(options.pacing),
            timeout: options.timeout,
            label,
        }
    }

    fn err(&self, command: &str, e: TransportError) -> PowerError {
        e.into_power_error(&self.label, command)
    }

    fn write(&mut self, command: &str) -> Result<(), PowerError> {
        self.pacer.wait();
        let result = self.transport.write_all(command.as_bytes());
        self.pacer.mark();
        result.map_err(|e| self.err(command, TransportError::Io(e)))
    }

    /// Sends a query and reads `n` bytes (after throwing away stray bytes such as the extra
    /// byte some firmwares append to `ISET1?`).
    fn query_fixed(&mut self, command: &str, n: usize) -> Result<Vec<u8>, PowerError> {
        if let Err(e) = self.transport.discard_input() {
            return Err(self.err(command, TransportError::Io(e)));
        }
        self.write(command)?;
        let deadline = Instant::now() + self.timeout;
        transport::read_exact(self.transport.as_mut(), n, deadline)
            .map_err(|e| self.err(command, e))
    }

    fn query_number(&mut self, command: &str) -> Result<f64, PowerError> {
        let bytes = self.query_fixed(command, 5)?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        match text.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err(PowerError::BadReply {
                supply: self.label.clone(),
                command: command.to_owned(),
                reply: text,
            }),
        }
    }

    /// Sends a set command and reads the set point back to prove it was executed.
    fn set_verified(
        &mut self,
        command: String,
        query: String,
        value: &str,
    ) -> Result<(), PowerError> {
        self.write(&command)?;
        let got = self.query_number(&query)?;
        let want: f64 = value.parse().unwrap_or(f64::NAN);
        if (got - want).abs() > 1e-6 {
            return Err(PowerError::NotApplied {
                supply: self.label.clone(),
                command,
                readback: format!("{query} -> {got}"),
            });
        }
        Ok(())
    }

    fn encodable(&self, what: &str, value: f64, max: f64) -> Result<(), PowerError> {
        if value.is_finite() && (0.0..=max).contains(&value) {
            Ok(())
        } else {
            Err(PowerError::Unsupported {
                supply: self.label.clone(),
                what: format!("{what} {value} is outside what the protocol can carry (0 to {max})"),
            })
        }
    }
}

impl PowerSupply for KoradSupply {
    fn identify(&mut self) -> Result<String, PowerError> {
        let cmd = "*IDN?";
        if let Err(e) = self.transport.discard_input() {
            return Err(self.err(cmd, TransportError::Io(e)));
        }
        self.write(cmd)?;
        let deadline = Instant::now() + self.timeout;
        let bytes = transport::read_until_idle(self.transport.as_mut(), IDN_IDLE, 64, deadline)
            .map_err(|e| self.err(cmd, e))?;
        // Some firmwares append junk after the text.
        let text: String = String::from_utf8_lossy(&bytes)
            .chars()
            .take_while(|c| !c.is_control())
            .collect();
        Ok(text.trim().to_owned())
    }

    fn set_voltage(&mut self, volts: f64) -> Result<(), PowerError> {
        self.encodable("voltage", volts, 99.99)?;
        let ch = self.channel;
        let value = format!("{volts:05.2}");
        self.set_verified(format!("VSET{ch}:{value}"), format!("VSET{ch}?"), &value)
    }

    fn set_current_limit(&mut self, amps: f64) -> Result<(), PowerError> {
        self.encodable("current limit", amps, 9.999)?;
        let ch = self.channel;
        let value = format!("{amps:05.3}");
        self.set_verified(format!("ISET{ch}:{value}"), format!("ISET{ch}?"), &value)
    }

    fn set_output(&mut self, on: bool) -> Result<(), PowerError> {
        let cmd = if on { "OUT1" } else { "OUT0" };
        self.write(cmd)?;
        let status = self.query_fixed("STATUS?", 1)?;
        let is_on = status.first().is_some_and(|b| b & 0x40 != 0);
        if is_on != on {
            return Err(PowerError::NotApplied {
                supply: self.label.clone(),
                command: cmd.into(),
                readback: format!("STATUS? -> 0x{:02x}", status.first().copied().unwrap_or(0)),
            });
        }
        Ok(())
    }

    fn measure_voltage(&mut self) -> Result<Reading, PowerError> {
        let cmd = format!("VOUT{}?", self.channel);
        self.query_number(&cmd).map(Reading::measured)
    }

    fn measure_current(&mut self) -> Result<Reading, PowerError> {
        let cmd = format!("IOUT{}?", self.channel);
        self.query_number(&cmd).map(Reading::measured)
    }

    fn describe(&self) -> String {
        self.label.clone()
    }
}
