//! Error reporting (ref §2.2): the CMEE value after a reset and whether it survives CFUN=0
//! (both OPEN), and how a bad parameter is reported (ref §9 step 1).

use hil_at::FinalResult;
use hil_model::policy::ParamErrorStyle;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// CMEE after a reset, and after `CFUN=0` with CMEE=1.
pub fn measure(s: &mut Session, _: &Options, f: &mut Findings) -> Result<(), Error> {
    s.reset()?;
    let boot = s.at()?.cmee()?;
    f.cmee_boot = Some(boot);
    let at = s.at()?;
    at.set_cmee(1)?;
    at.set_cfun(0)?;
    let after = at.cmee()?;
    f.cmee_survives_cfun = Some(after == 1);
    f.observe("CMEE after reset", boot.to_string());
    f.observe("CMEE=1 after CFUN=0", after.to_string());
    Ok(())
}

/// `AT+CFUN=99` with CMEE=1: `+CME ERROR: 50` or a plain `ERROR`.
pub fn param_error(s: &mut Session, _: &Options, f: &mut Findings) -> Result<(), Error> {
    s.at()?.set_cmee(1)?;
    let r = s.result("AT+CFUN=99")?;
    f.param_error = match r {
        FinalResult::CmeError(50) => Some(ParamErrorStyle::Cme50),
        FinalResult::Error => Some(ParamErrorStyle::PlainError),
        other => {
            f.skip("policy.param_error", format!("AT+CFUN=99 answered {other}"));
            None
        }
    };
    s.at()?.set_cfun(4)?;
    Ok(())
}
