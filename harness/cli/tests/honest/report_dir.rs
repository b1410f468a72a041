//! A report directory that cannot be written (immutable, read-only, full, filling up mid-run)
//! fails the run and names the report; never `PASSED`.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::common::{hil, output, text};
use super::{history_ends, verdict};

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
