//! Store capacity (ref §2.1, OPEN): root CAs written to the scratch range until 515. Opt-in
//! (`--capacity`): it wears the modem's flash.

use hil_at::{CmngFilter, FinalResult};
use hil_model::CredentialType;
use hil_suites::fixtures::ROOT_CA;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// Writes until 515 or the scratch range is full; deletes them all again.
pub fn measure(s: &mut Session, opts: &Options, f: &mut Findings) -> Result<(), Error> {
    if !opts.capacity {
        f.skip(
            "policy.max_credentials",
            "capacity not asked for (--capacity)",
        );
        return Ok(());
    }
    let before = s
        .at()?
        .cmng_list(CmngFilter::All)?
        .iter()
        .filter(|e| e.tag <= hil_at::commands::cmng::MAX_USER_TAG)
        .count();
    let mut written = 0usize;
    for n in 0..s.scratch().len() {
        let tag = s.tag(n)?;
        match s.write(tag, CredentialType::ROOT_CA, ROOT_CA)? {
            FinalResult::Ok => written += 1,
            FinalResult::CmeError(515) => {
                f.max_credentials = Some(before + written);
                f.observe(
                    "515",
                    format!("%CMNG write after {} items", before + written),
                );
                return Ok(());
            }
            other => {
                f.skip("policy.max_credentials", format!("write answered {other}"));
                return Ok(());
            }
        }
    }
    f.skip(
        "policy.max_credentials",
        format!(
            "more than {} items (the scratch range is full)",
            before + written
        ),
    );
    Ok(())
}
