//! `hil run` never reports a green run that lost data: a report directory that cannot be
//! written, a stopped run, a filter that selects nothing, a board that streams endless bytes.
//!
//! Tests that need root (an immutable directory, a tiny tmpfs) skip with a message when not
//! root, and fail when `CI` is set (CI runs as root with `chattr` and `mount` available).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{Lines, hil, junit, output, signal, text, wait};

/// A result line of the plain progress output: `[ 3/12] PASS   dut::suite::case  0.1s`.
fn is_result_line(line: &str) -> bool {
    line.starts_with('[') && line.contains('/') && line.contains("::")
}

/// `xmllint --schema` against the project's JUnit schema; `None` when xmllint is missing
/// (an error with `HIL_REQUIRE_XMLLINT=1`, as in CI).
fn validates(file: &Path) -> Option<(bool, String)> {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../report/schema/junit.xsd");
    match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(schema)
        .arg(file)
        .output()
    {
        Ok(o) => Some((o.status.success(), text(&o.stderr))),
        Err(e) if std::env::var("HIL_REQUIRE_XMLLINT").as_deref() == Ok("1") => {
            panic!("HIL_REQUIRE_XMLLINT=1 but xmllint cannot run: {e}")
        }
        Err(e) => {
            eprintln!("skipping JUnit schema validation: xmllint not available ({e})");
            None
        }
    }
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
    let stopped = xml
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .find(|c| c.name.as_str() == "run::stopped")
        .expect("a run::stopped testcase");
    assert!(
        matches!(
            stopped.status,
            quick_junit::TestCaseStatus::NonSuccess {
                kind: quick_junit::NonSuccessKind::Error,
                ..
            }
        ),
        "{:?}",
        stopped.status
    );
    assert!(xml.errors >= 1, "dashboards show the run red");
}

/// The run stopped: exit 1, the verdict `STOPPED: …`, and a JUnit file that validates with
/// the stopped status in every testsuite and a red `run::stopped`.
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
        assert_eq!(status_property(suite).as_deref(), Some("stopped"));
    }
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

