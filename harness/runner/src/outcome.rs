//! What a trial's result means, and the full record of a trial (all attempts kept).

use std::fmt;
use std::time::{Duration, SystemTime};

use hil_model::MfwVersion;
use serde::{Deserialize, Serialize};

use crate::case::{Attachment, CaseId, CaseLog};

/// A trial: one case on one DUT, named `<dut>::<suite>::<case>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TrialId {
    /// The DUT's name.
    pub dut: String,
    /// The case.
    pub case: CaseId,
}

impl TrialId {
    /// The trial of `case` on `dut`.
    pub fn new(dut: impl Into<String>, case: CaseId) -> Self {
        TrialId {
            dut: dut.into(),
            case,
        }
    }
}

impl fmt::Display for TrialId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.dut, self.case)
    }
}

/// The classified result of a trial (or of one attempt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Outcome {
    /// The reference behaviour was seen and none other was expected.
    Pass,
    /// A deviation nobody expected, or not the one that was expected.
    Fail {
        /// The signature seen.
        seen: String,
        /// What the case saw, for humans.
        detail: String,
        /// The xfail signature and reason that were expected instead, if any.
        expected: Option<(String, String)>,
    },
    /// The deviation the expectation data predicts for this firmware.
    /// `detail` is what the case saw (the deviation's detail, or the hang message).
    ExpectedFail {
        /// The expected signature.
        signature: String,
        /// Why it is expected.
        reason: String,
        /// What the case saw.
        detail: String,
    },
    /// The case passed where a deviation was expected: the data (or the modem) changed.
    UnexpectedPass {
        /// The expected signature.
        signature: String,
        /// Why it was expected.
        reason: String,
    },
    /// Not applicable (expectation `skip`, or the case's own decision at run time).
    NotApplicable {
        /// Why the case does not apply.
        reason: String,
    },
    /// A characterization case ran; its observations are the result.
    Characterized {
        /// The open fact the case measures.
        fact: String,
        /// The deviation seen, when the case reported one (it is an observation here).
        deviation: Option<String>,
    },
    /// Infrastructure (or a hang nobody expected): the result says nothing about the modem.
    Error {
        /// What went wrong.
        message: String,
    },
}

/// The outcome's kind, for counting and colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// [`Outcome::Pass`].
    Pass,
    /// [`Outcome::Fail`].
    Fail,
    /// [`Outcome::ExpectedFail`].
    ExpectedFail,
    /// [`Outcome::UnexpectedPass`].
    UnexpectedPass,
    /// [`Outcome::NotApplicable`].
    NotApplicable,
    /// [`Outcome::Characterized`].
    Characterized,
    /// [`Outcome::Error`].
    Error,
}

impl OutcomeKind {
    /// Every kind, in report order.
    pub const ALL: [OutcomeKind; 7] = [
        OutcomeKind::Pass,
        OutcomeKind::Fail,
        OutcomeKind::ExpectedFail,
        OutcomeKind::UnexpectedPass,
        OutcomeKind::NotApplicable,
        OutcomeKind::Characterized,
        OutcomeKind::Error,
    ];

    /// Short upper-case label: `PASS`, `FAIL`, `XFAIL`, `XPASS`, `N/A`, `CHAR`, `ERROR`.
    pub fn label(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "PASS",
            OutcomeKind::Fail => "FAIL",
            OutcomeKind::ExpectedFail => "XFAIL",
            OutcomeKind::UnexpectedPass => "XPASS",
            OutcomeKind::NotApplicable => "N/A",
            OutcomeKind::Characterized => "CHAR",
            OutcomeKind::Error => "ERROR",
        }
    }

    /// Machine name: `pass`, `fail`, `expected_fail`, …
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Pass => "pass",
            OutcomeKind::Fail => "fail",
            OutcomeKind::ExpectedFail => "expected_fail",
            OutcomeKind::UnexpectedPass => "unexpected_pass",
            OutcomeKind::NotApplicable => "not_applicable",
            OutcomeKind::Characterized => "characterized",
            OutcomeKind::Error => "error",
        }
    }

    /// Fail, unexpected pass and error make the run's exit status non-zero.
    pub fn is_unexpected(self) -> bool {
        matches!(
            self,
            OutcomeKind::Fail | OutcomeKind::UnexpectedPass | OutcomeKind::Error
        )
    }

    /// Fail and error are retried with `--retries`.
    pub fn is_retryable(self) -> bool {
        matches!(self, OutcomeKind::Fail | OutcomeKind::Error)
    }
}

impl fmt::Display for OutcomeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

