//! Runs a child process to its end and measures it: wall time from spawn to exit, peak
//! resident memory (`ru_maxrss` of the child, from `wait4`) and CPU time (user + system). A
//! child that outlives its deadline is killed and reported as timed out. [`Spawned`] measures a
//! child that is stopped later (the `hil sim` process serving a rack).

use std::io;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a child may take to stop after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(30);

/// How the child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    Exited(i32),
    Signaled(i32),
    TimedOut,
    /// The benchmark was asked to stop (SIGINT/SIGTERM) while the child ran.
    Interrupted,
}

impl Ending {
    /// Exit 0 (all expected) or 1 (unexpected test results) — anything else is a crash or an
    /// infrastructure error, which invalidates the measurement.
    pub fn is_clean(self) -> bool {
        matches!(self, Ending::Exited(0) | Ending::Exited(1))
    }

    pub fn describe(self) -> String {
        match self {
            Ending::Exited(0) => "exit 0".to_string(),
            Ending::Exited(1) => "exit 1 (unexpected results)".to_string(),
            Ending::Exited(2) => "exit 2 (configuration error)".to_string(),
            Ending::Exited(n) => format!("exit {n}"),
            Ending::Signaled(s) => format!("killed by signal {s}"),
            Ending::TimedOut => "timed out (killed)".to_string(),
            Ending::Interrupted => "interrupted".to_string(),
        }
    }
}

/// What one measured run gave.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub wall: Duration,
    /// Peak resident set size, bytes.
    pub peak_rss: u64,
    /// User + system CPU time.
    pub cpu: Duration,
    pub ending: Ending,
}

/// Spawns `cmd`, waits for it (at most `timeout`) and measures it. When `stop` gets set the
/// child is sent SIGTERM (it finishes its current cases and exits) and reported as interrupted.
pub fn measure(mut cmd: Command, timeout: Duration, stop: &AtomicBool) -> io::Result<Measured> {
    let (spawned, _) = Spawned::spawn(&mut cmd)?;
    spawned.wait(timeout, stop)
}

/// A child being measured: spawned, not yet reaped.
#[derive(Debug)]
pub struct Spawned {
    pid: libc::pid_t,
    start: Instant,
    reaped: bool,
}

impl Spawned {
    /// Spawns `cmd`; also returns std's handle, for the pipes it was given (it is never waited
    /// on: the child is reaped with `wait4`, which reports its resource usage).
    pub fn spawn(cmd: &mut Command) -> io::Result<(Spawned, std::process::Child)> {
        let start = Instant::now();
        let child = cmd.spawn()?;
        let spawned = Spawned {
            pid: child.id() as libc::pid_t,
            start,
            reaped: false,
        };
        Ok((spawned, child))
    }

    /// Sends SIGTERM and waits (at most `timeout`, then SIGKILL) for the child to exit.
    pub fn terminate(mut self, timeout: Duration) -> io::Result<Measured> {
        // SAFETY: `pid` is our own child, not yet reaped, so the id cannot have been reused.
        unsafe { libc::kill(self.pid, libc::SIGTERM) };
        self.reap(timeout, &AtomicBool::new(false))
    }

    /// Waits for the child to exit on its own (at most `timeout`).
    pub fn wait(mut self, timeout: Duration, stop: &AtomicBool) -> io::Result<Measured> {
        self.reap(timeout, stop)
    }

    fn reap(&mut self, timeout: Duration, stop: &AtomicBool) -> io::Result<Measured> {
        let measured = wait_measured(self.pid, self.start, timeout, stop);
        self.reaped = true;
        measured
    }
}

impl Drop for Spawned {
    /// A child dropped unreaped (an error on the way) is killed and reaped, never left running.
    fn drop(&mut self) {
        if !self.reaped {
            // SAFETY: as above.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            let _ = wait(self.pid, true);
        }
    }
}

