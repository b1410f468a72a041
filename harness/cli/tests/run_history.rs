//! `hil run` records every run in the run history: two runs of a simulated rack between which
//! one board's modem policy changed give a `hil diff` naming exactly the trials that changed,
//! and the second run's reports remember the first;
//! a truncated, foreign or locked history database changes neither the results nor the exit
//! status of a run (a warning line says what happened).

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::{hil, junit, output, text};
use quick_junit::TestCaseStatus;
use rusqlite::Connection;

/// A two-board simulated rack; `policy` is the second board's simulator policy (YAML map).
fn rack_file(dir: &Path, file: &str, policy: &str) -> PathBuf {
    let path = dir.join(file);
    let yaml = format!(
        "name: history-rack\n\
         duts:\n  \
           - name: b1\n    simulated: {{ profile: mfw_nrf9160_1.3.6 }}\n  \
           - name: b2\n    simulated:\n      profile: mfw_nrf91x1_2.0.0\n      policy: {policy}\n"
    );
    std::fs::write(&path, yaml).unwrap();
    path
}

/// `hil run` of `rack` with reports in `report` and the history in `state`.
fn run(rack: &Path, report: &Path, state: &Path, extra: &[&str]) -> Output {
    let mut cmd = hil();
    cmd.arg("run").arg("--rack").arg(rack);
    cmd.arg("--report-dir").arg(report);
    cmd.arg("--state-dir").arg(state);
    cmd.args(extra);
    output(cmd, 300)
}

/// Every testcase of a JUnit file with what became of it.
fn results(report: &Path) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = junit(&report.join("junit.xml"))
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter())
        .map(|c| {
            let status = match &c.status {
                TestCaseStatus::Success { .. } => "pass".to_string(),
                TestCaseStatus::NonSuccess { kind, message, .. } => {
                    format!("{kind:?}: {}", message.as_deref().unwrap_or(""))
                }
                TestCaseStatus::Skipped { message, .. } => {
                    format!("skipped: {}", message.as_deref().unwrap_or(""))
                }
            };
            (c.name.to_string(), status)
        })
        .collect();
    out.sort();
    out
}

fn names(group: &serde_json::Value) -> Vec<String> {
    group
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {group}"))
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
fn diff_names_exactly_the_trials_a_changed_modem_policy_changed() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let before = rack_file(dir.path(), "before.yaml", "{}");
    // ref §1.3 (content cap, OPEN) and §1.4 (secret reads, OPEN), as simulator policies.
    let after = rack_file(
        dir.path(),
        "after.yaml",
        "{ max_content_bytes: 1000, secret_read: allow }",
    );
    // Every suite runs, the power suite's measurements included: currents and charges vary from
    // run to run, and `hil diff` must not report them as changes.
    let skip: [&str; 0] = [];
    let first = run(&before, &dir.path().join("r1"), &state, &skip);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    assert!(
        text(&first.stderr).contains("run history: recorded run 1 (68 trials)"),
        "{}",
        text(&first.stderr)
    );
    let second = run(&after, &dir.path().join("r2"), &state, &skip);
    assert_eq!(second.status.code(), Some(1), "{}", text(&second.stderr));
    assert!(text(&second.stderr).contains("recorded run 2"));

    let mut cmd = hil();
    cmd.args(["diff", "--json", "--state-dir"]).arg(&state);
    let out = output(cmd, 60);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let diff: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        names(&diff["new_failures"]),
        ["b2::console::multiline_pem_verbatim"]
    );
    assert_eq!(diff["new_failures"][0]["before"]["outcome"], "pass");
    assert!(
        diff["new_failures"][0]["after"]["message"]
            .as_str()
            .unwrap()
            .contains("+CME ERROR: 515"),
        "{}",
        diff["new_failures"][0]
    );
    assert_eq!(
        names(&diff["changed_observations"]),
        ["b2::cmng::read_secrets"]
    );
    let changes = &diff["changed_observations"][0]["changes"];
    assert_eq!(changes.as_array().unwrap().len(), 2, "{changes}");
    for change in changes.as_array().unwrap() {
        assert_eq!(change["before"], "+CME ERROR: 514", "{change}");
        assert_eq!(change["after"], "OK", "{change}");
    }
    for group in [
        "fixed",
        "new_unexpected_passes",
        "new_expected_failures",
        "other_changes",
        "appeared",
        "disappeared",
        "firmware_changes",
    ] {
        assert_eq!(diff[group], serde_json::json!([]), "{group}");
    }

    // The second run's HTML opens with the changes, and its JUnit names the previous outcome.
    let html = std::fs::read_to_string(dir.path().join("r2/conformance.html")).unwrap();
    let start = html
        .find("<section class=\"changes\"")
        .expect("a changes section");
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    assert!(
        section.contains("Changes since the previous run"),
        "{section}"
    );
    assert!(section.contains("new failures (1)"), "{section}");
    assert!(
        section.contains("b2::console::multiline_pem_verbatim"),
        "{section}"
    );
    // Outcome changes first (exactly the one), then the changed observations, as `hil diff`
    // lists them: the secret read that now answers OK, key by key.
    let (outcomes, observed) = section
        .split_once("<h3>changed observations (1)</h3>")
        .unwrap_or_else(|| panic!("no changed observations: {section}"));
    assert_eq!(outcomes.matches("<li>").count(), 1, "{section}");
    assert_eq!(observed.matches("<a href=\"#r-").count(), 1, "{section}");
    assert!(observed.contains("b2::cmng::read_secrets"), "{section}");
    assert_eq!(
        observed
            .matches("<code>+CME ERROR: 514</code> → <code>OK</code>")
            .count(),
        2,
        "{section}"
    );
    let xml = std::fs::read_to_string(dir.path().join("r2/junit.xml")).unwrap();
    assert_eq!(xml.matches("name=\"previous_outcome\"").count(), 1);
    let case = xml
        .find("<testcase name=\"b2::console::multiline_pem_verbatim\"")
        .unwrap();
    let case = &xml[case..case + xml[case..].find("</testcase>").unwrap()];
    assert!(
        case.contains("<property name=\"previous_outcome\" value=\"pass\"/>"),
        "{case}"
    );
}

