//! Who holds a lease: written into the locked file when the lease is taken, so that a command
//! finding a board leased can say whom it waits for. The lock, not this record, is the lease:
//! a record left behind by a killed holder means nothing once its lock is gone.

use std::fmt;

use chrono::{SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// The process holding a lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// What holds it, e.g. `hil run` or `hil psu`.
    pub program: String,
    /// Its process id.
    pub pid: u32,
    /// The host it runs on.
    pub host: String,
    /// When it started, RFC 3339 in UTC.
    pub started: String,
    /// The run it belongs to (`HIL_RUN_ID`, e.g. a CI job), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
}

impl Holder {
    /// This process, started now, on this host.
    pub fn this_process(program: impl Into<String>, run_id: Option<String>) -> Holder {
        Holder {
            program: program.into(),
            pid: std::process::id(),
            host: host_name(),
            started: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            run_id,
        }
    }

    /// With the host named `host` (the app layer's fallback when the kernel does not say).
    pub fn with_host(mut self, host: impl Into<String>) -> Holder {
        self.host = host.into();
        self
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` (pid {} on {}, since {}",
            self.program, self.pid, self.host, self.started
        )?;
        if let Some(run) = &self.run_id {
            write!(f, ", run {run}")?;
        }
        f.write_str(")")
    }
}

/// What a lock file says: the holder, and what it calls the hardware.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockRecord {
    /// The process holding the lease.
    pub holder: Holder,
    /// What the holder calls this hardware: ``board `dk-1` `` (several, comma-separated, when
    /// boards share it), or the hardware itself for an ad hoc command.
    pub board: String,
    /// The hardware, e.g. `port /dev/pts/3`.
    pub hardware: String,
}

impl fmt::Display for LockRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.board == self.hardware {
            write!(f, "{}", self.holder)
        } else {
            write!(f, "{} as its {}", self.holder, self.board)
        }
    }
}

/// The kernel's host name, else `localhost`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_holder_names_program_pid_host_start_and_run() {
        let h = Holder {
            program: "hil run".into(),
            pid: 42,
            host: "rack-7".into(),
            started: "2025-01-02T03:04:05Z".into(),
            run_id: Some("nightly-9".into()),
        };
        assert_eq!(
            h.to_string(),
            "`hil run` (pid 42 on rack-7, since 2025-01-02T03:04:05Z, run nightly-9)"
        );
        let without = Holder { run_id: None, ..h };
        assert!(!without.to_string().contains("run "));
    }

    #[test]
    fn this_process_is_this_pid() {
        let h = Holder::this_process("hil psu", None);
        assert_eq!(h.pid, std::process::id());
        assert!(h.started.ends_with('Z'), "{}", h.started);
        assert!(!h.host.is_empty());
    }
}
