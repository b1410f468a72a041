//! `%XVBAT`: the supply voltage the modem measures, in millivolts (ref §4.2; stale while the
//! modem is active).

use crate::commands::number;
use crate::{AtClient, AtError};

impl AtClient {
    /// `AT%XVBAT` → millivolts.
    pub fn xvbat(&mut self) -> Result<u32, AtError> {
        let r = self.command("AT%XVBAT")?;
        let v = r.value_of("%XVBAT:")?;
        number(v).ok_or_else(|| r.malformed(v, "battery voltage is not a number of mV"))
    }
}
