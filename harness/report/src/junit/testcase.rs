//! One trial result → one JUnit `<testcase>`.
//!
//! - name `<dut>::<suite>::<case>` (unique per report), classname
//!   `conformance.<suite>.mfw_<family>_<x>_<y>_<z>` (dots in the version become `_` so CI
//!   tools that split classname at the last dot keep the firmware whole), time in seconds;
//! - fail and unexpected-pass → `<failure>`, error → `<error>`, not-applicable → `<skipped>`;
//!   pass, expected-fail and characterized → passed, with an `XFAIL:`/`CHARACTERIZED:` line;
//! - earlier attempts → `flakyFailure`/`flakyError` (passed in the end) or
//!   `rerunFailure`/`rerunError` (still failing), plus a plain `FLAKY:`/`RERUN:` line because
//!   Jenkins and GitLab ignore those elements;
//! - `system-out`: the status lines, observations, notes, the redacted transcript (clipped)
//!   and one `[[ATTACHMENT|<path>]]` line per file: relative to the directory the run started
//!   in when the file is under it (GitLab resolves them against the project directory, and
//!   they stay valid when the report directory is merged or moved along), else absolute.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use hil_model::MfwVersion;
use hil_runner::{Attempt, Outcome, OutcomeKind, TrialResult};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestRerun};

use crate::text::{clip, xml_safe};
use crate::transcripts::{has_transcript_file, transcript_path};

/// How test cases are written.
#[derive(Debug, Clone)]
pub(crate) struct CaseStyle {
    /// Root of the transcript files (absolute), when they are written.
    pub transcripts_root: Option<PathBuf>,
    /// Attachment paths under this (absolute) directory are written relative to it.
    pub relative_to: Option<PathBuf>,
    /// Transcript bytes kept inline in `system-out`.
    pub max_transcript: usize,
}

/// `mfw_nrf9160_1_3_6`, or `mfw_unknown`.
pub fn mfw_token(mfw: Option<&MfwVersion>) -> String {
    match mfw {
        Some(v) => v.to_string().replace(['.', '+'], "_"),
        None => "mfw_unknown".to_string(),
    }
}

/// `conformance.<suite>.<mfw token>`.
pub fn classname(suite: &str, mfw: Option<&MfwVersion>) -> String {
    format!("conformance.{suite}.{}", mfw_token(mfw))
}

pub(crate) fn timestamp(t: std::time::SystemTime) -> DateTime<chrono::FixedOffset> {
    DateTime::<Utc>::from(t).fixed_offset()
}

pub(crate) fn test_case(result: &TrialResult, style: &CaseStyle) -> TestCase {
    let mut status = status_of(&result.outcome);
    let reruns = result.earlier_attempts().iter().map(|a| rerun_of(a, style));
    status.add_reruns(reruns);

    let mut case = TestCase::new(xml_safe(&result.id.to_string()), status);
    case.set_classname(xml_safe(&classname(
        &result.id.case.suite,
        result.mfw.as_ref(),
    )))
    .set_time(result.duration)
    .set_timestamp(timestamp(result.started))
    .set_system_out(xml_safe(&system_out(result, style)));

    let mut props: Vec<Property> = vec![
        Property::new("outcome", result.outcome.kind().as_str()),
        Property::new("attempts", result.attempts.len().to_string()),
    ];
    match &result.outcome {
        Outcome::ExpectedFail {
            signature,
            reason,
            detail,
        } => {
            props.push(Property::new("xfail_signature", xml_safe(signature)));
            props.push(Property::new("xfail_reason", xml_safe(reason)));
            if !detail.is_empty() {
                props.push(Property::new("xfail_detail", xml_safe(detail)));
            }
        }
        Outcome::Characterized { fact, .. } => {
            props.push(Property::new("characterizes", xml_safe(fact)));
        }
        _ => {}
    }
    let log = result.log();
    for (k, v) in &log.properties {
        props.push(Property::new(xml_safe(k), xml_safe(v)));
    }
    for (k, v) in &log.observations {
        props.push(Property::new(
            xml_safe(&format!("observation.{k}")),
            xml_safe(v),
        ));
    }
    case.add_properties(props);
    case
}

fn status_of(outcome: &Outcome) -> TestCaseStatus {
    let message = xml_safe(&outcome.message());
    match outcome {
        Outcome::Pass | Outcome::ExpectedFail { .. } | Outcome::Characterized { .. } => {
            TestCaseStatus::success()
        }
        Outcome::NotApplicable { reason } => {
            let mut s = TestCaseStatus::skipped();
            s.set_message(xml_safe(reason))
                .set_description(xml_safe(reason));
            s
        }
        Outcome::Fail { .. } | Outcome::UnexpectedPass { .. } | Outcome::Error { .. } => {
            let kind = if outcome.kind() == OutcomeKind::Error {
                NonSuccessKind::Error
            } else {
                NonSuccessKind::Failure
            };
            let mut s = TestCaseStatus::non_success(kind);
            s.set_message(message.clone())
                .set_type(failure_type(outcome))
                .set_description(failure_text(outcome));
            s
        }
    }
}

