//! `%XPOFWARN` without the supply (ref §4.1): the command, its accepted `<voltage>` codes,
//! and whether it has a read form (OPEN). The supply-driven facts are in [`super::supply`].

use std::collections::BTreeMap;

use hil_at::FinalResult;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// `<voltage>` codes tried: 2.5 V to 4.0 V in 100 mV steps (30..33 documented, ref §4.1 [D6]).
const CODES: std::ops::RangeInclusive<u32> = 25..=40;

/// Code → mV (ref §4.1 [D6]: `<voltage>` is in units of 100 mV).
pub fn code_mv(code: u32) -> u32 {
    code * 100
}

/// Presence, levels and read form; the warning is left disabled (restored by a reset later).
pub fn measure(s: &mut Session, _: &Options, f: &mut Findings) -> Result<(), Error> {
    s.touch_pofwarn()?;
    let present = s.result("AT%XPOFWARN=0")? == FinalResult::Ok;
    f.pofwarn_command = Some(present);
    if !present {
        f.pofwarn_levels = Some(BTreeMap::new());
        f.pofwarn_default_mv = Some(None);
        f.pofwarn_one_shot = Some(false);
        return Ok(());
    }
    let mut levels = BTreeMap::new();
    for code in CODES {
        if s.result(&format!("AT%XPOFWARN=1,{code}"))? == FinalResult::Ok {
            levels.insert(code, code_mv(code));
        }
    }
    s.result("AT%XPOFWARN=0")?;
    f.pofwarn_levels = Some(levels);
    f.xpofwarn_read_form = Some(s.result("AT%XPOFWARN?")? == FinalResult::Ok);
    Ok(())
}
