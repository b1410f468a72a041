//! `hil run --shard K/N`: the shards of a rack cover every board exactly once, each board whole
//! (never splitting its cases); a shard's run is recorded under its own key so the previous
//! run of a shard is the same shard's.

mod common;

use std::collections::BTreeSet;

use common::{hil, junit, output, text};

/// The trials `hil run --list` plans, with extra arguments.
fn planned(extra: &[&str]) -> Vec<String> {
    let mut cmd = hil();
    cmd.args(["run", "--list"]).args(extra);
    let out = output(cmd, 120);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_string).collect()
}

fn boards(trials: &[String]) -> BTreeSet<String> {
    trials
        .iter()
        .map(|t| t.split("::").next().unwrap().to_string())
        .collect()
}

#[test]
fn two_shards_cover_every_board_exactly_once() {
    let all = planned(&[]);
    let first = planned(&["--shard", "1/2"]);
    let second = planned(&["--shard", "2/2"]);
    let (a, b) = (boards(&first), boards(&second));
    assert!(!a.is_empty() && !b.is_empty(), "{a:?} {b:?}");
    assert!(a.is_disjoint(&b), "{a:?} {b:?}");
    assert_eq!(a.union(&b).cloned().collect::<BTreeSet<_>>(), boards(&all));
    // Every trial exactly once: a board's cases all go with it.
    let mut together: Vec<String> = first.into_iter().chain(second).collect();
    let mut all = all;
    together.sort();
    all.sort();
    assert_eq!(together, all);
    // The same split every time.
    assert_eq!(boards(&planned(&["--shard", "1/2"])), a);
}

#[test]
fn a_bad_shard_is_a_usage_error() {
    for bad in ["0/2", "3/2", "2", "x/y"] {
        let mut cmd = hil();
        cmd.args(["run", "--list", "--shard", bad]);
        let out = output(cmd, 60);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(text(&out.stderr).contains("K/N"), "{}", text(&out.stderr));
    }
}

#[test]
fn a_shard_past_the_number_of_boards_is_named_as_such() {
    let total = boards(&planned(&[])).len();
    let past = format!("{0}/{0}", total + 1);
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = hil();
    cmd.args(["run", "--shard", &past, "--report-dir"])
        .arg(dir.path().join("report"));
    let out = output(cmd, 60);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("shard {past} has no board: the rack has {total}")),
        "{stderr}"
    );
    assert!(!dir.path().join("report/junit.xml").exists(), "nothing ran");
}

#[test]
fn a_shards_run_is_recorded_under_its_own_key() {
    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("rack.yaml");
    std::fs::write(
        &rack,
        "name: two\nduts:\n  - name: b1\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n  \
         - name: b2\n    simulated: { profile: mfw_nrf91x1_2.0.0 }\n",
    )
    .unwrap();
    let state = dir.path().join("state");
    let mut cmd = hil();
    cmd.args(["run", "--shard", "2/2", "--filter", "identity", "--rack"])
        .arg(&rack)
        .arg("--report-dir")
        .arg(dir.path().join("report"))
        .arg("--state-dir")
        .arg(&state);
    let out = output(cmd, 300);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report = junit(&dir.path().join("report/junit.xml"));
    let suites: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(suites, ["b2"]);

    let mut cmd = hil();
    cmd.args(["history", "--json", "--state-dir"]).arg(&state);
    let out = output(cmd, 60);
    let view: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(view["runs"][0]["rack"], "two shard 2/2");
}
