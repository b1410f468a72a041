//! `hil run` on the simulated rack: JUnit with one testsuite per DUT, reports that stay valid
//! when the run is killed midway, and a graceful stop on SIGINT.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{Lines, hil, junit, output, signal, text, wait};

/// DUTs of the default simulated rack: one per bundled modem-firmware profile.
fn default_rack_duts() -> usize {
    std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../sim/profiles"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count()
}

/// A result line of the plain progress output: `[ 3/12] PASS   dut::suite::case  0.1s`.
fn is_result_line(line: &str) -> bool {
    line.starts_with('[') && line.contains("/") && line.contains("::")
}

#[test]
fn filtered_run_writes_junit_with_one_testsuite_per_dut() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "identity", "--report-dir"])
        .arg(&report);
    let out = output(cmd, 300);
    let stderr = text(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "exit {:?}\n{stderr}",
        out.status
    );
    let report_xml = junit(&report.join("junit.xml"));
    assert_eq!(
        report_xml.test_suites.len(),
        default_rack_duts(),
        "{stderr}"
    );
    for suite in &report_xml.test_suites {
        assert!(
            !suite.test_cases.is_empty(),
            "suite {} is empty",
            suite.name.as_str()
        );
        assert!(
            suite
                .test_cases
                .iter()
                .all(|c| c.name.as_str().contains("identity")),
            "only identity cases ran"
        );
    }
    assert!(report.join("conformance.html").is_file());
    assert!(stderr.contains("reports:"), "{stderr}");
    assert!(
        text(&out.stdout).contains("total"),
        "summary table on stdout"
    );
}

#[test]
fn killing_the_run_midway_leaves_valid_junit() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--report-dir"]).arg(&report);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let lines = Lines::new(child.stderr.take().unwrap());
    let (first, _) = lines.until(Duration::from_secs(120), is_result_line);
    signal(&child, libc::SIGKILL);
    wait(&mut child, Duration::from_secs(10));

    let report_xml = junit(&report.join("junit.xml"));
    let cases: Vec<String> = report_xml
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter().map(|c| c.name.as_str().to_string()))
        .collect();
    assert!(!cases.is_empty(), "the finished result is in the file");
    let first_name = first.split_whitespace().find(|w| w.contains("::")).unwrap();
    assert!(
        cases.iter().any(|c| c == first_name),
        "{first_name} not in {cases:?}"
    );
}

#[test]
fn sigint_finishes_current_cases_and_writes_reports() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--report-dir"]).arg(&report);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let out = Lines::new(child.stdout.take().unwrap());
    let err = Lines::new(child.stderr.take().unwrap());
    err.until(Duration::from_secs(120), is_result_line);
    signal(&child, libc::SIGINT);
    let status = wait(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(1), "a stopped run is not a success");
    let mut stdout = Vec::new();
    while let Some(line) = out.next(Duration::from_secs(10)) {
        stdout.push(line);
    }
    let stdout = stdout.join("\n");
    assert!(stdout.contains("STOPPED"), "{stdout}");
    let report_xml = junit(&report.join("junit.xml"));
    assert!(report_xml.tests > 0);
}

#[test]
fn a_dut_that_does_not_come_up_is_reported_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("rack.yaml");
    std::fs::write(
        &rack,
        "name: r\nduts:\n  - name: dk-1\n    serial: /dev/hil-no-such-port\n  - name: sim-1\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n",
    )
    .unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "identity", "--no-flash", "--rack"])
        .arg(&rack)
        .arg("--report-dir")
        .arg(&report);
    let out = output(cmd, 120);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ")
            && last.contains("dk-1")
            && last.contains("/dev/hil-no-such-port"),
        "{last}"
    );
    let report_xml = junit(&report.join("junit.xml"));
    assert_eq!(report_xml.test_suites.len(), 2);
    assert_eq!(report_xml.errors, 1, "the missing board's case is an error");
}

#[test]
fn list_names_trials_without_running_them() {
    let mut cmd = hil();
    cmd.args(["run", "--list", "--filter", "identity"]);
    let out = output(cmd, 120);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), default_rack_duts(), "{stdout}");
    assert!(
        stdout.lines().all(|l| l.contains("::identity::")),
        "{stdout}"
    );
}

#[test]
fn doctor_passes_on_the_simulated_rack() {
    let mut cmd = hil();
    cmd.arg("doctor");
    let out = output(cmd, 120);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("all checks passed"), "{stdout}");
}
