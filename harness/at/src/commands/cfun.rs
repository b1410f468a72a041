//! `+CFUN`: the modem's functional mode (0 minimum, 1 normal, 4 offline, 20/21/30/31/40/41/44
//! partial modes). Credential writes need a mode other than 1, 2 and 21 (ref §3).

use crate::commands::number;
use crate::{AtClient, AtError, Response};

/// Functional modes named in the nRF91 AT reference.
pub mod mode {
    /// `+CFUN=0`: minimum functionality, radio off.
    pub const MINIMUM: u8 = 0;
    /// `+CFUN=1`: normal operation.
    pub const NORMAL: u8 = 1;
    /// `+CFUN=4`: offline mode, radio off.
    pub const OFFLINE: u8 = 4;
}

impl AtClient {
    /// `AT+CFUN=<mode>`; must answer `OK`.
    pub fn set_cfun(&mut self, mode: u8) -> Result<Response, AtError> {
        self.command(&format!("AT+CFUN={mode}"))
    }

    /// `AT+CFUN?` → the current mode.
    pub fn cfun(&mut self) -> Result<u8, AtError> {
        let r = self.command("AT+CFUN?")?;
        let v = r.value_of("+CFUN:")?;
        number(v).ok_or_else(|| r.malformed(v, "functional mode is not a number"))
    }
}
