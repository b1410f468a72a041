//! Probing whether the warning blocks `%CMNG`: a write followed by a list read-back, because
//! an `OK` proves nothing near the threshold (ref §4.3 [C5]: NVM operations "appear to
//! finish" without being executed). Also the signatures the suite's verdicts use.

use hil_at::FinalResult;
use hil_model::CredentialType;
use hil_runner::Problem;

use super::bench::Bench;
use crate::support::{Listed, Reply};

/// The 528 code (ref §2.1 [D1][D2]).
pub(super) const CME_528: FinalResult = FinalResult::CmeError(528);

/// Signature of a write answered `OK` during a warning and not stored: MFW 1.3.0/1.3.1, which
/// have no 528 (ref §4.3 [C5], §8).
pub(super) const SILENT_DROP: &str = "no 528; write silently dropped";
/// Signature of a write answered `OK` during a warning and stored.
pub(super) const WRITE_PERSISTED: &str = "no 528; write persisted during the warning";

/// What a `%CMNG` write followed by a list read-back showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Probe {
    /// Answered `OK` and listed afterwards.
    Stored,
    /// Answered with this final result (528 while the warning blocks, ref §4.3 [D1][D2]).
    Refused(FinalResult),
    /// Answered `OK` and not listed afterwards (ref §4.3 [C5]: "appear to finish").
    Dropped,
    /// Answered `OK`, but the read-back list was refused with this (ref §4.3: whether the
    /// warning blocks reads is OPEN).
    Unverified(FinalResult),
}

impl Probe {
    /// How the probe reads in an observation.
    pub fn label(&self) -> String {
        match self {
            Probe::Stored => "OK, stored".to_string(),
            Probe::Refused(r) => r.to_string(),
            Probe::Dropped => "OK, not stored (silently dropped)".to_string(),
            Probe::Unverified(r) => format!("OK, read-back list refused with {r}"),
        }
    }
}

impl Bench<'_, '_> {
    /// A write of `content` to an absent `(tag, type)`, then a list read-back (ref §4.3 [C5]:
    /// read back after any write near the threshold).
    pub fn probe(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &str,
    ) -> Result<Probe, Problem> {
        Ok(match self.cmng_write(tag, kind, content)? {
            Reply::Ok(()) => match self.cmng_listed(tag, kind)? {
                Listed::Stored(_) => Probe::Stored,
                Listed::Absent => Probe::Dropped,
                Listed::Refused(r) => Probe::Unverified(r),
            },
            Reply::Refused(other) => Probe::Refused(other),
        })
    }
}
