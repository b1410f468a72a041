//! `AT%CMNG`: credential write / list / read / delete (ref §1, §9).
//!
//! `AT%CMNG=<opcode>[,<sec_tag>[,<type>[,<content>[,<passwd>]]]]`, opcode 0 write, 1 list,
//! 2 read, 3 delete (ref §1.1 [D1]). Write checks run in the order of `Policy::check_order`
//! (ref §9, precedence OPEN); what a check does depends on the firmware profile.

use hil_model::{CmeCode, sha256_upper_hex};

use super::gate::Verdict;
use super::parse::{Command, Form};
use super::policy::{OverwritePolicy, SecretReadPolicy, WriteCheck};
use super::store::{MAX_USER_TAG, Origin};
use super::{AtError, Modem, Outcome, Res, pem};
use crate::profile::ListDigest;

/// `<passwd>` is at most 32 characters (ref §1.1 [D3]).
const MAX_PASSWD: usize = 32;

fn cme(code: CmeCode) -> AtError {
    AtError::Cme(code)
}

impl Modem {
    pub(super) fn cmd_cmng(&mut self, cmd: &Command) -> Outcome {
        match cmd.form {
            Form::Set(_) => {}
            Form::Test => return Ok(vec![]).into(),
            _ => return Err(AtError::Syntax).into(),
        }
        let op = match cmd.uint_in(0, 0, 3) {
            Ok(op) => op,
            Err(e) => return Err(e.into()).into(),
        };
        match op {
            0 => self.cmng_write(cmd),
            1 => self.cmng_list(cmd).into(),
            2 => self.cmng_read(cmd).into(),
            _ => self.cmng_delete(cmd).into(),
        }
    }

    /// A user-addressable `<sec_tag>` (0–2147483647, ref §1.1 [D1]).
    fn user_tag(cmd: &Command, i: usize) -> Result<u32, AtError> {
        Ok(cmd.uint_in(i, 0, MAX_USER_TAG)? as u32)
    }

    /// A `<type>` this firmware knows; `Ok(true)` when it is delete-only (ref §1.2 [D3]).
    fn cred_type(&self, cmd: &Command, i: usize) -> Result<(u8, bool), AtError> {
        let kind = cmd.uint_in(i, 0, 255)? as u8;
        let c = &self.profile.cmng;
        if c.types.contains(&kind) {
            Ok((kind, false))
        } else if c.delete_only_types.contains(&kind) {
            Ok((kind, true))
        } else {
            Err(AtError::Param)
        }
    }

    fn cmng_write(&mut self, cmd: &Command) -> Outcome {
        match self.write_checked(cmd) {
            Ok(None) => Outcome::Silent,
            Ok(Some(lines)) => Ok(lines).into(),
            Err(e) => Err(e).into(),
        }
    }

    /// `Ok(None)` = the store hangs (fault injection).
    fn write_checked(&mut self, cmd: &Command) -> Result<Option<Vec<String>>, AtError> {
        if !(4..=5).contains(&cmd.count()) {
            return Err(AtError::Param);
        }
        let tag = Self::user_tag(cmd, 1)?;
        let (kind, delete_only) = self.cred_type(cmd, 2)?;
        // ref §1.1 [D1]: content is mandatory and may not be empty.
        let content = match cmd.string(3)? {
            Some(s) if !s.is_empty() => s.as_bytes().to_vec(),
            _ => return Err(AtError::Param),
        };
        if cmd.string(4)?.is_some_and(|p| p.len() > MAX_PASSWD) {
            return Err(AtError::Param);
        }
        if delete_only {
            // ref §1.2 [D3]: usable only with delete (INFERRED: 514 "not allowed").
            return Err(cme(CmeCode::NO_ACCESS));
        }
        if self.policy.store_write_hangs {
            // ref §7.3(b): alpha credential-store fault, no answer and nothing stored.
            return Ok(None);
        }
        match self.nvm_gate(!self.nvm.contains(tag, kind), |c| {
            self.write_check(c, tag, kind, &content)
        }) {
            Verdict::Pass => {}
            Verdict::Fail(e) => return Err(e),
            Verdict::DropOk => return Ok(Some(vec![])),
        }
        self.nvm.put(tag, kind, content, Origin::User);
        Ok(Some(vec![]))
    }

