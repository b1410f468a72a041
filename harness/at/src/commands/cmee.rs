//! `+CMEE`: how errors are reported (0 plain `ERROR`, 1 numeric `+CME ERROR: n`, 2 verbose,
//! which the nRF91 still answers numerically; ref §2.2).

use crate::commands::number;
use crate::{AtClient, AtError, Response};

impl AtClient {
    /// `AT+CMEE=<n>`; must answer `OK`.
    pub fn set_cmee(&mut self, n: u8) -> Result<Response, AtError> {
        self.command(&format!("AT+CMEE={n}"))
    }

    /// `AT+CMEE?` → the current setting.
    pub fn cmee(&mut self) -> Result<u8, AtError> {
        let r = self.command("AT+CMEE?")?;
        let v = r.value_of("+CMEE:")?;
        number(v).ok_or_else(|| r.malformed(v, "CMEE setting is not a number"))
    }
}
