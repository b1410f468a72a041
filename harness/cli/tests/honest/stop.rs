//! A stopped run says so everywhere: SIGTERM, two signals, a second signal, a kill, a stop
//! during bring-up; and a filter that selects nothing is refused.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use super::common::{Lines, hil, junit, output, signal, text, wait};
use super::{
    babbling_rack, files, history_ends, is_result_line, run_error, run_rack, status_property,
    validates,
};

#[test]
fn a_filter_that_selects_nothing_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "no-such-case", "--report-dir"])
        .arg(&report);
    let out = output(cmd, 120);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains("`no-such-case`"),
        "{last}"
    );
    assert!(!text(&out.stdout).contains("PASSED"));
    assert!(
        !report.join("junit.xml").exists(),
        "no report of a run that did not start"
    );
}

#[test]
fn sigterm_mid_run_says_stopped_in_junit_and_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--timing", "realistic", "--report-dir"])
        .arg(&report);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let out = Lines::new(child.stdout.take().unwrap());
    let err = Lines::new(child.stderr.take().unwrap());
    err.until(Duration::from_secs(120), is_result_line);
    signal(&child, libc::SIGTERM);
    let status = wait(&mut child, Duration::from_secs(120));
    assert_stopped(status, &out, &report);
}

/// The run stopped: exit 1, the verdict `STOPPED: …`, and a JUnit file that validates with
/// the stopped status in every testsuite and one red `run::` testcase, `run::stopped`.
fn assert_stopped(status: std::process::ExitStatus, out: &Lines, report: &Path) {
    assert_eq!(status.code(), Some(1), "a stopped run is not a success");
    let mut stdout = Vec::new();
    while let Some(line) = out.next(Duration::from_secs(10)) {
        stdout.push(line);
    }
    let last = stdout.last().cloned().unwrap_or_default();
    assert!(last.starts_with("STOPPED: "), "{}", stdout.join("\n"));
    let junit_path = report.join("junit.xml");
    if let Some((valid, messages)) = validates(&junit_path) {
        assert!(valid, "{messages}");
    }
    let xml = junit(&junit_path);
    for suite in &xml.test_suites {
        assert_eq!(
            status_property(suite).as_deref(),
            Some("stopped"),
            "{}",
            suite.name.as_str()
        );
    }
    run_error(&xml, "run::stopped");
    assert!(xml.errors >= 1, "dashboards show the run red");
    let names: Vec<&str> = xml
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .filter(|c| c.name.as_str().starts_with("run::"))
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(names, ["run::stopped"]);
}

#[test]
fn two_sigterms_back_to_back_stop_the_run_like_one() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--timing", "realistic", "--report-dir"])
        .arg(&report);
    // Its own process group, as under `timeout(1)`.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let out = Lines::new(child.stdout.take().unwrap());
    let err = Lines::new(child.stderr.take().unwrap());
    err.until(Duration::from_secs(120), is_result_line);
    // What `timeout` does: the process, then its process group. The pause lets the first be
    // handled before the second arrives (two pending signals would merge into one).
    signal(&child, libc::SIGTERM);
    std::thread::sleep(Duration::from_millis(50));
    // SAFETY: kill(2) of our child's own process group.
    assert_eq!(
        unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGTERM) },
        0
    );
    let status = wait(&mut child, Duration::from_secs(120));
    assert_stopped(status, &out, &report);
    let mut rest = Vec::new();
    while let Some(line) = err.next(Duration::from_secs(10)) {
        rest.push(line);
    }
    assert!(
        !rest.iter().any(|l| l.starts_with("aborted")),
        "{}",
        rest.join("\n")
    );
}

#[test]
fn a_stop_during_the_last_case_leaves_nothing_unrun_and_the_run_completed() {
    let dir = tempfile::tempdir().unwrap();
    let (report, state) = (dir.path().join("report"), dir.path().join("state"));
    let mut cmd = hil();
    // One trial of about 5 s on one board.
    cmd.args(["run", "--timing", "realistic", "--exact", "--filter"])
        .arg("sim-1.3.6::cmng::cfun_write_delete")
        .arg("--report-dir")
        .arg(&report)
        .arg("--state-dir")
        .arg(&state);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let out = Lines::new(child.stdout.take().unwrap());
    let err = Lines::new(child.stderr.take().unwrap());
    // The board's trials started (the line comes after its first case began).
    err.until(Duration::from_secs(120), |l| {
        l.starts_with("DUT sim-1.3.6 (") && l.ends_with("1 trials")
    });
    std::thread::sleep(Duration::from_millis(500));
    signal(&child, libc::SIGTERM);
    let status = wait(&mut child, Duration::from_secs(120));
    let mut stdout = Vec::new();
    while let Some(line) = out.next(Duration::from_secs(10)) {
        stdout.push(line);
    }
    let mut stderr = Vec::new();
    while let Some(line) = err.next(Duration::from_secs(10)) {
        stderr.push(line);
    }
    assert!(
        stderr.iter().any(|l| l.starts_with("stop requested")),
        "the stop came during the case: {}",
        stderr.join("\n")
    );
    let last = stdout.last().cloned().unwrap_or_default();
    assert!(last.starts_with("PASSED: "), "{}", stdout.join("\n"));
    assert_eq!(status.code(), Some(0));
    let xml = junit(&report.join("junit.xml"));
    assert_eq!((xml.tests, xml.errors), (1, 0));
    for suite in &xml.test_suites {
        assert_eq!(status_property(suite).as_deref(), Some("completed"));
    }
    assert_eq!(history_ends(&state), ["completed"]);
}

