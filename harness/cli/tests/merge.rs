//! `hil report merge`: the report directories of `hil run --shard 1/2` and `--shard 2/2` merge
//! into one JUnit file that validates against the schema and holds the same testcases as one
//! unsharded run, and one HTML matrix with every board; transcripts and artifacts are in the
//! merged directory and the `[[ATTACHMENT|…]]` lines (relative to where the run started) point
//! at them. A DUT in two inputs is refused.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use std::process::Stdio;
use std::time::Duration;

use common::{Lines, hil, junit, output, signal, text, wait};

/// A few cases on every board of the simulated rack, one of them with a supply-trace artifact.
const FILTER: [&str; 4] = ["--filter", "identity", "--filter", "pofwarn::builtin"];

/// `hil run` in `cwd` writing the report directory `report` (relative), with `extra` arguments.
fn run_in(cwd: &Path, report: &str, extra: &[&str]) {
    let mut cmd = hil();
    cmd.current_dir(cwd)
        .args(["run", "--report-dir", report])
        .args(FILTER)
        .args(extra);
    let out = output(cmd, 300);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

fn merge_in(cwd: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = hil();
    cmd.current_dir(cwd).args(["report", "merge"]).args(args);
    output(cmd, 120)
}

fn testcases(file: &Path) -> Vec<String> {
    let mut names: Vec<String> = junit(file)
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter().map(|c| c.name.to_string()))
        .collect();
    names.sort();
    names
}

fn suites(file: &Path) -> Vec<String> {
    let mut names: Vec<String> = junit(file)
        .test_suites
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    names.sort();
    names
}

fn attachments(file: &Path) -> Vec<PathBuf> {
    let xml = std::fs::read_to_string(file).unwrap();
    xml.lines()
        .filter_map(|l| l.trim().strip_prefix("[[ATTACHMENT|"))
        .filter_map(|l| l.split("]]").next())
        .map(PathBuf::from)
        .collect()
}

/// Validates against the schema; skipped without xmllint unless `HIL_REQUIRE_XMLLINT=1`.
fn validate(file: &Path) {
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/../report/schema/junit.xsd");
    match Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(file)
        .output()
    {
        Ok(out) => assert!(out.status.success(), "{}", text(&out.stderr)),
        Err(e) => {
            assert!(
                std::env::var("HIL_REQUIRE_XMLLINT").as_deref() != Ok("1"),
                "HIL_REQUIRE_XMLLINT=1 but xmllint cannot run ({e})"
            );
            eprintln!("skipping JUnit schema validation: xmllint not available ({e})");
        }
    }
}

#[test]
fn merged_shards_match_one_unsharded_run() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    run_in(cwd, "shard-1", &["--shard", "1/2"]);
    run_in(cwd, "shard-2", &["--shard", "2/2"]);
    run_in(cwd, "whole", &[]);
    let out = merge_in(cwd, &["shard-1", "shard-2", "--out", "merged"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let merged = cwd.join("merged/junit.xml");
    validate(&merged);
    assert_eq!(testcases(&merged), testcases(&cwd.join("whole/junit.xml")));
    assert_eq!(suites(&merged), suites(&cwd.join("whole/junit.xml")));

    // Attachment paths are relative to where the runs started, and point into the merge.
    let files = attachments(&merged);
    assert!(
        files.iter().any(|f| f.starts_with("merged/artifacts")),
        "{files:?}"
    );
    for file in &files {
        assert!(file.is_relative(), "{}", file.display());
        assert!(file.starts_with("merged"), "{}", file.display());
        assert!(cwd.join(file).is_file(), "{} is missing", file.display());
    }

    // One HTML matrix with every board.
    let html = std::fs::read_to_string(cwd.join("merged/conformance.html")).unwrap();
    for board in suites(&merged) {
        assert!(html.contains(&format!("<code>{board}</code>")), "{board}");
    }
}

#[test]
fn a_dut_in_two_inputs_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    run_in(cwd, "shard-1", &["--shard", "1/3"]);
    let out = merge_in(cwd, &["shard-1", "shard-1", "--out", "merged"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is in both shard-1 and shard-1"),
        "{}",
        text(&out.stderr)
    );
    let out = merge_in(cwd, &["missing", "--out", "merged"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("missing/events.jsonl"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_killed_shard_makes_the_merge_unfinished_red_and_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let cwd = dir.path();
    run_in(cwd, "shard-1", &["--shard", "1/2"]);
    // Shard 2 is killed after its first result: most of its trials have none.
    let mut cmd = hil();
    cmd.current_dir(cwd)
        .args(["run", "--timing", "realistic", "--shard", "2/2"])
        .args(["--report-dir", "shard-2"])
        .args(FILTER)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let err = Lines::new(child.stderr.take().unwrap());
    err.until(Duration::from_secs(120), |l| {
        l.starts_with('[') && l.contains("::")
    });
    signal(&child, libc::SIGKILL);
    wait(&mut child, Duration::from_secs(10));

    let out = merge_in(cwd, &["shard-1", "shard-2", "--out", "merged"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("merged "))
        .unwrap_or_else(|| panic!("{stderr}"));
    assert!(
        line.contains("NOT COMPLETE") && line.contains("shard-2 did not finish"),
        "{line}"
    );

    let merged = cwd.join("merged/junit.xml");
    validate(&merged);
    let xml = junit(&merged);
    assert!(xml.errors >= 1, "dashboards show the merge red");
    let run = xml
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == "run")
        .expect("a run testsuite");
    let status = run
        .properties
        .iter()
        .find(|p| p.name.as_str() == "hil.run_status")
        .map(|p| p.value.to_string());
    assert_eq!(status.as_deref(), Some("unfinished"));
    let unfinished = run
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == "run::unfinished")
        .expect("run::unfinished");
    let quick_junit::TestCaseStatus::NonSuccess {
        kind: quick_junit::NonSuccessKind::Error,
        description: Some(text),
        ..
    } = &unfinished.status
    else {
        panic!("not an error: {:?}", unfinished.status);
    };
    // The input and how many of its planned trials have no result, which the counts confirm.
    let planned = |dir: &str| -> usize {
        let events = std::fs::read_to_string(cwd.join(dir).join("events.jsonl")).unwrap();
        let first: serde_json::Value =
            serde_json::from_str(events.lines().next().unwrap()).unwrap();
        first["planned"].as_u64().unwrap() as usize
    };
    let results = |dir: &str| -> usize {
        let events = std::fs::read_to_string(cwd.join(dir).join("events.jsonl")).unwrap();
        events
            .lines()
            .filter(|l| l.contains("\"event\":\"case_finished\""))
            .count()
    };
    let missing = planned("shard-2") - results("shard-2");
    assert!(missing > 0);
    let expected = format!(
        "shard-2 did not finish (killed or aborted: its event log has no end): {missing} of its {} planned trials have no result",
        planned("shard-2")
    );
    assert!(text.as_str().contains(&expected), "{}", text.as_str());
}
