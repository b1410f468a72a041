//! How one simulated board is built: identity of its firmware image, UART, timers, supervisor.

use std::path::PathBuf;
use std::time::Duration;

use at_console::response::{FW_ID_LEN, is_fw_id_byte};

use super::legacy_host::LegacyHostOptions;
use super::power::Supervisor;
use super::uart::DEFAULT_TX_QUEUE;
use crate::timing::Timing;

/// Firmware id of the image a simulated board ships with (`<crate version>+<build id>`,
/// architecture.md "wire protocol").
pub const DEFAULT_FW_ID: &str = concat!(env!("CARGO_PKG_VERSION"), "+sim-factory");

/// Everything a simulated board is configured with.
#[derive(Debug, Clone, PartialEq)]
pub struct DutOptions {
    /// Name used in logs and thread names.
    pub name: String,
    /// Firmware id reported by the banner and `AT#XFWVER` until an image is installed.
    pub fw_id: String,
    /// UART baud rate (wire time in realistic timing; reported to clients).
    pub baud: u32,
    /// Whether time is realistic (wire time, latencies) or fast.
    pub timing: Timing,
    /// Silence mid-line before the console drops the line with `#XFWERR: idle` (firmware.md §4
    /// rule 6; default 10 s).
    pub idle_timeout: Duration,
    /// How long the firmware waits for a modem answer before `#XFWERR: timeout` (firmware.md §3;
    /// default 60 s).
    pub modem_timeout: Duration,
    /// Brown-out and power-on thresholds.
    pub supervisor: Supervisor,
    /// `Some` replaces the firmware's framer with the old `at_host` one (ref §7.3 (a)).
    pub legacy_host: Option<LegacyHostOptions>,
    /// How often the board looks at its rail when nothing else wakes it.
    pub poll_interval: Duration,
    /// Most output bytes kept waiting for a client that does not read.
    pub tx_queue: usize,
    /// Also expose the serial port at this path (a symlink to the pty).
    pub link: Option<PathBuf>,
}

impl DutOptions {
    /// Defaults of the real firmware for a board called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        DutOptions {
            name: name.into(),
            fw_id: DEFAULT_FW_ID.to_owned(),
            baud: 115_200,
            timing: Timing::Fast,
            idle_timeout: Duration::from_millis(u64::from(at_console::IDLE_TIMEOUT_MS)),
            modem_timeout: Duration::from_millis(u64::from(at_console::MODEM_TIMEOUT_MS)),
            supervisor: Supervisor::default(),
            legacy_host: None,
            poll_interval: Duration::from_millis(5),
            tx_queue: DEFAULT_TX_QUEUE,
            link: None,
        }
    }

    /// Checks the values a thread cannot run with; the message says which field is wrong.
    pub fn validate(&self) -> Result<(), String> {
        validate_fw_id(&self.fw_id)?;
        if self.baud == 0 {
            return Err("baud must be greater than 0".into());
        }
        if self.idle_timeout.is_zero() || self.modem_timeout.is_zero() {
            return Err("idle_timeout and modem_timeout must be greater than 0".into());
        }
        if self.poll_interval.is_zero() || self.poll_interval > Duration::from_secs(1) {
            return Err("poll_interval must be between 1 µs and 1 s".into());
        }
        if let Some(legacy) = &self.legacy_host
            && legacy.buffer == 0
        {
            return Err("legacy host buffer must be at least 1 byte".into());
        }
        self.supervisor.validate()
    }
}

/// A firmware id must survive the quoted `#XFWVER: "<fw id>"` line and the ELF symbol.
pub fn validate_fw_id(id: &str) -> Result<(), String> {
    if id.is_empty() || id.len() > FW_ID_LEN || !id.bytes().all(is_fw_id_byte) {
        return Err(format!(
            "firmware id `{}` must be 1..={FW_ID_LEN} printable ASCII characters without space, `\"` or `\\`",
            id.escape_debug()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_firmwares_and_valid() {
        let o = DutOptions::new("sim-1.3.6");
        assert_eq!(o.idle_timeout, Duration::from_secs(10));
        assert_eq!(o.modem_timeout, Duration::from_secs(60));
        assert!(o.validate().is_ok());
        assert!(DEFAULT_FW_ID.ends_with("+sim-factory"));
    }

    #[test]
    fn bad_values_are_named() {
        let mut o = DutOptions::new("x");
        o.fw_id = "has space".into();
        assert!(o.validate().unwrap_err().contains("firmware id"));
        let mut o = DutOptions::new("x");
        o.baud = 0;
        assert!(o.validate().unwrap_err().contains("baud"));
        assert!(validate_fw_id(&"x".repeat(FW_ID_LEN + 1)).is_err());
        assert!(validate_fw_id("1.2.0+ci-42").is_ok());
    }
}
