//! `AT%XPMNG`: the public key for authenticated AT commands (ref §5 [D4][D5]).
//!
//! `AT%XPMNG=0,"<PEM public key>"[,<sec_tag>]` writes, `AT%XPMNG=2[,<sec_tag>]` reads
//! (`%XPMNG: "<content>"`). A write to an occupied slot answers 519 (seen on 0.7.0-29.alpha,
//! where a factory key occupies slot 0 [F2]). Keys are stored as `%CMNG` type 5 at their
//! sec_tag, so `%CMNG=3,<tag>,5` deletes them (ref §5, INFERRED).

use hil_model::CmeCode;

use super::gate::Verdict;
use super::parse::{Command, Form};
use super::policy::WriteCheck;
use super::store::Origin;
use super::{AtError, Modem, Res};

/// The `%CMNG` type under which `%XPMNG` keys are kept (ref §1.2: 5 = public key).
pub(super) const XPMNG_TYPE: u8 = 5;

impl Modem {
    pub(super) fn cmd_xpmng(&mut self, cmd: &Command) -> Res {
        let Some(x) = self.profile.xpmng.clone() else {
            return Err(AtError::Syntax);
        };
        if !matches!(cmd.form, Form::Set(_)) {
            return Err(AtError::Syntax);
        }
        match cmd.uint_in(0, 0, 2)? {
            0 => {
                if !(2..=3).contains(&cmd.count()) {
                    return Err(AtError::Param);
                }
                let content = match cmd.string(1)? {
                    Some(s) if !s.is_empty() => s.as_bytes().to_vec(),
                    _ => return Err(AtError::Param),
                };
                let tag = cmd.uint(2)?.unwrap_or(0);
                if tag > u64::from(x.max_sec_tag) {
                    return Err(AtError::Param);
                }
                let tag = tag as u32;
                let exists = self.nvm.contains(tag, XPMNG_TYPE);
                // ref §3 [D4] 518, ref §4.3 [D4] 528; 519 when the slot is taken ([F2][D4]).
                let verdict = self.nvm_gate(!exists, |c| match c {
                    WriteCheck::AlreadyExists519 if exists => {
                        Some(Verdict::Fail(AtError::Cme(CmeCode(x.exists_code))))
                    }
                    _ => None,
                });
                match verdict {
                    Verdict::Pass => {}
                    Verdict::Fail(e) => return Err(e),
                    Verdict::DropOk => return Ok(vec![]),
                }
                self.nvm.put(tag, XPMNG_TYPE, content, Origin::User);
                Ok(vec![])
            }
            2 => {
                if cmd.count() > 2 {
                    return Err(AtError::Param);
                }
                let tag = cmd.uint(1)?.unwrap_or(0);
                if tag > u64::from(x.max_sec_tag) {
                    return Err(AtError::Param);
                }
                if self.warning_blocks_read() {
                    return Err(AtError::Cme(CmeCode::POWER_OFF_WARNING));
                }
                let item = self
                    .nvm
                    .get(tag as u32, XPMNG_TYPE)
                    .ok_or(AtError::Cme(CmeCode::NOT_FOUND))?;
                Ok(vec![format!(
                    "%XPMNG: \"{}\"",
                    String::from_utf8_lossy(&item.content)
                )])
            }
            _ => Err(AtError::Param),
        }
    }
}
