//! The run's own testsuite, so every dashboard shows how the run ended.
//!
//! JUnit has no place for properties of `<testsuites>` (and the dashboards read none), so the
//! status goes where both schema and consumers allow it:
//! - every `<testsuite>` carries the property `hil.run_status` = `running`, `completed`,
//!   `stopped` or `infrastructure-error` (a file still saying `running` after the run was left
//!   by a run that was killed or aborted);
//! - unless the run completed, a `<testsuite name="run">` carries it too, with one `<error>`
//!   testcase per problem — red on every dashboard, which read testcases, not properties
//!   (GitLab, Jenkins, ref `hil-anchors.md` §5, §7.4):
//!   - `run::unfinished` while the run is under way (so a file left by a killed or aborted run
//!     is red, however many results it holds), and in a merged report whose inputs did not
//!     all complete (naming each such input and how many of its planned trials have no
//!     result);
//!   - `run::stopped`: the trials a stop left unrun, listed;
//!   - `run::reports`: the reports that could not be written.

use std::fmt::Write as _;

use hil_runner::{RunInfo, RunStatus, Summary};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite, XmlString};

use super::testcase::timestamp;
use crate::text::xml_safe;

/// Name of the run's testsuite.
pub const RUN_SUITE: &str = "run";
/// The property every testsuite carries: the run's status.
pub const RUN_STATUS_PROPERTY: &str = "hil.run_status";
/// The testcase of a run that has not finished (`run::unfinished`).
const UNFINISHED: &str = "unfinished";
/// Trials listed by name in `run::stopped` (the rest are counted).
const MAX_LISTED: usize = 100;

/// Where the run stands, for its testsuite.
pub(crate) struct RunState<'a> {
    /// How it ended, or `Running`.
    pub status: RunStatus,
    /// Its metadata, once it started (`None` for the file written before bring-up).
    pub run: Option<&'a RunInfo>,
    /// Trials planned.
    pub planned: usize,
    /// Results so far.
    pub results: usize,
    /// Its summary, once it finished.
    pub finished: Option<&'a Summary>,
}

/// The `run` testsuite, or `None` for a completed run.
pub(crate) fn run_suite(state: &RunState<'_>) -> Option<TestSuite> {
    let RunState {
        status,
        run,
        planned,
        results,
        finished,
    } = *state;
    if status == RunStatus::Completed {
        return None;
    }
    let mut suite = TestSuite::new(RUN_SUITE);
    suite.add_property(Property::new(RUN_STATUS_PROPERTY, status.as_str()));
    // Before the run starts (the first file, written before bring-up) nothing is planned yet.
    if let Some(run) = run {
        suite.set_timestamp(timestamp(run.started));
        suite.extra.insert(
            XmlString::new("hostname"),
            XmlString::new(xml_safe(&run.host)),
        );
        suite.add_property(Property::new("hil.planned_trials", planned.to_string()));
    }
    match finished {
        None => {
            suite.add_test_case(running_case(run.is_some(), planned, results));
        }
        Some(summary) => {
            if !summary.unfinished_parts.is_empty() {
                suite.add_test_case(parts_case(summary));
            }
            if summary.not_run > 0 {
                suite.add_test_case(stopped_case(summary));
            }
            if !summary.incomplete_reports.is_empty() {
                suite.add_test_case(reports_case(summary));
            }
        }
    }
    Some(suite)
}

/// `run::unfinished` while the run is under way (`started`: its trials began).
fn running_case(started: bool, planned: usize, results: usize) -> TestCase {
    let message = if started {
        format!(
            "the run has not finished: {results} of {planned} planned trials have a result so far"
        )
    } else {
        "the run has not finished: it has not started its trials yet".to_string()
    };
    let text = format!(
        "{message}.\nThis file is rewritten as results arrive and this testcase goes when the run \
         ends; if it is still here, the run was killed or aborted and its results are partial.\n"
    );
    error_case(UNFINISHED, "unfinished", message, text)
}

/// `run::unfinished` of a merged run: the inputs that did not complete.
fn parts_case(summary: &Summary) -> TestCase {
    let parts = &summary.unfinished_parts;
    let missing: usize = parts.iter().map(|p| p.missing).sum();
    let message = format!(
        "{} of the merged runs did not complete: {missing} of their planned trials have no result",
        parts.len()
    );
    let mut text = format!("{message}:\n");
    for part in parts {
        let _ = writeln!(text, "  {part}");
    }
    error_case(UNFINISHED, "unfinished", message, text)
}

fn error_case(name: &str, kind: &str, message: String, text: String) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
    status
        .set_message(xml_safe(&message))
        .set_type(kind)
        .set_description(xml_safe(&text));
    let mut case = TestCase::new(format!("{RUN_SUITE}::{name}"), status);
    case.set_classname("hil.run");
    case
}

fn stopped_case(summary: &Summary) -> TestCase {
    let message = format!(
        "the run was stopped: {} planned trials were not run",
        summary.not_run
    );
    let mut text = format!("{message}:\n");
    for id in summary.not_run_trials.iter().take(MAX_LISTED) {
        let _ = writeln!(text, "  {id}");
    }
    if summary.not_run_trials.len() > MAX_LISTED {
        let _ = writeln!(
            text,
            "  … and {} more",
            summary.not_run_trials.len() - MAX_LISTED
        );
    }
    error_case("stopped", "stopped", message, text)
}

fn reports_case(summary: &Summary) -> TestCase {
    let reports = &summary.incomplete_reports;
    let message = format!(
        "{} report{} could not be written completely: the run's results are not all on record",
        reports.len(),
        if reports.len() == 1 { "" } else { "s" }
    );
    let mut text = format!("{message}:\n");
    for report in reports {
        let _ = writeln!(text, "  {report}");
    }
    error_case("reports", "infrastructure", message, text)
}