    /// The `%CMNG` write's own rules: 527, 519 and oversize-as-515.
    fn write_check(
        &self,
        check: WriteCheck,
        tag: u32,
        kind: u8,
        content: &[u8],
    ) -> Option<Verdict> {
        let cmng = &self.profile.cmng;
        let validated = cmng
            .content_check
            .as_ref()
            .is_some_and(|c| c.types.contains(&kind));
        let too_large = content.len() > self.policy.max_content_bytes;
        let fail = |code| Some(Verdict::Fail(cme(code)));
        match check {
            // ref §1.3 [C3][F4][F5]: ≥ 2.0.2 validates types 0/1; too large → 527.
            WriteCheck::InvalidContent527 if validated => {
                if too_large || pem::check_certificates(content, self.policy.validate_der).is_err()
                {
                    fail(CmeCode::INVALID_CONTENT)
                } else {
                    Some(Verdict::Pass)
                }
            }
            // ref §1.4: overwrite is OPEN; 519 only on firmware that has it (ref §8).
            WriteCheck::AlreadyExists519 => match self.nvm.get(tag, kind) {
                Some(item) if cmng.has_519 => {
                    let policy = match item.origin {
                        Origin::User => self.policy.overwrite,
                        Origin::Generated | Origin::Factory => self.policy.protected_overwrite,
                    };
                    if policy == OverwritePolicy::AlreadyExists519 {
                        fail(CmeCode::ALREADY_EXISTS)
                    } else {
                        Some(Verdict::Pass)
                    }
                }
                _ => Some(Verdict::Pass),
            },
            // ref §2.1: 515; oversize content where nothing validates (INFERRED).
            WriteCheck::MemoryFull515 if !validated && too_large => fail(CmeCode::MEMORY_FULL),
            _ => None,
        }
    }

    /// The digest the list/read prints (ref §1.4).
    fn digest(&self, kind: u8, content: &[u8]) -> String {
        match self.profile.cmng.list_digest {
            ListDigest::Sha256 => sha256_upper_hex(content),
            // [F2]: 000…0 for type 0, 0101…01 for type 1, 0202…02 for type 2.
            ListDigest::Placeholder => format!("{kind:02X}").repeat(32),
        }
    }

    /// `AT%CMNG=1[,<sec_tag>[,<type>]]`; type only after a tag (ref §1.1 [P1]); no mode check
    /// (ref §9, INFERRED); an empty result is just `OK` (ref §1.4 [C1]).
    fn cmng_list(&self, cmd: &Command) -> Res {
        if cmd.count() > 3 {
            return Err(AtError::Param);
        }
        let tag = cmd.uint(1)?;
        let kind = cmd.uint(2)?;
        if tag.is_none() && cmd.count() > 1 {
            return Err(AtError::Param);
        }
        let tag = tag
            .map(|t| u32::try_from(t).map_err(|_| AtError::Param))
            .transpose()?;
        let kind = kind
            .map(|k| u8::try_from(k).map_err(|_| AtError::Param))
            .transpose()?;
        if self.warning_blocks_read() {
            return Err(cme(CmeCode::POWER_OFF_WARNING));
        }
        Ok(self
            .nvm
            .list(tag, kind)
            .map(|(t, k, item)| format!("%CMNG: {t},{k},\"{}\"", self.digest(k, &item.content)))
            .collect())
    }

    /// `AT%CMNG=2,<sec_tag>,<type>` → `%CMNG: <tag>,<type>,"<sha>","<content>"` (ref §1.4).
    fn cmng_read(&self, cmd: &Command) -> Res {
        if cmd.count() != 3 {
            return Err(AtError::Param);
        }
        let tag = Self::user_tag(cmd, 1)?;
        let (kind, delete_only) = self.cred_type(cmd, 2)?;
        if self.warning_blocks_read() {
            return Err(cme(CmeCode::POWER_OFF_WARNING));
        }
        let secret = self.profile.cmng.secret_types.contains(&kind);
        // ref §1.4: private key / PSK read is OPEN (policy, INFERRED 514).
        if delete_only || (secret && self.policy.secret_read == SecretReadPolicy::Refuse514) {
            return Err(cme(CmeCode::NO_ACCESS));
        }
        let item = self.nvm.get(tag, kind).ok_or(cme(CmeCode::NOT_FOUND))?;
        let text = String::from_utf8_lossy(&item.content);
        Ok(vec![format!(
            "%CMNG: {tag},{kind},\"{}\",\"{text}\"",
            self.digest(kind, &item.content)
        )])
    }

    /// `AT%CMNG=3,<sec_tag>,<type>`: 518/528 in policy order, then 513 if absent (ref §9).
    fn cmng_delete(&mut self, cmd: &Command) -> Res {
        if cmd.count() != 3 {
            return Err(AtError::Param);
        }
        let tag = Self::user_tag(cmd, 1)?;
        let (kind, _) = self.cred_type(cmd, 2)?;
        match self.nvm_gate(false, |_| None) {
            Verdict::Pass => {}
            Verdict::Fail(e) => return Err(e),
            Verdict::DropOk => return Ok(vec![]),
        }
        if self.nvm.remove(tag, kind) {
            Ok(vec![])
        } else {
            Err(cme(CmeCode::NOT_FOUND))
        }
    }
}
