//! Quarantine and maintenance marks in the reports: testcase properties, `<testsuites>`
//! properties, HTML badges, the summary's first line and verdict.

mod common;

use std::process::Command;
use std::sync::Arc;

use common::run_fixture;
use hil_report::{QuarantineMark, ReportDir, ReporterOptions, RunMarks, SummaryReporter};
use hil_testkit::SharedBuf;

fn mark(reason: &str, expired: bool, entry: &str) -> QuarantineMark {
    QuarantineMark {
        reason: reason.to_string(),
        issue: Some("https://example.invalid/7".to_string()),
        until: "2025-07-01".to_string(),
        expired,
        entry: entry.to_string(),
    }
}

fn marks() -> Arc<RunMarks> {
    let mut marks = RunMarks::default();
    marks.quarantined.insert(
        "dut1::cmng::broken".to_string(),
        mark("port flaps on this hub", false, "q.yaml entry 1"),
    );
    marks.quarantined.insert(
        "dut1::cmng::crlf".to_string(),
        mark("supply relay", true, "q.yaml entry 2"),
    );
    marks.quarantined.insert(
        "dut1::cmng::list".to_string(),
        mark("was flaky", false, "q.yaml entry 3"),
    );
    marks.held_out.push((
        "dut3".to_string(),
        "in maintenance since 2025-03-04T05:06:07Z (taken out by hand): cable".to_string(),
    ));
    Arc::new(marks)
}

#[test]
fn junit_and_html_show_quarantine_and_maintenance() {
    let dir = tempfile::tempdir().unwrap();
    let paths = ReportDir::new(dir.path());
    run_fixture(
        dir.path(),
        paths.marked_reporters(ReporterOptions::FILES_ONLY, marks()),
    );
    let xml = std::fs::read_to_string(&paths.junit).unwrap();
    let root = xml.find("<testsuites").unwrap();
    let first_suite = xml.find("<testsuite ").unwrap();
    let run_props = &xml[root..first_suite];
    assert!(
        run_props.contains("name=\"boards_in_maintenance\" value=\"dut3: in maintenance since")
            && run_props.contains("name=\"quarantine_shielded\" value=\"1\"")
            && run_props.contains("name=\"quarantine_expired\" value=\"q.yaml entry 2\""),
        "{run_props}"
    );
    let case = |name: &str| {
        let start = xml.find(&format!("name=\"{name}\"")).unwrap();
        let end = start + xml[start..].find("</testcase>").unwrap();
        xml[start..end].to_string()
    };
    let broken = case("dut1::cmng::broken");
    assert!(
        broken.contains("name=\"quarantined\" value=\"port flaps on this hub\""),
        "{broken}"
    );
    assert!(
        broken.contains("name=\"quarantine_shielded\" value=\"true\""),
        "{broken}"
    );
    assert!(
        broken.contains("<error"),
        "the result itself is still reported: {broken}"
    );
    let clear = case("dut1::cmng::crlf");
    assert!(
        clear.contains("name=\"quarantine_expired\" value=\"true\""),
        "{clear}"
    );
    assert!(!clear.contains("quarantine_shielded"), "{clear}");
    assert!(!case("dut2::cmng::broken").contains("quarantined"));
    // CI consumers still read the file.
    quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit");
    if let Ok(out) = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/junit.xsd"))
        .arg(&paths.junit)
        .output()
    {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let html = std::fs::read_to_string(&paths.html).unwrap();
    assert!(html.contains("QUARANTINED</span>"), "no badge");
    assert!(
        html.contains("QUARANTINE EXPIRED</span>"),
        "no expired badge"
    );
    assert!(html.contains("NOT A FULL RESULT: 1 board in maintenance (dut3, not tested)"));
}

#[test]
fn the_summary_says_so_first_and_the_verdict_discounts_only_shielded_results() {
    let dir = tempfile::tempdir().unwrap();
    let buf = SharedBuf::default();
    let out = run_fixture(
        dir.path(),
        vec![Box::new(
            SummaryReporter::new(Box::new(buf.clone())).with_marks(marks()),
        )],
    );
    let text = buf.text();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "NOT A FULL RESULT: 1 board in maintenance (dut3, not tested); 1 unexpected result \
         shielded by quarantine (not counted in the exit status); QUARANTINE EXPIRED: 1 entry \
         no longer shields (q.yaml entry 2)"
    );
    assert!(text.contains("dut1::cmng::broken  ERROR: infrastructure: serial port vanished  [quarantined until 2025-07-01: port flaps on this hub (https://example.invalid/7)]"), "{text}");
    assert!(
        text.contains("[quarantine EXPIRED after 2025-07-01 (q.yaml entry 2): supply relay"),
        "{text}"
    );
    assert!(text.contains("Quarantined trials that ended as expected (their entries may be removable):\n  dut1::cmng::list"), "{text}");
    let unexpected = out.summary.total.unexpected();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(&format!(
            "FAILED: {} unexpected outside quarantine, 1 shielded",
            unexpected - 1
        )),
        "{last}"
    );
}
