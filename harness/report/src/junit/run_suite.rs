//! The run's own testsuite, so every dashboard shows how the run ended.
//!
//! JUnit has no place for properties of `<testsuites>` (and the dashboards read none), so the
//! status goes where both schema and consumers allow it:
//! - every `<testsuite>` carries the property `hil.run_status` = `running`, `completed`,
//!   `stopped` or `infrastructure-error` (a file still saying `running` after the run was left
//!   by a run that was killed or aborted);
//! - unless the run completed, a `<testsuite name="run">` carries it too, with one `<error>`
//!   testcase per problem: `run::stopped` (the trials that were not run, listed) and
//!   `run::reports` (the reports that could not be written) — red on every dashboard.

use std::fmt::Write as _;

use hil_runner::{RunInfo, RunStatus, Summary};
use quick_junit::{NonSuccessKind, Property, TestCase, TestCaseStatus, TestSuite, XmlString};

use super::testcase::timestamp;
use crate::text::xml_safe;

/// Name of the run's testsuite.
pub const RUN_SUITE: &str = "run";
/// The property every testsuite carries: the run's status.
pub const RUN_STATUS_PROPERTY: &str = "hil.run_status";
/// Trials listed by name in `run::stopped` (the rest are counted).
const MAX_LISTED: usize = 100;

/// The `run` testsuite, or `None` for a completed run.
pub(crate) fn run_suite(
    status: RunStatus,
    run: Option<&RunInfo>,
    planned: usize,
    finished: Option<&Summary>,
) -> Option<TestSuite> {
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
    if let Some(summary) = finished {
        if summary.stopped || summary.not_run > 0 {
            suite.add_test_case(stopped_case(summary));
        }
        if !summary.incomplete_reports.is_empty() {
            suite.add_test_case(reports_case(summary));
        }
    }
    Some(suite)
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
