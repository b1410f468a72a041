//! `hil run` never reports a green run that lost data: a stopped run and a filter that selects
//! nothing (`stop`), a report directory that cannot be written (`report_dir`), a board that
//! streams endless bytes (`bounded`). This file holds what they share.
//!
//! Tests that need root (an immutable directory, a tiny tmpfs) skip with a message when not
//! root, and fail when `CI` is set (CI runs as root with `chattr` and `mount` available).

#[path = "../common/mod.rs"]
mod common;

mod bounded;
mod report_dir;
mod stop;

use std::path::{Path, PathBuf};

use common::text;
use hil_testkit::validates_junit_schema as validates;

/// A result line of the plain progress output: `[ 3/12] PASS   dut::suite::case  0.1s`.
fn is_result_line(line: &str) -> bool {
    line.starts_with('[') && line.contains('/') && line.contains("::")
}

fn status_property(suite: &quick_junit::TestSuite) -> Option<String> {
    suite
        .properties
        .iter()
        .find(|p| p.name.as_str() == "hil.run_status")
        .map(|p| p.value.as_str().to_string())
}

/// The verdict line: the last line of stdout.
fn verdict(stdout: &[u8]) -> String {
    text(stdout).lines().last().unwrap_or_default().to_string()
}

/// How the run history in `state` says its runs ended, oldest first.
fn history_ends(state: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(state.join("history.sqlite")).unwrap();
    let mut stmt = db.prepare("SELECT ended FROM runs ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// The `run` testsuite's testcase `name` (`run::stopped`, `run::unfinished`, …), which must be
/// an `<error>` so every dashboard shows the run red.
fn run_error<'a>(xml: &'a quick_junit::Report, name: &str) -> &'a quick_junit::TestCase {
    let case = xml
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .find(|c| c.name.as_str() == name)
        .unwrap_or_else(|| panic!("a {name} testcase"));
    assert!(
        matches!(
            case.status,
            quick_junit::TestCaseStatus::NonSuccess {
                kind: quick_junit::NonSuccessKind::Error,
                ..
            }
        ),
        "{name}: {:?}",
        case.status
    );
    case
}

/// A rack file in `dir`: the simulated board `noisy`, which streams endless output from its
/// `after`-th console command on, and the well-behaved `calm`.
fn babbling_rack(dir: &Path, noisy: &str, after: u32, calm: &str) -> PathBuf {
    let rack = dir.join("rack.yaml");
    std::fs::write(
        &rack,
        format!(
            "name: r\nduts:\n  - name: {noisy}\n    simulated: {{ profile: mfw_nrf9160_1.3.6, policy: {{ babble_after_commands: {after} }} }}\n  - name: {calm}\n    simulated: {{ profile: mfw_nrf9160_1.3.6 }}\n"
        ),
    )
    .unwrap();
    rack
}

/// `hil run --no-flash ARGS --rack RACK --report-dir REPORT`.
fn run_rack(rack: &Path, report: &Path, args: &[&str]) -> std::process::Command {
    let mut cmd = common::hil();
    cmd.args(["run", "--no-flash"])
        .args(args)
        .arg("--rack")
        .arg(rack)
        .arg("--report-dir")
        .arg(report);
    cmd
}