/// The JUnit `type` attribute: the deviation signature, or what kind of problem it was.
fn failure_type(outcome: &Outcome) -> String {
    match outcome {
        Outcome::UnexpectedPass { .. } => "unexpected-pass".to_string(),
        Outcome::Error { .. } => "infrastructure".to_string(),
        other => xml_safe(other.signature().unwrap_or("deviation")),
    }
}

/// The element text (GitLab shows the text, not the message attribute).
fn failure_text(outcome: &Outcome) -> String {
    let text = match outcome {
        Outcome::Fail {
            seen,
            detail,
            expected,
        } => {
            let mut t = format!("seen: {seen}\n");
            if let Some((signature, reason)) = expected {
                let _ = writeln!(t, "expected: {signature} ({reason})");
            } else {
                t.push_str(
                    "expected: the reference behaviour (no expectation for this firmware)\n",
                );
            }
            if !detail.is_empty() {
                let _ = writeln!(t, "detail: {detail}");
            }
            t
        }
        other => format!("{}\n", other.message()),
    };
    xml_safe(&text)
}

fn rerun_of(attempt: &Attempt, style: &CaseStyle) -> TestRerun {
    let kind = if attempt.outcome.kind() == OutcomeKind::Error {
        NonSuccessKind::Error
    } else {
        NonSuccessKind::Failure
    };
    let mut rerun = TestRerun::new(kind);
    rerun
        .set_timestamp(timestamp(attempt.started))
        .set_time(attempt.duration)
        .set_message(xml_safe(&format!(
            "attempt {}: {}",
            attempt.number,
            attempt.outcome.message()
        )))
        .set_type(failure_type(&attempt.outcome))
        .set_description(failure_text(&attempt.outcome));
    if !attempt.log.transcript.is_empty() {
        let (text, _) = clip(&attempt.log.transcript, style.max_transcript / 4);
        rerun.set_system_out(xml_safe(&text));
    }
    rerun
}

fn status_line(result: &TrialResult) -> String {
    let attempts = result.attempts.len();
    let mut lines = String::new();
    match &result.outcome {
        Outcome::Pass => {}
        Outcome::ExpectedFail {
            signature,
            reason,
            detail,
        } => {
            let _ = writeln!(lines, "XFAIL: {reason} (signature: {signature})");
            if !detail.is_empty() {
                let _ = writeln!(lines, "seen: {detail}");
            }
        }
        Outcome::Characterized { fact, deviation } => {
            let _ = writeln!(lines, "CHARACTERIZED: {fact}");
            if let Some(seen) = deviation {
                let _ = writeln!(lines, "observed deviation: {seen}");
            }
        }
        Outcome::NotApplicable { reason } => {
            let _ = writeln!(lines, "NOT APPLICABLE: {reason}");
        }
        other => {
            let _ = writeln!(lines, "{}: {}", other.kind().label(), other.message());
        }
    }
    if result.is_flaky() {
        let _ = writeln!(
            lines,
            "FLAKY: passed on attempt {attempts}/{}",
            result.max_attempts
        );
    } else if attempts > 1 {
        let _ = writeln!(
            lines,
            "RERUN: failed {attempts}/{} attempts",
            result.max_attempts
        );
    }
    lines
}

fn system_out(result: &TrialResult, style: &CaseStyle) -> String {
    let mut out = status_line(result);
    let _ = writeln!(out, "case: {}", result.description);
    let log = result.log();
    for (k, v) in &log.observations {
        let _ = writeln!(out, "observation: {k} = {v}");
    }
    for note in &log.notes {
        let _ = writeln!(out, "note: {note}");
    }
    if !log.transcript.is_empty() {
        let (text, _) = clip(&log.transcript, style.max_transcript);
        out.push_str("--- AT transcript (redacted) ---\n");
        out.push_str(&text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("--- end of transcript ---\n");
    }
    for path in attachment_paths(result, style) {
        // Alone on its line: what the Jenkins JUnit Attachments plugin and GitLab read.
        let path = match &style.relative_to {
            Some(base) => path
                .strip_prefix(base)
                .map(Path::to_path_buf)
                .unwrap_or(path),
            None => path,
        };
        let _ = writeln!(out, "[[ATTACHMENT|{}]]", path.display());
    }
    out
}

/// The full transcript file (when written) and every attachment of the last attempt, absolute.
pub(crate) fn attachment_paths(result: &TrialResult, style: &CaseStyle) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    if let Some(root) = &style.transcripts_root
        && has_transcript_file(result)
    {
        paths.push(transcript_path(root, &result.id));
    }
    for attachment in result.attachments() {
        paths.push(absolute(&attachment.path));
    }
    paths
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classname_keeps_the_firmware_in_one_segment() {
        let v = MfwVersion::parse("mfw_nrf9160_1.3.6").unwrap();
        assert_eq!(
            classname("cmng", Some(&v)),
            "conformance.cmng.mfw_nrf9160_1_3_6"
        );
        assert_eq!(classname("cmng", None), "conformance.cmng.mfw_unknown");
    }
}