#[test]
fn a_second_signal_aborts_at_once_says_where_the_reports_are_and_junit_stays_valid() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args([
        "run",
        "--timing",
        "realistic",
        "--filter",
        "pofwarn",
        "--report-dir",
    ])
    .arg(&report);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let err = Lines::new(child.stderr.take().unwrap());
    err.until(Duration::from_secs(120), is_result_line);
    signal(&child, libc::SIGINT);
    err.until(Duration::from_secs(10), |l| l.starts_with("stop requested"));
    // A second signal sooner than 0.5 s after the first is a copy of it (`timeout` signals
    // the process and then its group); this one is meant.
    std::thread::sleep(Duration::from_millis(700));
    signal(&child, libc::SIGINT);
    let (line, _) = err.until(Duration::from_secs(10), |l| l.starts_with("aborted"));
    assert!(line.contains(&report.display().to_string()), "{line}");
    assert_eq!(
        wait(&mut child, Duration::from_secs(10)).code(),
        Some(128 + libc::SIGINT)
    );
    assert!(junit(&report.join("junit.xml")).tests > 0);
}

#[test]
fn the_first_junit_exists_before_the_first_case_and_a_killed_run_leaves_no_tmp_file() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--timing", "realistic", "--report-dir"])
        .arg(&report);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let err = Lines::new(child.stderr.take().unwrap());
    // Bring-up is done, no case has finished: the file is there and says the run is running.
    err.until(Duration::from_secs(120), |l| l.starts_with("lab: "));
    let first = junit(&report.join("junit.xml"));
    assert!(!first.test_suites.is_empty());
    for suite in &first.test_suites {
        assert_eq!(status_property(suite).as_deref(), Some("running"));
    }

    assert!(
        first.errors >= 1,
        "a run killed during bring-up leaves a red file"
    );

    err.until(Duration::from_secs(120), is_result_line);
    signal(&child, libc::SIGKILL);
    wait(&mut child, Duration::from_secs(10));
    // What a killed run leaves is red on every dashboard, whatever results it holds.
    let left = junit(&report.join("junit.xml"));
    run_error(&left, "run::unfinished");
    assert!(left.errors >= 1);
    let stray: Vec<PathBuf> = files(&report)
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "tmp")
                && !p.components().any(|c| c.as_os_str() == ".hil-tmp")
        })
        .collect();
    assert!(stray.is_empty(), "{stray:?}");

    // The next run into the same directory clears the scratch directory a killed run left.
    let mut again = hil();
    again
        .args(["run", "--filter", "identity", "--report-dir"])
        .arg(&report);
    let out = output(again, 300);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        text(&out.stderr)
    );
    assert!(!report.join(".hil-tmp").exists());
}

#[test]
fn a_stop_during_bring_up_says_the_faulty_boards_cases_were_not_run() {
    let dir = tempfile::tempdir().unwrap();
    // `mute` streams endless output from its first command: bring-up waits 5 s for its
    // identity and finds it faulty.
    let rack = babbling_rack(dir.path(), "mute", 0, "quiet");
    let report = dir.path().join("report");
    let mut cmd = run_rack(&rack, &report, &[]);
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let out = Lines::new(child.stdout.take().unwrap());
    let err = Lines::new(child.stderr.take().unwrap());
    // The first junit.xml is written just before the signal handlers are installed and
    // bring-up starts.
    let junit_path = report.join("junit.xml");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !junit_path.exists() {
        assert!(std::time::Instant::now() < deadline, "no junit.xml");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(300));
    signal(&child, libc::SIGTERM);
    let status = wait(&mut child, Duration::from_secs(120));
    let mut stderr = Vec::new();
    while let Some(line) = err.next(Duration::from_secs(10)) {
        stderr.push(line);
    }
    while out.next(Duration::from_secs(10)).is_some() {}
    let last = stderr.last().cloned().unwrap_or_default();
    let head: String = last.chars().take(300).collect();
    assert_eq!(status.code(), Some(2), "{head}");
    assert!(
        head.starts_with("error: ")
            && head.contains("1 of 2 DUTs could not be brought up")
            && head
                .contains("the run was stopped before their cases: they are reported as not run"),
        "{head}"
    );
    // … which is what the report holds: no error of the board, its trials listed as not run.
    let xml = junit(&junit_path);
    let cases: Vec<&quick_junit::TestCase> =
        xml.test_suites.iter().flat_map(|s| &s.test_cases).collect();
    assert!(cases.iter().all(|c| c.name.as_str().starts_with("run::")));
    let stopped = run_error(&xml, "run::stopped");
    let quick_junit::TestCaseStatus::NonSuccess {
        description: Some(text),
        ..
    } = &stopped.status
    else {
        panic!("{:?}", stopped.status);
    };
    assert!(
        text.as_str().contains("mute::identity::report"),
        "{}",
        text.as_str()
    );
}