fn wait_measured(
    pid: libc::pid_t,
    start: Instant,
    timeout: Duration,
    stop: &AtomicBool,
) -> io::Result<Measured> {
    let mut forced: Option<Ending> = None;
    let mut deadline = timeout;
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some((status, usage)) = wait(pid, false)? {
            return Ok(finish(start.elapsed(), status, &usage, forced));
        }
        if forced.is_none() && stop.load(Ordering::SeqCst) {
            // SAFETY: `pid` is our own child, not yet reaped, so the id cannot have been reused.
            unsafe { libc::kill(pid, libc::SIGTERM) };
            forced = Some(Ending::Interrupted);
            deadline = deadline.min(start.elapsed() + STOP_GRACE);
        }
        if start.elapsed() >= deadline {
            // SAFETY: as above.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            if let Some((status, usage)) = wait(pid, true)? {
                let ending = forced.unwrap_or(Ending::TimedOut);
                return Ok(finish(start.elapsed(), status, &usage, Some(ending)));
            }
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
}

/// `wait4` on `pid`; `None` while it is still running (non-blocking mode).
fn wait(pid: libc::pid_t, block: bool) -> io::Result<Option<(libc::c_int, libc::rusage)>> {
    loop {
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain data; all-zero is a valid value.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let flags = if block { 0 } else { libc::WNOHANG };
        // SAFETY: valid pointers to locals; pid is our child.
        let r = unsafe { libc::wait4(pid, &mut status, flags, &mut usage) };
        if r == pid {
            return Ok(Some((status, usage)));
        }
        if r == 0 {
            return Ok(None);
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
}

fn finish(
    wall: Duration,
    status: libc::c_int,
    usage: &libc::rusage,
    forced: Option<Ending>,
) -> Measured {
    let ending = if let Some(forced) = forced {
        forced
    } else if libc::WIFEXITED(status) {
        Ending::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Ending::Signaled(libc::WTERMSIG(status))
    } else {
        Ending::Exited(-1)
    };
    Measured {
        wall,
        peak_rss: maxrss_bytes(usage.ru_maxrss),
        cpu: timeval(usage.ru_utime) + timeval(usage.ru_stime),
        ending,
    }
}

fn timeval(t: libc::timeval) -> Duration {
    let secs = u64::try_from(t.tv_sec).unwrap_or(0);
    let micros = u32::try_from(t.tv_usec).unwrap_or(0);
    Duration::from_secs(secs) + Duration::from_micros(u64::from(micros))
}

/// `ru_maxrss` is in KiB on Linux and the BSDs, in bytes on macOS.
fn maxrss_bytes(maxrss: libc::c_long) -> u64 {
    let v = u64::try_from(maxrss).unwrap_or(0);
    if cfg!(target_os = "macos") {
        v
    } else {
        v * 1024
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_exit_status_wall_and_memory() {
        let mut cmd = Command::new("sh");
        cmd.args(["-c", "sleep 0.2; exit 3"]);
        let m = measure(cmd, Duration::from_secs(10), &AtomicBool::new(false)).unwrap();
        assert_eq!(m.ending, Ending::Exited(3));
        assert!(m.wall >= Duration::from_millis(200), "{:?}", m.wall);
        assert!(m.peak_rss > 0);
        assert!(!m.ending.is_clean());
    }

    #[test]
    fn cpu_time_is_measured() {
        let mut cmd = Command::new("sh");
        // A busy loop of a few hundred milliseconds of CPU.
        cmd.args(["-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done"]);
        let m = measure(cmd, Duration::from_secs(60), &AtomicBool::new(false)).unwrap();
        assert_eq!(m.ending, Ending::Exited(0));
        assert!(m.cpu > Duration::ZERO, "{m:?}");
    }

    #[test]
    fn a_spawned_child_is_terminated_and_measured() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let (spawned, _child) = Spawned::spawn(&mut cmd).unwrap();
        let m = spawned.terminate(Duration::from_secs(10)).unwrap();
        assert_eq!(m.ending, Ending::Signaled(libc::SIGTERM));
        assert!(m.peak_rss > 0);
    }

    #[test]
    fn a_child_past_its_deadline_is_killed() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let m = measure(cmd, Duration::from_millis(200), &AtomicBool::new(false)).unwrap();
        assert_eq!(m.ending, Ending::TimedOut);
        assert!(m.wall < Duration::from_secs(5));
    }

    #[test]
    fn a_stop_request_ends_the_child() {
        let mut cmd = Command::new("sleep");
        cmd.arg("30");
        let m = measure(cmd, Duration::from_secs(20), &AtomicBool::new(true)).unwrap();
        assert_eq!(m.ending, Ending::Interrupted);
        assert!(m.wall < Duration::from_secs(5));
    }
}
