//! The firmware-under-test's own commands (architecture.md, at-console): `AT#XFWVER` (its
//! identity) and `AT#XRESET` (reset, then the boot banner).

use std::time::Duration;

use crate::{AtClient, AtError};

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

    /// `AT#XRESET`, then waits up to `boot_timeout` for `READY`.
    pub fn reset_and_wait(&mut self, boot_timeout: Duration) -> Result<(), AtError> {
        self.command("AT#XRESET")?;
        self.wait_ready(boot_timeout)?;
        Ok(())
    }
}