impl Outcome {
    /// The outcome's kind.
    pub fn kind(&self) -> OutcomeKind {
        match self {
            Outcome::Pass => OutcomeKind::Pass,
            Outcome::Fail { .. } => OutcomeKind::Fail,
            Outcome::ExpectedFail { .. } => OutcomeKind::ExpectedFail,
            Outcome::UnexpectedPass { .. } => OutcomeKind::UnexpectedPass,
            Outcome::NotApplicable { .. } => OutcomeKind::NotApplicable,
            Outcome::Characterized { .. } => OutcomeKind::Characterized,
            Outcome::Error { .. } => OutcomeKind::Error,
        }
    }

    /// Whether the outcome is fail, unexpected pass or error.
    pub fn is_unexpected(&self) -> bool {
        self.kind().is_unexpected()
    }

    /// The deviation signature this outcome is about, if any (JUnit `type`).
    pub fn signature(&self) -> Option<&str> {
        match self {
            Outcome::Fail { seen, .. } => Some(seen),
            Outcome::ExpectedFail { signature, .. } | Outcome::UnexpectedPass { signature, .. } => {
                Some(signature)
            }
            Outcome::Characterized { deviation, .. } => deviation.as_deref(),
            _ => None,
        }
    }

    /// One line for humans (empty for a plain pass).
    pub fn message(&self) -> String {
        match self {
            Outcome::Pass => String::new(),
            Outcome::Fail {
                seen,
                detail,
                expected: None,
            } => with_detail(format!("saw {seen}"), detail),
            Outcome::Fail {
                seen,
                detail,
                expected: Some((signature, reason)),
            } => with_detail(
                format!("expected {signature} ({reason}), saw {seen}"),
                detail,
            ),
            Outcome::ExpectedFail {
                signature,
                reason,
                detail,
            } => with_detail(format!("expected failure {signature}: {reason}"), detail),
            Outcome::UnexpectedPass { signature, reason } => format!(
                "UNEXPECTED PASS: expected {signature} ({reason}) but the case passed; \
                 update the expectation data or check the firmware"
            ),
            Outcome::NotApplicable { reason } => reason.clone(),
            Outcome::Characterized {
                fact,
                deviation: None,
            } => format!("characterized: {fact}"),
            Outcome::Characterized {
                fact,
                deviation: Some(seen),
            } => format!("characterized: {fact} (saw {seen})"),
            Outcome::Error { message } => message.clone(),
        }
    }
}

/// Most characters of a terminal note ([`Outcome::note`]).
pub const NOTE_MAX_CHARS: usize = 200;

/// What a cut note ends with.
const CUT_MARK: &str = " … (full detail in the reports)";

impl Outcome {
    /// The message as one line for a terminal (libtest's `note:` lines, progress lines, the
    /// summary): its first line, control characters blanked, at most [`NOTE_MAX_CHARS`]
    /// characters. When anything was left out — later lines (a PEM in a command, a response)
    /// or the rest of a long line — it ends with `… (full detail in the reports)`: the JUnit
    /// and HTML reports keep the whole message.
    pub fn note(&self) -> String {
        one_line(&self.message(), NOTE_MAX_CHARS)
    }
}

/// `text` as one line of at most `max_chars` characters (see [`Outcome::note`]).
pub fn one_line(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    let first = text.split(['\n', '\r']).next().unwrap_or("").trim_end();
    let cut_lines = first.len() < text.len();
    let cut_chars = first.chars().count() > max_chars;
    if !cut_lines && !cut_chars {
        return blank_controls(first);
    }
    let keep = max_chars.saturating_sub(CUT_MARK.chars().count());
    let head: String = first.chars().take(keep).collect();
    format!("{}{CUT_MARK}", blank_controls(head.trim_end()))
}

fn blank_controls(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn with_detail(head: String, detail: &str) -> String {
    if detail.is_empty() {
        head
    } else {
        format!("{head}: {detail}")
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message();
        if message.is_empty() {
            write!(f, "{}", self.kind())
        } else {
            write!(f, "{}: {message}", self.kind())
        }
    }
}

/// One execution of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// 1-based.
    pub number: u32,
    /// How the attempt ended.
    pub outcome: Outcome,
    /// When it started.
    pub started: SystemTime,
    /// How long it took.
    pub duration: Duration,
    /// What the case recorded.
    pub log: CaseLog,
    /// The recovery run after this attempt, if one was needed: `Ok` or why it failed.
    pub recovery: Option<Result<(), String>>,
}

