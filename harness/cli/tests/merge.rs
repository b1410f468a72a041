//! `hil report merge`: the report directories of `hil run --shard 1/2` and `--shard 2/2` merge
//! into one JUnit file that validates against the schema and holds the same testcases as one
//! unsharded run, and one HTML matrix with every board; transcripts and artifacts are in the
//! merged directory and the `[[ATTACHMENT|…]]` lines (relative to where the run started) point
//! at them. A DUT in two inputs is refused.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{hil, junit, output, text};

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
