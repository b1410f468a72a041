//! Credential commands through hil-at's typed helpers (`%CMNG` ref §1, `%XPMNG` and `%KEYGEN`
//! ref §5): each returns the modem's [`Reply`], so the case decides what the answer means
//! (`expect_ok`, `expect_cme`, or recording it). Nothing here sends credential text a case
//! built by hand, and no detail message carries the content written.

use hil_at::{AtError, CmngEntry, CmngFilter, CmngItem, FinalResult, KeygenOutput, KeygenResponse};
use hil_model::CredentialType;
use hil_runner::Problem;

use super::problems::{described, signatures};
use super::{Ctx, Reply};

/// What the credential list shows for one `(sec_tag, type)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    /// Listed, with this digest (as printed).
    Stored(String),
    /// Not listed.
    Absent,
    /// The list itself was refused with this result (e.g. 528 during a power-off warning,
    /// where whether reads are blocked is OPEN, ref §4.3).
    Refused(FinalResult),
}

impl Ctx<'_> {
    /// `AT%CMNG=0,<tag>,<type>,"<content>"`, content byte for byte (choose LF or CRLF
    /// deliberately: MFW ≥ 2.0.2 refuses CRLF certificates with 527, ref §1.3).
    pub fn cmng_write(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &str,
    ) -> Result<Reply<()>, Problem> {
        let result = self.at()?.cmng_write(tag, kind, content);
        Ok(Reply::from_at(result)?.map(|_| ()))
    }

    /// `AT%CMNG=3,<tag>,<type>`.
    pub fn cmng_delete(&mut self, tag: u32, kind: CredentialType) -> Result<Reply<()>, Problem> {
        let result = self.at()?.cmng_delete(tag, kind);
        Ok(Reply::from_at(result)?.map(|_| ()))
    }

    /// `AT%CMNG=2,<tag>,<type>` → the stored item. Secret types are redacted in transcripts
    /// by the console client; `Debug` of the item hides their content.
    pub fn cmng_read(
        &mut self,
        tag: u32,
        kind: CredentialType,
    ) -> Result<Reply<CmngItem>, Problem> {
        let result = self.at()?.cmng_read(tag, kind);
        Reply::from_at(result)
    }

    /// `AT%CMNG=1[,<tag>[,<type>]]` → the listed items (empty when nothing matches).
    pub fn cmng_list(&mut self, filter: CmngFilter) -> Result<Reply<Vec<CmngEntry>>, Problem> {
        let result = self.at()?.cmng_list(filter);
        Reply::from_at(result)
    }

    /// What the list shows for `(tag, type)`; a refused list is an answer, not a problem.
    pub fn cmng_listed(&mut self, tag: u32, kind: CredentialType) -> Result<Listed, Problem> {
        Ok(match self.cmng_list(CmngFilter::TagType(tag, kind))? {
            Reply::Refused(result) => Listed::Refused(result),
            Reply::Ok(entries) => entries
                .into_iter()
                .find(|e| e.tag == tag && e.kind == kind)
                .map_or(Listed::Absent, |e| Listed::Stored(e.sha256)),
        })
    }

    /// The digest listed for `(tag, type)`, `None` when not listed. A refused list is a
    /// deviation whose signature is its result.
    pub fn cmng_digest(
        &mut self,
        tag: u32,
        kind: CredentialType,
    ) -> Result<Option<String>, Problem> {
        match self.cmng_listed(tag, kind)? {
            Listed::Stored(sha) => Ok(Some(sha)),
            Listed::Absent => Ok(None),
            Listed::Refused(result) => Err(Problem::deviation(
                result.to_string(),
                format!(
                    "list of sec_tag {tag} type {}: expected OK, got {}",
                    kind.0,
                    described(result)
                ),
            )),
        }
    }

    /// `AT%XPMNG=0,"<pem>"`: the public key of authenticated commands (519 when the slot is
    /// taken, ref §5 [F2]).
    pub fn xpmng_write(&mut self, pem: &str) -> Result<Reply<()>, Problem> {
        let result = self.at()?.xpmng_write(pem);
        Ok(Reply::from_at(result)?.map(|_| ()))
    }

    /// `AT%XPMNG=2` → the stored key's content (513 when the slot is empty).
    pub fn xpmng_read(&mut self) -> Result<Reply<String>, Problem> {
        let result = self.at()?.xpmng_read();
        Reply::from_at(result)
    }

    /// `AT%KEYGEN=<tag>,<type>,<response>[,"<attributes>"]` → the decoded output (ref §5
    /// [D9]). An `OK` without a well-formed `%KEYGEN:` line is the deviation
    /// `malformed %KEYGEN`.
    pub fn keygen(
        &mut self,
        tag: u32,
        kind: CredentialType,
        response: KeygenResponse,
        attributes: Option<&str>,
    ) -> Result<Reply<KeygenOutput>, Problem> {
        let result = self
            .at()?
            .keygen_with_attributes(tag, kind, response, attributes);
        match result {
            Err(e @ AtError::Malformed { .. }) => Err(Problem::deviation(
                signatures::MALFORMED_KEYGEN,
                e.to_string(),
            )),
            other => Reply::from_at(other),
        }
    }
}
