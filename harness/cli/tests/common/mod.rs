//! Helpers for running the `hil` binary in tests: every wait has a deadline, and a child that
//! outlives it is killed so a hung test fails instead of hanging.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// The `hil` binary with the harness's environment variables cleared; board leases, health and
/// the run history go to a fresh state directory of the test build for each command — never the
/// user's, and never one an earlier test or test run left state in (a test that needs state
/// shared between commands passes `--state-dir` or sets `HIL_STATE_DIR` itself).
pub fn hil() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hil"));
    for var in [
        "HIL_RACK",
        "HIL_TIMING",
        "HIL_REPORT_DIR",
        "HIL_RETRIES",
        "HIL_PORT",
        "HIL_RUN_ID",
        "RUST_LOG",
        "LG_COORDINATOR",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CI", "1").stdin(Stdio::null());
    cmd.env("HIL_STATE_DIR", fresh_state_dir());
    cmd
}

/// A state directory no other command of any test run has used.
fn fresh_state_dir() -> std::path::PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("hil-state")
        .join(format!("{}-{nanos}-{n}", std::process::id()))
}

/// Runs `cmd` to its end (at most `secs`) and returns its output.
pub fn output(mut cmd: Command, secs: u64) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn hil");
    let out = reader(child.stdout.take().expect("stdout"));
    let err = reader(child.stderr.take().expect("stderr"));
    let status = wait(&mut child, Duration::from_secs(secs));
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn reader(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        buf
    })
}

/// Waits for `child` at most `timeout`; kills it and panics past the deadline.
pub fn wait(child: &mut Child, timeout: Duration) -> ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("hil did not exit within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The lines of a child's stream, read on a thread.
pub struct Lines(Receiver<String>);

impl Lines {
    pub fn new(r: impl Read + Send + 'static) -> Self {
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(r).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Lines(rx)
    }

    /// The next line, or `None` at the end of the stream; panics past the deadline.
    pub fn next(&self, timeout: Duration) -> Option<String> {
        match self.0.recv_timeout(timeout) {
            Ok(line) => Some(line),
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => panic!("no line within {timeout:?}"),
        }
    }

    /// Lines until one satisfies `pred` (returned with everything before it).
    pub fn until(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> (String, Vec<String>) {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left.max(Duration::from_millis(1))) {
                Some(line) if pred(&line) => return (line, seen),
                Some(line) => seen.push(line),
                None => panic!(
                    "stream ended before the expected line; saw:\n{}",
                    seen.join("\n")
                ),
            }
        }
    }
}

/// Sends `signal` to `child`.
pub fn signal(child: &Child, signal: i32) {
    // SAFETY: kill(2) with our own child's pid.
    let r = unsafe { libc::kill(child.id() as libc::pid_t, signal) };
    assert_eq!(r, 0, "kill failed");
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Parses a JUnit file; panics with the file's content when it is not valid.
pub fn junit(path: &Path) -> quick_junit::Report {
    let xml = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    quick_junit::Report::deserialize_from_str(&xml)
        .unwrap_or_else(|e| panic!("{} is not valid JUnit: {e}\n{xml}", path.display()))
}