/// How the run history in `state` says its runs ended, oldest first.
fn history_ends(state: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(state.join("history.sqlite")).unwrap();
    let mut stmt = db.prepare("SELECT ended FROM runs ORDER BY id").unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
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
fn a_second_signal_says_the_run_was_aborted_and_where_the_reports_are() {
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
    let unfinished = left
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .find(|c| c.name.as_str() == "run::unfinished")
        .expect("a run::unfinished testcase");
    assert!(
        matches!(
            unfinished.status,
            quick_junit::TestCaseStatus::NonSuccess {
                kind: quick_junit::NonSuccessKind::Error,
                ..
            }
        ),
        "{:?}",
        unfinished.status
    );
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

#[test]
fn a_board_streaming_endless_bytes_keeps_every_report_under_2_mb() {
    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("rack.yaml");
    // The babbler floods its console from its 20th command on (bring-up sends fewer), through
    // every power cycle: its first case hangs, recovery fails, the board is lost.
    std::fs::write(
        &rack,
        "name: r\nduts:\n  - name: babbler\n    simulated: { profile: mfw_nrf9160_1.3.6, policy: { babble_after_commands: 20 } }\n  - name: quiet\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n",
    )
    .unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--no-flash", "--rack"])
        .arg(&rack)
        .arg("--report-dir")
        .arg(&report);
    let out = output(cmd, 600);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", verdict(&out.stdout));
    assert!(
        out.stdout.len() + out.stderr.len() < 2_000_000,
        "terminal output: {} bytes",
        out.stdout.len() + out.stderr.len()
    );
    for file in files(&report) {
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size < 2_000_000, "{} is {size} bytes", file.display());
    }
    // The raw output is in the babbler's transcript file, up to its cap.
    let babbler = files(&report.join("transcripts/babbler"));
    let transcript = babbler
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .max_by_key(String::len)
        .unwrap();
    assert!(transcript.len() > 1_000_000, "{}", transcript.len());
    assert!(transcript.contains("the board streams endless output"));
    assert!(transcript.contains("bytes dropped"));

    let xml = junit(&report.join("junit.xml"));
    let lost: Vec<_> = xml
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .filter_map(|c| match &c.status {
            quick_junit::TestCaseStatus::NonSuccess {
                message: Some(m), ..
            } if m.as_str().starts_with("not run: the DUT is lost") => Some(m.as_str().len()),
            _ => None,
        })
        .collect();
    assert!(!lost.is_empty(), "{stderr}");
    assert!(
        lost.iter().all(|len| *len < 400),
        "the partial output is told once, not per case: {lost:?}"
    );
    if let Some((valid, messages)) = validates(&report.join("junit.xml")) {
        assert!(valid, "{messages}");
    }
}

/// A board that babbles from its first command faults at bring-up: every line on the terminal
/// stays short (the fault keeps its first and last bytes), the raw console output is in one
/// file of the report directory, and each of its cases says the board did not come up.
#[test]
fn a_board_babbling_at_bring_up_keeps_every_line_short() {
    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("rack.yaml");
    std::fs::write(
        &rack,
        "name: r\nduts:\n  - name: noisy\n    simulated: { profile: mfw_nrf9160_1.3.6, policy: { babble_after_commands: 0 } }\n  - name: calm\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n",
    )
    .unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--no-flash", "--filter", "identity::", "--rack"])
        .arg(&rack)
        .arg("--report-dir")
        .arg(&report);
    let out = output(cmd, 600);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "{}", verdict(&out.stdout));
    for line in stdout.lines().chain(stderr.lines()) {
        assert!(line.len() < 4096, "a line of {} bytes", line.len());
    }
    assert!(stderr.contains("noisy (?): FAULT"), "{stderr}");
    assert!(stderr.contains("bytes left out"), "{stderr}");
    for file in files(&report) {
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size < 2_000_000, "{} is {size} bytes", file.display());
    }
    let kept = report.join("artifacts/noisy/bring-up.transcript.txt");
    assert!(stderr.contains(&kept.display().to_string()), "{stderr}");
    let raw = std::fs::read_to_string(&kept).unwrap();
    assert!(raw.contains("the board streams endless output"));
    assert!(raw.contains("bytes dropped"), "capped: {} bytes", raw.len());

    let xml = junit(&report.join("junit.xml"));
    let noisy = xml
        .test_suites
        .iter()
        .find(|s| s.name.as_str().contains("noisy"))
        .expect("the noisy board's suite");
    assert!(!noisy.test_cases.is_empty());
    for case in &noisy.test_cases {
        let quick_junit::TestCaseStatus::NonSuccess {
            message: Some(m), ..
        } = &case.status
        else {
            panic!("{:?}", case.status);
        };
        assert!(
            m.as_str()
                .starts_with("not run: the board did not come up: the board does not answer"),
            "{}",
            m.as_str()
        );
        assert!(!m.as_str().contains("recovery"), "{}", m.as_str());
    }
}

/// True when the test may use root-only means (`chattr`, `mount`); when not root it says why
/// and returns false — except under CI, where it fails.
fn root_with(tool: &str) -> bool {
    // SAFETY: geteuid(2) has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let has_tool = Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if root && has_tool {
        return true;
    }
    let why = format!("needs root and `{tool}` (root: {root}, {tool}: {has_tool})");
    if std::env::var_os("CI").is_some() {
        panic!("{why}: CI runs as root with {tool} installed");
    }
    eprintln!("skipping: {why}");
    false
}

/// The run exited 2, never says PASSED, and says which report is the problem.
fn assert_refused(out: &std::process::Output, names: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        !text(&out.stdout).contains("PASSED"),
        "{}",
        text(&out.stdout)
    );
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("error: ") && last.contains(names),
        "{last}"
    );
}

#[test]
fn an_immutable_report_directory_fails_the_run_before_bring_up() {
    if !root_with("chattr") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    std::fs::create_dir(&report).unwrap();
    let chattr = |flag: &str| {
        let ok = Command::new("chattr")
            .arg(flag)
            .arg(&report)
            .status()
            .unwrap();
        assert!(ok.success(), "chattr {flag}");
    };
    chattr("+i");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "identity", "--report-dir"])
        .arg(&report);
    let out = output(cmd, 120);
    chattr("-i");
    assert_refused(&out, &report.display().to_string());
    assert!(
        !text(&out.stderr).contains("lab: "),
        "refused before bring-up"
    );
}

/// A tmpfs of `size` mounted on a fresh directory; unmounted when dropped (then the
/// directory goes).
struct Tmpfs {
    point: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let point = dir.path().join("fs");
        std::fs::create_dir(&point).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&point)
            .status()
            .unwrap();
        assert!(ok.success(), "mount a {size} tmpfs");
        Tmpfs { point, _dir: dir }
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.point).status();
    }
}

