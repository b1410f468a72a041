//! Reports that remember: with the rack's earlier runs, the HTML page opens with the changes
//! since the previous run and shows each trial's recent outcomes (a trial going between pass
//! and fail is marked flaky); JUnit names the previous outcome where it differs.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::run_fixture;
use hil_report::{HtmlReporter, JunitOptions, JunitReporter, PastRuns};
use hil_runner::OutcomeKind::{Fail, Pass};
use hil_runner::Reporter;

/// dut1's `list` failed, passed, failed in the last three runs (most recent first); dut2's
/// passed every time.
fn past() -> Arc<PastRuns> {
    Arc::new(PastRuns {
        previous: "run 7 (2026-03-01T06:00:00Z)".into(),
        trials: [
            (
                "dut1::cmng::list".to_string(),
                vec![Some(Fail), Some(Pass), Some(Fail)],
            ),
            (
                "dut2::cmng::list".to_string(),
                vec![Some(Pass), Some(Pass), None],
            ),
        ]
        .into(),
    })
}

fn reports(dir: &Path, past: Option<Arc<PastRuns>>) -> (String, String) {
    let reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(HtmlReporter::new(dir.join("conformance.html"), None).with_past(past.clone())),
        Box::new(JunitReporter::new(
            dir.join("junit.xml"),
            JunitOptions {
                past,
                ..JunitOptions::default()
            },
        )),
    ];
    run_fixture(dir, reporters);
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    (read("conformance.html"), read("junit.xml"))
}

/// The "Changes since the previous run" section.
fn changes(html: &str) -> &str {
    let start = html
        .find("<section class=\"changes\"")
        .expect("a changes section");
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

#[test]
fn the_page_opens_with_the_changes_since_the_previous_run() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = reports(dir.path(), Some(past()));
    let section = changes(&html);
    assert!(
        html.find("Changes since the previous run") < html.find("<h2>Summary"),
        "at the top"
    );
    assert!(
        section.contains("run 7 (2026-03-01T06:00:00Z)"),
        "{section}"
    );
    assert!(section.contains("fixed (1)"), "{section}");
    assert!(section.contains("dut1::cmng::list"), "{section}");
    assert!(
        !section.contains("dut2::cmng::list"),
        "unchanged: {section}"
    );
    // Every other trial was not in the earlier runs at all.
    assert!(section.contains("not in the previous run"), "{section}");
}

#[test]
fn the_matrix_shows_recent_outcomes_and_marks_flipping_trials_flaky() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = reports(dir.path(), Some(past()));
    let strip = "title=\"last 4 runs, oldest first: fail, pass, fail, pass\"";
    let at = html
        .find(strip)
        .unwrap_or_else(|| panic!("no strip {strip}"));
    let end = at + html[at..].find("</span>").unwrap();
    assert!(html[at..end].contains("3 changes"), "{}", &html[at..end]);
    assert!(html[at..end].contains("FLAKY"), "{}", &html[at..end]);
    let steady = "title=\"last 4 runs, oldest first: not run, pass, pass, pass\"";
    let at = html
        .find(steady)
        .unwrap_or_else(|| panic!("no strip {steady}"));
    let end = at + html[at..].find("</span>").unwrap();
    assert!(html[at..end].contains("0 changes"), "{}", &html[at..end]);
    assert!(!html[at..end].contains("FLAKY"), "{}", &html[at..end]);
}

#[test]
fn junit_names_the_previous_outcome_where_it_differs() {
    let dir = tempfile::tempdir().unwrap();
    let (_, xml) = reports(dir.path(), Some(past()));
    let case = |name: &str| {
        let at = xml.find(&format!("<testcase name=\"{name}\"")).unwrap();
        let end = at + xml[at..].find("</testcase>").unwrap();
        xml[at..end].to_string()
    };
    assert!(
        case("dut1::cmng::list").contains("<property name=\"previous_outcome\" value=\"fail\"/>")
    );
    assert!(!case("dut2::cmng::list").contains("previous_outcome"));
    assert!(
        case("dut1::cmng::crlf").contains("<property name=\"previous_outcome\" value=\"none\"/>")
    );
}

#[test]
fn without_a_history_the_reports_do_not_mention_one() {
    let dir = tempfile::tempdir().unwrap();
    let (html, xml) = reports(dir.path(), None);
    assert!(!html.contains("Changes since the previous run"));
    assert!(!html.contains("class=\"strip\""));
    assert!(!xml.contains("previous_outcome"));
}
