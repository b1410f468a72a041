//! Reports that remember: with the rack's earlier runs, the HTML page opens with the changes
//! since the previous run — outcome changes, a new signature under the same outcome, changed
//! observations — and shows each trial's recent outcomes (a trial going between pass and fail
//! is marked flaky); JUnit names the previous outcome where it differs.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use common::browser::screenshot;
use common::{run_fixture, settings};
use hil_report::{HtmlReporter, JunitOptions, JunitReporter, Observed, PastRuns};
use hil_runner::OutcomeKind::{
    self, Characterized, Error, ExpectedFail, Fail, NotApplicable, Pass, UnexpectedPass,
};
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
        observed: BTreeMap::new(),
    })
}

/// The previous run (run 8) as the history gives it with signatures and observations: every
/// trial of the fixture with the outcome it has now, but dut1's `crlf` failed with another
/// error code and dut1's `clear` saw `cleared_on_dut1` as the way the warning clears.
fn observed_past(cleared_on_dut1: &str) -> Arc<PastRuns> {
    let entry = |outcome: OutcomeKind, signature: Option<&str>, observations: &[(&str, &str)]| {
        let observed = Observed {
            signature: signature.map(str::to_string),
            observations: observations
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        (vec![Some(outcome)], observed)
    };
    let now_clear = [("cleared by", "CFUN=1 after VDD > 3.3 V")];
    let trials = [
        ("dut1::cmng::list", entry(Pass, None, &[])),
        (
            "dut1::cmng::crlf",
            entry(Fail, Some("+CME ERROR: 518"), &[]),
        ),
        ("dut1::cmng::flaky", entry(Pass, None, &[])),
        ("dut1::cmng::broken", entry(Error, None, &[])),
        ("dut1::cmng::types", entry(NotApplicable, None, &[])),
        (
            "dut1::pofwarn::clear",
            entry(
                Characterized,
                Some("no 528"),
                &[("cleared by", cleared_on_dut1)],
            ),
        ),
        ("dut1::cmng::no_supply", entry(NotApplicable, None, &[])),
        ("dut2::cmng::list", entry(Pass, None, &[])),
        (
            "dut2::cmng::crlf",
            entry(ExpectedFail, Some("+CME ERROR: 527"), &[]),
        ),
        ("dut2::cmng::flaky", entry(Pass, None, &[])),
        ("dut2::cmng::broken", entry(Error, None, &[])),
        (
            "dut2::cmng::types",
            entry(UnexpectedPass, Some("+CME ERROR: 514"), &[]),
        ),
        (
            "dut2::pofwarn::clear",
            entry(Characterized, Some("no 528"), &now_clear),
        ),
        ("dut2::cmng::no_supply", entry(NotApplicable, None, &[])),
    ];
    Arc::new(PastRuns {
        previous: "run 8 (2026-03-02T06:00:00Z)".into(),
        trials: trials
            .iter()
            .map(|(name, (outcomes, _))| (name.to_string(), outcomes.clone()))
            .collect(),
        observed: trials
            .iter()
            .map(|(name, (_, observed))| (name.to_string(), observed.clone()))
            .collect(),
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
fn observation_changes_are_listed_even_when_the_outcome_did_not_change() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = reports(dir.path(), Some(observed_past("power cycle")));
    let section = changes(&html);
    // dut1's crlf: fail before and now, but with 527 where it saw 518 (hil diff's "other
    // changes"); dut1's clear: characterized both times, cleared another way.
    settings().bind(|| insta::assert_snapshot!("changes", section.replace("><", ">\n<")));
    assert!(section.contains("other changes (1)"), "{section}");
    assert!(section.contains("changed observations (1)"), "{section}");
    assert!(section.contains("dut1::pofwarn::clear"), "{section}");
    assert!(
        section.contains(
            "cleared by: <code>power cycle</code> → <code>CFUN=1 after VDD &gt; 3.3 V</code>"
        ),
        "{section}"
    );
    for unchanged in [
        "dut2::cmng::crlf",
        "dut2::pofwarn::clear",
        "dut1::cmng::list",
    ] {
        assert!(!section.contains(unchanged), "{unchanged}: {section}");
    }
    assert!(!section.contains("not in the previous run"), "{section}");
}

#[test]
fn with_outcomes_only_the_section_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = reports(dir.path(), Some(past()));
    assert!(changes(&html).contains("outcomes only"));
    let (html, _) = reports(dir.path(), Some(observed_past("power cycle")));
    assert!(!changes(&html).contains("outcomes only"));
}

/// Headless Chromium renders the top of the page with the changed observations on screen: the
/// page differs from the same page with that block cut out, while two renderings of one page
/// are identical (so the difference is the block, not noise). Skipped without Chromium unless
/// `HIL_REQUIRE_CHROMIUM=1`, as in CI.
#[test]
fn chromium_renders_the_changed_observations_at_the_top_of_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let (html, _) = reports(dir.path(), Some(observed_past("power cycle")));
    let block = html
        .find("<h3>changed observations")
        .expect("a changed observations block");
    let block_end = block + html[block..].find("</section>").unwrap();
    let with = dir.path().join("with.html");
    let without = dir.path().join("without.html");
    std::fs::write(&with, &html).unwrap();
    std::fs::write(
        &without,
        format!("{}{}", &html[..block], &html[block_end..]),
    )
    .unwrap();
    let window = (1200, 700);
    let Some(shot) = screenshot(&with, window) else {
        return;
    };
    assert!(shot.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    // A blank 1200x700 page compresses to a few kilobytes; text and tables do not.
    assert!(shot.len() > 10_000, "{} bytes: a blank page?", shot.len());
    let again = screenshot(&with, window).unwrap();
    assert!(shot == again, "two renderings of one page differ");
    let cut = screenshot(&without, window).unwrap();
    assert!(shot != cut, "the changed observations are not on screen");
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