#[test]
fn a_full_filesystem_fails_the_run_before_bring_up() {
    if !root_with("mount") {
        return;
    }
    let fs = Tmpfs::mount("64k");
    // Fill it: writing stops at ENOSPC.
    let mut fill = std::fs::File::create(fs.point.join("fill")).unwrap();
    let _ = std::io::Write::write_all(&mut fill, &vec![0u8; 1 << 20]);
    drop(fill);
    let report = fs.point.join("report");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "identity", "--report-dir"])
        .arg(&report);
    let out = output(cmd, 120);
    assert_refused(&out, &report.display().to_string());
}

#[test]
fn a_read_only_report_directory_fails_the_run_before_bring_up() {
    if !root_with("mount") {
        return;
    }
    // Root writes through permission bits, so the directory is made read-only the way a lab
    // meets it: a filesystem mounted read-only (EROFS), with the directory already there.
    let fs = Tmpfs::mount("1m");
    let report = fs.point.join("report");
    std::fs::create_dir(&report).unwrap();
    let ok = Command::new("mount")
        .args(["-o", "remount,ro"])
        .arg(&fs.point)
        .status()
        .unwrap();
    assert!(ok.success(), "remount the tmpfs read-only");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "identity", "--report-dir"])
        .arg(&report);
    let out = output(cmd, 120);
    assert_refused(&out, &report.display().to_string());
    assert!(
        text(&out.stderr).contains("Read-only file system"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !text(&out.stderr).contains("lab: "),
        "refused before bring-up"
    );
}

#[test]
fn a_filesystem_that_fills_up_mid_run_makes_the_run_incomplete_and_says_which_report() {
    if !root_with("mount") {
        return;
    }
    // Room for the probe (16 KiB) and the first junit.xml, not for all the reports.
    let fs = Tmpfs::mount("40k");
    let report = fs.point.join("report");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "identity", "--report-dir"])
        .arg(&report);
    let out = output(cmd, 300);
    assert_refused(&out, "reports incomplete");
    let verdict = verdict(&out.stdout);
    assert!(verdict.starts_with("INCOMPLETE: "), "{verdict}");
    assert!(verdict.contains("No space left on device"), "{verdict}");
    // The reports line names no file the run did not write completely.
    let stderr = text(&out.stderr);
    let reports = stderr
        .lines()
        .find(|l| l.starts_with("reports: "))
        .unwrap_or_else(|| panic!("{stderr}"));
    for (name, kind) in [("junit.xml", "JUnit"), ("conformance.html", "HTML")] {
        if verdict.contains(&format!("{kind} {}", report.join(name).display())) {
            assert!(!reports.contains(name), "{reports}");
        }
    }
}

#[test]
fn a_full_disk_is_said_once_per_report_and_the_history_records_the_run_incomplete() {
    if !root_with("mount") {
        return;
    }
    // Room for the probe and the first junit.xml; the 204 results of the whole rack do not fit.
    let fs = Tmpfs::mount("40k");
    let report = fs.point.join("report");
    let state = tempfile::tempdir().unwrap();
    let mut cmd = hil();
    cmd.args(["run", "--report-dir"])
        .arg(&report)
        .arg("--state-dir")
        .arg(state.path());
    let out = output(cmd, 600);
    assert_refused(&out, "reports incomplete");
    let stderr = text(&out.stderr);
    let failures: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("cannot write"))
        .collect();
    // JUnit, HTML, transcripts and the event log: each said when it starts failing (and again
    // only after it was written once more), not at every rewrite.
    assert!(
        !failures.is_empty() && failures.len() <= 8,
        "{} lines:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(history_ends(state.path()), ["incomplete"]);
}

#[test]
fn a_stop_during_bring_up_says_the_faulty_boards_cases_were_not_run() {
    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("rack.yaml");
    // `mute` streams endless output from its first command: bring-up waits 5 s for its
    // identity and finds it faulty.
    std::fs::write(
        &rack,
        "name: r\nduts:\n  - name: mute\n    simulated: { profile: mfw_nrf9160_1.3.6, policy: { babble_after_commands: 0 } }\n  - name: quiet\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n",
    )
    .unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--no-flash", "--rack"])
        .arg(&rack)
        .arg("--report-dir")
        .arg(&report);
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
    let stopped = cases
        .iter()
        .find(|c| c.name.as_str() == "run::stopped")
        .expect("run::stopped");
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
