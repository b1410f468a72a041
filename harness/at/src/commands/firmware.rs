//! The firmware-under-test's own commands (architecture.md, at-console): `AT#XFWVER` (its
//! identity) and `AT#XRESET` (reset, then the boot banner), and the wait for a boot every
//! caller shares: the `READY` banner of the new boot, then an answered `AT`.

use std::time::{Duration, Instant};

use crate::{AtClient, AtError};

/// Why a board did not come back from a reset, a power cycle or a flash.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BootError {
    /// `AT#XRESET` itself was not answered `OK`.
    #[error("did not take AT#XRESET: {0}")]
    Reset(#[source] AtError),
    /// No `READY` banner was read after the instant the boot began.
    #[error("printed no READY banner: {0}")]
    NoBanner(#[source] AtError),
    /// The banner came but `AT` was not answered `OK`.
    #[error("does not answer AT: {0}")]
    NoAnswer(#[source] AtError),
}

impl BootError {
    /// The console error underneath.
    pub fn at_error(&self) -> &AtError {
        match self {
            BootError::Reset(e) | BootError::NoBanner(e) | BootError::NoAnswer(e) => e,
        }
    }
}

impl AtClient {
    /// `AT#XFWVER` → the firmware id `<crate version>+<build id>`.
    pub fn firmware_id(&mut self) -> Result<String, AtError> {
        let r = self.command("AT#XFWVER")?;
        let line = r
            .lines_with_prefix("#XFWVER:")
            .next()
            .ok_or_else(|| r.malformed(&r.lines.join("\\n"), "no `#XFWVER:` line"))?;
        at_console::response::parse_fw_version(line.as_bytes())
            .map(str::to_string)
            .ok_or_else(|| r.malformed(line, "not `#XFWVER: \"<fw id>\"`"))
    }

    /// Waits for a boot that began at `since` (power back on, a probe reset, a flash): the
    /// firmware's `READY` banner read at or after `since`, within `timeout`, then `AT` must
    /// answer `OK`. A banner from an earlier boot does not count.
    pub fn wait_boot(&mut self, since: Instant, timeout: Duration) -> Result<(), BootError> {
        self.wait_ready_since(since, timeout)
            .map_err(BootError::NoBanner)?;
        self.command("AT").map_err(BootError::NoAnswer)?;
        Ok(())
    }

    /// `AT#XRESET`, then [`AtClient::wait_boot`] with `boot_timeout`.
    pub fn reset_and_wait(&mut self, boot_timeout: Duration) -> Result<(), BootError> {
        let since = Instant::now();
        self.command("AT#XRESET").map_err(BootError::Reset)?;
        self.wait_boot(since, boot_timeout)
    }
}
