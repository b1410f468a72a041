//! Console reporters: plain progress lines (not a TTY), the summary table, transcript files.

mod common;

use common::{run_fixture, settings};
use hil_report::{ProgressReporter, SummaryReporter, TranscriptWriter};
use hil_runner::Reporter;
use hil_testkit::SharedBuf;

#[test]
fn progress_prints_one_line_per_result_when_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let buf = SharedBuf::default();
    run_fixture(
        dir.path(),
        vec![Box::new(ProgressReporter::lines(Box::new(buf.clone())))],
    );
    let text = buf.text();
    let results: Vec<&str> = text.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(results.len(), 14, "{text}");
    assert!(text.contains("rack rack-<1>: 14 trials on 2 DUTs"));
    assert!(text.contains("] XFAIL  dut2::cmng::crlf"));
    assert!(text.contains("FLAKY: passed on attempt 2/3"));
    assert!(text.contains("DUT dut1 finished: 7 results, 2 unexpected"));
    assert!(results.last().unwrap().starts_with("[14/14]"));
}

#[test]
fn the_summary_table_counts_per_dut_and_total() {
    let dir = tempfile::tempdir().unwrap();
    let buf = SharedBuf::default();
    let out = run_fixture(
        dir.path(),
        vec![Box::new(SummaryReporter::new(Box::new(buf.clone())))],
    );
    // The table (a column per outcome, a row per DUT and the total: pass 4, fail 1, xfail 1,
    // xpass 1, n/a 3, char 2, error 2, flaky 2 of 14), the unexpected results grouped by DUT,
    // and the verdict.
    settings().bind(|| insta::assert_snapshot!("summary", buf.text()));
    assert_eq!(out.summary.exit_code(), 1);
}

#[test]
fn transcript_files_hold_every_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let writer = TranscriptWriter::new(dir.path());
    let root = writer.root().to_path_buf();
    let reporters: Vec<Box<dyn Reporter>> = vec![Box::new(writer)];
    run_fixture(dir.path(), reporters);
    let flaky = std::fs::read_to_string(root.join("dut1/cmng.flaky.txt")).unwrap();
    assert!(flaky.contains("=== attempt 1/3: FAIL"));
    assert!(flaky.contains("=== attempt 2/3: PASS"));
    let broken = std::fs::read_to_string(root.join("dut2/cmng.broken.txt")).unwrap();
    assert_eq!(broken.matches("recovery: ok").count(), 3);
    let list = std::fs::read_to_string(root.join("dut1/cmng.list.txt")).unwrap();
    assert!(list.contains("%CMNG: 16842753,0,\"ABC\""));
    assert!(!list.contains('\u{0}'));
    assert!(
        !root.join("dut1/cmng.types.txt").exists(),
        "skipped cases never ran"
    );
}

#[test]
fn the_event_log_has_one_json_object_per_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.jsonl");
    let reporter = hil_report::JsonLinesReporter::create(&path).unwrap();
    run_fixture(dir.path(), vec![Box::new(reporter)]);
    let text = std::fs::read_to_string(&path).unwrap();
    let events: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    // RunStarted, 2 × DutStarted, 14 × (CaseStarted, CaseFinished), 2 × DutFinished, RunFinished
    assert_eq!(events.len(), 34);
    assert_eq!(events[0]["event"], "run_started");
    assert_eq!(events.last().unwrap()["event"], "run_finished");
    let flaky = events
        .iter()
        .find(|e| e["event"] == "case_finished" && e["id"]["case"]["name"] == "flaky")
        .unwrap();
    assert_eq!(flaky["attempts"].as_array().unwrap().len(), 2);
    assert_eq!(flaky["outcome"]["kind"], "pass");
}