/// What a run with a healthy history gives: its results and exit status.
fn baseline(dir: &Path, rack: &Path) -> (Option<i32>, Vec<(String, String)>) {
    let report = dir.join("baseline");
    let out = run(
        rack,
        &report,
        &dir.join("healthy"),
        &["--filter", "identity"],
    );
    assert!(
        text(&out.stderr).contains("recorded run 1"),
        "{}",
        text(&out.stderr)
    );
    (out.status.code(), results(&report))
}

/// A run over the history in `state`, whose results and exit status must be the baseline's.
fn run_over(dir: &Path, rack: &Path, state: &Path, name: &str) -> String {
    let (code, expected) = baseline(dir, rack);
    let report = dir.join(name);
    let out = run(rack, &report, state, &["--filter", "identity"]);
    assert_eq!(out.status.code(), code, "{}", text(&out.stderr));
    assert_eq!(results(&report), expected);
    text(&out.stderr)
}

#[test]
fn a_truncated_history_is_moved_aside_and_the_run_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let rack = rack_file(dir.path(), "rack.yaml", "{}");
    let state = dir.path().join("state");
    run(
        &rack,
        &dir.path().join("seed"),
        &state,
        &["--filter", "identity"],
    );
    let db = state.join("history.sqlite");
    let len = std::fs::metadata(&db).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
    file.set_len(len / 3).unwrap();
    drop(file);
    let stderr = run_over(dir.path(), &rack, &state, "after-truncation");
    assert!(stderr.contains("run history: recorded run 1"), "{stderr}");
    assert!(stderr.contains("was damaged"), "{stderr}");
    assert!(stderr.contains("moved aside"), "{stderr}");
}

#[test]
fn a_foreign_database_is_moved_aside_and_the_run_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let rack = rack_file(dir.path(), "rack.yaml", "{}");
    let state = dir.path().join("state");
    std::fs::create_dir_all(&state).unwrap();
    let foreign = Connection::open(state.join("history.sqlite")).unwrap();
    foreign
        .execute_batch("CREATE TABLE invoices (n INTEGER); INSERT INTO invoices VALUES (42);")
        .unwrap();
    drop(foreign);
    let stderr = run_over(dir.path(), &rack, &state, "after-foreign");
    assert!(stderr.contains("not a run-history schema"), "{stderr}");
    assert!(stderr.contains("run history: recorded run 1"), "{stderr}");
}

#[test]
fn a_locked_history_is_a_warning_and_the_run_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let rack = rack_file(dir.path(), "rack.yaml", "{}");
    let state = dir.path().join("state");
    run(
        &rack,
        &dir.path().join("seed"),
        &state,
        &["--filter", "identity"],
    );
    let other = Connection::open(state.join("history.sqlite")).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE;").unwrap();
    let stderr = run_over(dir.path(), &rack, &state, "while-locked");
    assert!(
        stderr.contains("locked by another process")
            && stderr.contains("this run is not in the run history"),
        "{stderr}"
    );
    other.execute_batch("COMMIT;").unwrap();
}
