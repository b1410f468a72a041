//! `hil history` and `hil diff` on a history seeded through the library (as `hil run` will
//! record it): text and JSON output, the state-directory option and variable, bad input.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{hil, output, text};
use hil_history::History;
use hil_history::sample::{self, SampleRun};
use hil_runner::OutcomeKind;

/// Two nights of the simulated rack; on the second, one board's modem answers differently:
/// a write now fails, an expected failure becomes an unexpected pass, and its characterization
/// observes that the warning clears on a CFUN cycle.
fn seed(state_dir: &Path) {
    let mut history = History::open(state_dir.join("history.sqlite")).unwrap();
    let first = steady_night(0);
    let mut second = steady_night(1);
    for result in &mut second.results {
        if result.id.dut != "sim-9160-1.3.6" {
            continue;
        }
        let board = &second.duts[3];
        let (suite, case) = (result.id.case.suite.clone(), result.id.case.name.clone());
        match case.as_str() {
            "case_00" => {
                *result = sample::result(board, &suite, &case, sample::fail("+CME ERROR: 528"))
            }
            "case_01" => {
                *result = sample::result(board, &suite, &case, sample::xpass("+CME ERROR: 528"))
            }
            "case_03" => {
                *result = sample::observed(
                    sample::result(
                        board,
                        &suite,
                        &case,
                        sample::characterized("pofwarn clears"),
                    ),
                    "pofwarn_clears_on",
                    "cfun-cycle",
                )
            }
            _ => {}
        }
    }
    for run in [&first, &second] {
        let summary = sample::summary(&run.duts, &run.results, Duration::from_secs(6));
        history
            .record(&run.info, &run.duts, &run.results, &summary)
            .unwrap();
    }
}

/// A night of the sample rack where nothing else changes between nights.
fn steady_night(night: u32) -> SampleRun {
    let mut run = sample::default_rack_run("sim", night);
    let same = sample::default_rack_run("sim", 0);
    run.results = same.results;
    run
}

fn hil_in(state_dir: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = hil();
    cmd.env_remove("HIL_STATE_DIR");
    cmd.args(args).arg("--state-dir").arg(state_dir);
    output(cmd, 60)
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn trial_names(group: &serde_json::Value) -> Vec<String> {
    group
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let t = &c["trial"];
            format!(
                "{}::{}::{}",
                t["dut"].as_str().unwrap(),
                t["suite"].as_str().unwrap(),
                t["case"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn diff_json_names_exactly_the_trials_that_changed() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let diff = json(&hil_in(dir.path(), &["diff", "--json"]));
    assert_eq!(diff["from"]["id"], 1);
    assert_eq!(diff["to"]["id"], 2);
    assert_eq!(
        trial_names(&diff["new_failures"]),
        ["sim-9160-1.3.6::cmng::case_00"]
    );
    assert_eq!(diff["new_failures"][0]["before"]["outcome"], "pass");
    assert_eq!(
        diff["new_failures"][0]["after"]["signature"],
        "+CME ERROR: 528"
    );
    assert_eq!(
        trial_names(&diff["new_unexpected_passes"]),
        ["sim-9160-1.3.6::xpmng::case_01"]
    );
    assert_eq!(
        trial_names(&diff["changed_observations"]),
        ["sim-9160-1.3.6::pofwarn::case_03"]
    );
    let change = &diff["changed_observations"][0]["changes"][0];
    assert_eq!(change["key"], "pofwarn_clears_on");
    assert_eq!(change["before"], "reboot");
    assert_eq!(change["after"], "cfun-cycle");
    for group in [
        "fixed",
        "new_expected_failures",
        "other_changes",
        "appeared",
        "disappeared",
        "firmware_changes",
    ] {
        assert_eq!(diff[group], serde_json::json!([]), "{group}");
    }

    // The same pair named explicitly, and one run against its predecessor.
    assert_eq!(
        json(&hil_in(dir.path(), &["diff", "1", "2", "--json"])),
        diff
    );
    assert_eq!(json(&hil_in(dir.path(), &["diff", "2", "--json"])), diff);
}

#[test]
fn diff_text_groups_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = hil_in(dir.path(), &["diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(
            "new failures (1):\n  sim-9160-1.3.6::cmng::case_00  PASS -> FAIL: saw +CME ERROR: 528"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("new unexpected passes (1):"), "{stdout}");
    assert!(
        stdout.contains("pofwarn_clears_on: \"reboot\" -> \"cfun-cycle\""),
        "{stdout}"
    );
}

#[test]
fn history_json_lists_runs_and_each_trials_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let view = json(&hil_in(
        dir.path(),
        &[
            "history",
            "--json",
            "--dut",
            "sim-9160-1.3.6",
            "--case",
            "cmng::",
        ],
    ));
    let runs = view["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["id"], 2, "most recent first");
    assert_eq!(runs[0]["rack"], "sim");
    assert_eq!(runs[0]["ended"], "completed");
    assert_eq!(runs[0]["counts"]["fail"], 1);
    // Only the selected trials are counted: 7 cmng cases on one board.
    let counted: i64 = runs[0]["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(counted, 7);
    let trials = view["trials"].as_array().unwrap();
    assert_eq!(trials.len(), 7);
    let changed = trials
        .iter()
        .find(|t| t["trial"]["case"] == "case_00")
        .unwrap();
    let outcomes: Vec<&str> = changed["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [OutcomeKind::Fail.as_str(), OutcomeKind::Pass.as_str()]
    );
}

#[test]
fn history_text_and_the_state_dir_variable() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let mut cmd = hil();
    cmd.env("HIL_STATE_DIR", dir.path())
        .args(["history", "--rack", "sim"]);
    let out = output(cmd, 60);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("run  started"), "{stdout}");
    assert!(stdout.contains("sim-9160-1.3.6::cmng::case_00"), "{stdout}");
    assert!(stdout.contains("FP  1 change"), "{stdout}");
    assert!(
        !stdout.contains("sim-9160-0.7.0::"),
        "unchanged trials are summarised: {stdout}"
    );
}

#[test]
fn an_empty_state_dir_and_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = hil_in(dir.path(), &["history", "--json"]);
    assert_eq!(json(&out), serde_json::json!({"runs": [], "trials": []}));
    assert!(text(&out.stderr).contains("no run history yet"));
    assert!(
        !dir.path().join("history.sqlite").exists(),
        "a read creates nothing"
    );

    let out = hil_in(dir.path(), &["diff"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no run history at"),
        "{}",
        text(&out.stderr)
    );

    seed(dir.path());
    let out = hil_in(dir.path(), &["diff", "1", "99"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("run 99 is not in the run history"),
        "{}",
        text(&out.stderr)
    );

    let out = hil_in(dir.path(), &["diff", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no completed run of rack `sim` before run 1"),
        "{}",
        text(&out.stderr)
    );

    let out = hil_in(dir.path(), &["history", "--since", "yesterday"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--since \"yesterday\""),
        "{}",
        text(&out.stderr)
    );

    let out = hil_in(dir.path(), &["diff", "--rack", "sim", "1"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "--rack with a run is a usage error"
    );
}
