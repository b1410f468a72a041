//! Optional commands: `%XPMNG` (ref §5), `%KEYGEN`, `%ATTESTTOKEN` (ref §5 [D9][D14]),
//! `%MDMEV` (ref §4.2); and a `%CMNG` write over a generated key (protected overwrite, 519).

use hil_at::FinalResult;
use hil_model::CredentialType;
use hil_model::policy::OverwritePolicy;
use hil_suites::fixtures::CLIENT_KEY;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// An answer other than a plain `ERROR` (with CMEE on, an unknown command is a plain `ERROR`).
fn exists(r: FinalResult) -> bool {
    r != FinalResult::Error
}

/// Presence of each command, the `%XPMNG` factory key, and the protected overwrite.
pub fn measure(s: &mut Session, _: &Options, f: &mut Findings) -> Result<(), Error> {
    s.at()?.set_cmee(1)?;
    let mdmev = exists(s.result("AT%MDMEV=0")?);
    f.mdmev = Some(mdmev);
    let token = exists(s.result("AT%ATTESTTOKEN")?);
    f.attesttoken = Some(token);
    let xpmng = s.exchange("AT%XPMNG=2")?;
    f.xpmng = Some(exists(xpmng.result));
    f.xpmng_factory_key = match xpmng.result {
        FinalResult::Ok => hil_at::commands::xpmng::parse_read(&xpmng.raw)
            .ok()
            .map(Some),
        FinalResult::CmeError(513) => Some(None),
        _ => None,
    };
    keygen(s, f)
}

/// `%KEYGEN` into a scratch tag; then a `%CMNG` write of a key over it (519 or replace).
fn keygen(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    let tag = s.tag(5)?;
    let k = CredentialType::CLIENT_KEY;
    let r = s.result(&format!("AT%KEYGEN={tag},2,1"))?;
    f.keygen = Some(exists(r));
    if r != FinalResult::Ok {
        f.skip(
            "policy.protected_overwrite",
            "no %KEYGEN to make a generated key",
        );
        return Ok(());
    }
    match s.write(tag, k, CLIENT_KEY)? {
        FinalResult::CmeError(519) => {
            f.protected_overwrite = Some(OverwritePolicy::AlreadyExists519);
            f.has_519 = Some(true);
            f.observe("519 (generated)", "%CMNG write over a %KEYGEN key");
        }
        FinalResult::Ok => f.protected_overwrite = Some(OverwritePolicy::Replace),
        other => f.skip(
            "policy.protected_overwrite",
            format!("write over a generated key answered {other}"),
        ),
    }
    s.delete(tag, k)?;
    Ok(())
}
