//! `+CFUN` modes accepted (ref §10.4) and those in which `%CMNG` write/delete answer 518
//! (ref §3).

use hil_at::FinalResult;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// Modes tried besides those the base profile lists (3GPP 0, 1, 4 and Nordic's 2, 21, 31,
/// 41, 44, ref §10.4).
const CANDIDATES: [u8; 8] = [0, 1, 2, 4, 21, 31, 41, 44];

/// Each candidate mode: accepted? then a delete of a missing scratch item: 518 or 513.
pub fn measure(s: &mut Session, opts: &Options, f: &mut Findings) -> Result<(), Error> {
    let mut modes: Vec<u8> = CANDIDATES.to_vec();
    if let Some(base) = &opts.base {
        modes.extend(&base.cfun_modes);
    }
    modes.sort_unstable();
    modes.dedup();
    let (mut accepted, mut active) = (Vec::new(), Vec::new());
    for mode in modes {
        let r = s.result(&format!("AT+CFUN={mode}"))?;
        if r != FinalResult::Ok {
            continue;
        }
        accepted.push(mode);
        s.at()?.set_cmee(1)?;
        match s.delete_missing(0)? {
            FinalResult::CmeError(518) => active.push(mode),
            FinalResult::CmeError(513) => {}
            other => f.observe(
                format!("delete of a missing item in CFUN={mode}"),
                other.to_string(),
            ),
        }
        s.at()?.set_cfun(4)?;
    }
    if !active.is_empty() {
        f.observe("518", format!("%CMNG delete in CFUN {active:?}"));
    }
    f.observe("513", "%CMNG delete of a missing item");
    f.cfun_modes = Some(accepted);
    f.active_cfun = Some(active);
    Ok(())
}