/// The full record of a trial: one result however many attempts it took.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrialResult {
    /// The trial.
    pub id: TrialId,
    /// The case's description.
    pub description: String,
    /// The DUT's modem firmware at the time (expectations were looked up with it).
    pub mfw: Option<MfwVersion>,
    /// The final outcome (that of the last attempt; `NotApplicable` or `Error` with no
    /// attempts when the case was not run).
    pub outcome: Outcome,
    /// Every attempt, in order. Empty when the case was not run (skip entry, DUT lost).
    pub attempts: Vec<Attempt>,
    /// Attempts allowed (`--retries` + 1), for "passed on attempt 2/3".
    pub max_attempts: u32,
    /// When the first attempt started.
    pub started: SystemTime,
    /// Wall time of all attempts and recoveries.
    pub duration: Duration,
}

impl TrialResult {
    /// The last attempt's log (empty when the case was not run).
    pub fn log(&self) -> &CaseLog {
        static EMPTY: std::sync::OnceLock<CaseLog> = std::sync::OnceLock::new();
        match self.attempts.last() {
            Some(a) => &a.log,
            None => EMPTY.get_or_init(CaseLog::default),
        }
    }

    /// The last attempt's transcript.
    pub fn transcript(&self) -> &str {
        &self.log().transcript
    }

    /// The last attempt's attachments.
    pub fn attachments(&self) -> &[Attachment] {
        &self.log().attachments
    }

    /// The last attempt's properties.
    pub fn properties(&self) -> &[(String, String)] {
        &self.log().properties
    }

    /// Passed (or ended as expected) on a later attempt after failing or erroring.
    pub fn is_flaky(&self) -> bool {
        self.attempts.len() > 1 && !self.outcome.is_unexpected()
    }

    /// The attempts before the last one (the failed ones, with retries).
    pub fn earlier_attempts(&self) -> &[Attempt] {
        match self.attempts.split_last() {
            Some((_, earlier)) => earlier,
            None => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unexpected_kinds() {
        let unexpected: Vec<_> = OutcomeKind::ALL
            .into_iter()
            .filter(|k| k.is_unexpected())
            .collect();
        assert_eq!(
            unexpected,
            [
                OutcomeKind::Fail,
                OutcomeKind::UnexpectedPass,
                OutcomeKind::Error
            ]
        );
    }

    /// A detail carrying a command with a PEM (as a rejected or unanswered `%CMNG` write
    /// does) gives a one-line note that says where the rest is.
    #[test]
    fn a_multi_line_detail_gives_a_one_line_note() {
        let pem = "-----BEGIN CERTIFICATE-----\nMIIBhjCCASygAwIBAgIU\nQzEfMB0GA1UEAwwW\n-----END CERTIFICATE-----\n";
        let o = Outcome::ExpectedFail {
            signature: "+CME ERROR: 527".into(),
            reason: "MFW >= 2.0.2 refuses CRLF certificates".into(),
            detail: format!("`AT%CMNG=0,1,0,\"{pem}\"` was rejected: +CME ERROR: 527"),
        };
        assert!(
            o.message().lines().count() > 1,
            "the message keeps the detail"
        );
        let note = o.note();
        assert_eq!(note.lines().count(), 1, "{note}");
        assert!(!note.contains("MIIB"), "{note}");
        assert!(
            note.starts_with("expected failure +CME ERROR: 527: MFW >= 2.0.2"),
            "{note}"
        );
        assert!(note.ends_with("(full detail in the reports)"), "{note}");
        assert!(note.chars().count() <= NOTE_MAX_CHARS);
    }

    #[test]
    fn a_long_line_is_cut_and_a_short_one_kept_whole() {
        let long = Outcome::Error {
            message: format!("infrastructure: {}", "x".repeat(500)),
        };
        let note = long.note();
        assert_eq!(note.chars().count(), NOTE_MAX_CHARS, "{note}");
        assert!(note.ends_with("(full detail in the reports)"));
        let short = Outcome::NotApplicable {
            reason: "no supply\tdeclared".into(),
        };
        assert_eq!(short.note(), "no supply declared");
        assert_eq!(Outcome::Pass.note(), "");
    }

    #[test]
    fn fail_message_names_both_signatures() {
        let o = Outcome::Fail {
            seen: "+CME ERROR: 518".into(),
            detail: "write in CFUN=1".into(),
            expected: Some(("+CME ERROR: 527".into(), "content check".into())),
        };
        assert_eq!(
            o.message(),
            "expected +CME ERROR: 527 (content check), saw +CME ERROR: 518: write in CFUN=1"
        );
        assert_eq!(o.signature(), Some("+CME ERROR: 518"));
    }
}
