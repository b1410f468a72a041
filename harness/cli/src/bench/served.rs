//! A rack served by a `hil sim` process of its own: the simulated boards run outside the
//! measured `hil run`, so its wall time, peak RSS and CPU time are the harness's alone (the
//! simulator's are measured too, separately). `hil sim --json` prints one line per board once
//! it accepts connections; the rack file names each board's pty and supply like hardware.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use serde::Deserialize;

use super::child::{Measured, Spawned};

/// How long `hil sim` may take to print its boards.
const START_DEADLINE: Duration = Duration::from_secs(120);

/// How long `hil sim` may take to stop after SIGTERM.
const STOP_DEADLINE: Duration = Duration::from_secs(30);

/// What `hil sim --json` says about one board.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServedBoard {
    /// The board's name in the simulator.
    pub name: String,
    /// Its console (a pseudo-terminal).
    pub serial: String,
    /// Its supply, `tcp://127.0.0.1:PORT` (SCPI).
    pub psu: String,
    /// The IMEI it reports.
    pub imei: String,
}

/// A running `hil sim` and the boards it serves.
pub struct ServedRack {
    sim: Spawned,
    /// The boards, in the order `hil sim` printed them.
    pub boards: Vec<ServedBoard>,
}

impl ServedRack {
    /// Starts `exe sim` with `boards` boards on `profile` in realistic timing; its stderr goes
    /// to `log`. Fails (and stops it) when it does not print every board in time.
    pub fn start(exe: &Path, boards: usize, profile: &str, log: &Path) -> anyhow::Result<Self> {
        let mut cmd = Command::new(exe);
        cmd.args(["sim", "--json", "--timing", "realistic"]);
        for _ in 0..boards {
            cmd.args(["--profile", profile]);
        }
        let err = std::fs::File::options()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("creating {}", log.display()))?;
        cmd.env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(err));
        let (sim, mut child) = Spawned::spawn(&mut cmd).context("starting `hil sim`")?;
        let stdout = child.stdout.take().context("the pipe from `hil sim`")?;
        let lines = read_lines(stdout);
        let deadline = Instant::now() + START_DEADLINE;
        let mut served = Vec::with_capacity(boards);
        while served.len() < boards {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = lines.recv_timeout(left) else {
                bail!(
                    "`hil sim` printed {} of {boards} boards within {}s (its log: {})",
                    served.len(),
                    START_DEADLINE.as_secs(),
                    log.display()
                );
            };
            let board: ServedBoard = serde_json::from_str(&line)
                .with_context(|| format!("`hil sim` printed an unexpected line: {line}"))?;
            served.push(board);
        }
        Ok(ServedRack {
            sim,
            boards: served,
        })
    }

    /// Stops `hil sim` (SIGTERM) and measures it over its whole life.
    pub fn stop(self) -> anyhow::Result<Measured> {
        self.sim
            .terminate(STOP_DEADLINE)
            .context("stopping `hil sim`")
    }
}

/// The lines of `out`, read on a thread of their own (so waiting for them has a deadline).
fn read_lines(out: impl std::io::Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
