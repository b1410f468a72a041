//! `hil run --quarantine`: a shielded failure (exit 0, JUnit property, HTML badge, summary
//! line), an expired entry (exit 1, loud summary line) and `--quarantine-verify`.
//!
//! The rack is one simulated 1.3.6 behind the legacy at_host: two console cases hang on it
//! deterministically (ref §7.2), which nobody expects on 1.3.6 — the unexpected results a
//! quarantine is for.

mod common;

use std::path::Path;

use common::{hil, junit, output, text};

const RACK: &str = "name: q\nquarantine: q.yaml\nduts:\n  - name: odd\n    simulated: { profile: mfw_nrf9160_1.3.6, legacy_host: true }\n";

const HANGS: [&str; 2] = [
    "odd::console::line_over_4096_rejected",
    "odd::console::lost_closing_quote_recovered",
];

/// Runs the console suite on the rack in `dir` with the quarantine file `entries`.
fn run(dir: &Path, entries: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    std::fs::write(dir.join("rack.yaml"), RACK).unwrap();
    std::fs::write(dir.join("q.yaml"), entries).unwrap();
    let mut cmd = hil();
    cmd.arg("run")
        .arg("--rack")
        .arg(dir.join("rack.yaml"))
        .arg("--report-dir")
        .arg(dir.join("report"))
        .args(["--no-flash", "--filter", "console"])
        .args(extra);
    let out = output(cmd, 300);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn entries(until: &str) -> String {
    HANGS
        .iter()
        .map(|t| {
            format!(
                "- trial: {}\n  exact: true\n  mfw: nrf9160 >=1.3.0\n  reason: legacy host wedges\n  issue: https://example.invalid/9\n  until: {until}\n",
                t
            )
        })
        .collect()
}

fn property<'a>(case: &'a quick_junit::TestCase, name: &str) -> Option<&'a str> {
    case.properties
        .iter()
        .find(|p| p.name.as_str() == name)
        .map(|p| p.value.as_str())
}

#[test]
fn a_shielded_failure_exits_0_and_says_so_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(dir.path(), &entries("2999-12-31"), &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.starts_with(
            "NOT A FULL RESULT: 2 unexpected results shielded by quarantine (not counted in the exit status)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("PASSED: no unexpected results outside quarantine (2 shielded)"));

    let report = dir.path().join("report");
    let xml = std::fs::read_to_string(report.join("junit.xml")).unwrap();
    assert!(
        xml.contains("<property name=\"quarantine_shielded\" value=\"2\"/>"),
        "{xml}"
    );
    let parsed = junit(&report.join("junit.xml"));
    let cases: Vec<_> = parsed
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .collect();
    for name in HANGS {
        let case = cases.iter().find(|c| c.name.as_str() == name).unwrap();
        assert_eq!(property(case, "quarantined"), Some("legacy host wedges"));
        assert_eq!(property(case, "quarantine_shielded"), Some("true"));
        assert!(
            !matches!(case.status, quick_junit::TestCaseStatus::Success { .. }),
            "still reported as it ended"
        );
    }
    let passing = cases
        .iter()
        .find(|c| c.name.as_str() == "odd::console::multiline_pem_verbatim")
        .unwrap();
    assert_eq!(property(passing, "quarantined"), None);
    let html = std::fs::read_to_string(report.join("conformance.html")).unwrap();
    assert!(html.contains("QUARANTINED</span>"), "no HTML badge");
}

#[test]
fn an_expired_entry_no_longer_shields_and_the_summary_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = run(dir.path(), &entries("2000-01-01"), &[]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let first = stdout.lines().next().unwrap_or_default();
    assert!(
        first.contains("QUARANTINE EXPIRED: 2 entries no longer shield (q.yaml entry 1"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[quarantine EXPIRED after 2000-01-01"),
        "{stdout}"
    );
    assert!(stdout.contains("FAILED: 2 unexpected"), "{stdout}");
}

#[test]
fn verify_runs_only_quarantined_trials_and_says_which_now_pass() {
    let dir = tempfile::tempdir().unwrap();
    let q = format!(
        "{}- trial: multiline_pem_verbatim\n  reason: was flaky\n  until: 2999-12-31\n",
        entries("2999-12-31")
    );
    let (code, stdout, stderr) = run(dir.path(), &q, &["--quarantine-verify"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("quarantine verify: running only the 3 quarantined trials"),
        "{stderr}"
    );
    assert!(
        stdout.contains(
            "quarantine verify: odd::console::multiline_pem_verbatim now PASS: q.yaml entry 3 `multiline_pem_verbatim` can be removed"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("quarantine verify: odd::console::line_over_4096_rejected still ERROR"),
        "{stdout}"
    );
    let parsed = junit(&dir.path().join("report/junit.xml"));
    let ran = parsed
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .count();
    assert_eq!(ran, 3);
}

#[test]
fn verify_with_nothing_quarantined_on_this_rack_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let q = "- trial: no_such_suite::no_such_case\n  reason: elsewhere\n  until: 2999-12-31\n";
    let (code, stdout, stderr) = run(dir.path(), q, &["--quarantine-verify"]);
    assert_eq!(code, Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("--quarantine-verify: no entry of")
            && stderr.contains("q.yaml covers a trial of this rack's boards"),
        "{stderr}"
    );
    assert!(!stdout.contains("PASSED"), "{stdout}");
    assert!(!dir.path().join("report/junit.xml").exists(), "nothing ran");
}

#[test]
fn a_bad_entry_is_refused_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = run(
        dir.path(),
        "- trial: console\n  reason: r\n  until: next week\n",
        &[],
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("q.yaml:3:") && stderr.contains("`next week` is not a date"),
        "{stderr}"
    );
}
