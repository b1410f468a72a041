//! What a run keeps of each result once its reporters have it ([`crate::RunOutput::results`]).
//! The reporters write every transcript to their files as the trial finishes; a caller that
//! only needs verdicts (`hil run`: history, health, exit status) need not hold every
//! transcript of a rack of dozens of boards until the run ends.

use crate::outcome::TrialResult;

/// What [`crate::RunOutput::results`] keeps of each result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Retained {
    /// The results exactly as the reporters got them.
    #[default]
    Everything,
    /// Everything but the attempts' AT transcripts (left empty).
    WithoutTranscripts,
}

impl Retained {
    /// `result` as this keeps it.
    pub fn keep(self, mut result: TrialResult) -> TrialResult {
        if self == Retained::WithoutTranscripts {
            for attempt in &mut result.attempts {
                attempt.log.transcript = String::new();
            }
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{CaseId, CaseLog};
    use crate::outcome::{Attempt, Outcome, TrialId};
    use std::time::{Duration, SystemTime};

    fn result() -> TrialResult {
        let mut log = CaseLog::new();
        log.transcript("> AT\n< OK");
        log.note("kept");
        TrialResult {
            id: TrialId::new("d", CaseId::new("s", "c")),
            description: "case".into(),
            mfw: None,
            outcome: Outcome::Pass,
            attempts: vec![Attempt {
                number: 1,
                outcome: Outcome::Pass,
                started: SystemTime::UNIX_EPOCH,
                duration: Duration::ZERO,
                log,
                recovery: None,
            }],
            max_attempts: 1,
            started: SystemTime::UNIX_EPOCH,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn without_transcripts_keeps_everything_else() {
        let full = result();
        assert_eq!(Retained::Everything.keep(full.clone()), full);
        let kept = Retained::WithoutTranscripts.keep(full.clone());
        assert!(kept.log().transcript.is_empty());
        assert_eq!(kept.log().notes, full.log().notes);
        assert_eq!(kept.outcome, full.outcome);
    }
}
