//! Running the remote script through ssh: the image goes to its stdin (from a thread, so a
//! remote side that stops reading cannot block us), stdout is read line by line as progress,
//! stderr is kept for messages, and ssh is killed when the deadline passes.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Instant;

use super::SshFlashConfig;
use super::command::ssh_command;
use super::outcome::{self, failure};
use crate::error::FlashError;
use crate::progress::FlashEvent;
use crate::remote::{ParsedLine, RemoteFailure, RemoteLine, parse_line};

/// At most this much of stderr is kept.
const STDERR_LIMIT: u64 = 64 * 1024;

/// How a remote run ended.
#[derive(Debug)]
pub(crate) struct RemoteEnd {
    /// ssh's exit status.
    pub status: ExitStatus,
    /// The last `done`/`reset_done`/`failed` line, if any.
    pub last: Option<RemoteLine>,
    /// stderr, and stdout lines that were not the protocol.
    pub stderr: String,
    pub noise: Vec<String>,
}

/// Runs `script` on the exporter host, feeding `stdin`, passing progress events on.
pub(crate) fn run(
    config: &SshFlashConfig,
    script: &str,
    stdin: Option<Vec<u8>>,
    progress: &mut dyn FnMut(&FlashEvent),
) -> Result<RemoteEnd, FlashError> {
    let mut cmd = ssh_command(config, script);
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| {
        let kind = match e.kind() {
            std::io::ErrorKind::NotFound => RemoteFailure::SshMissing,
            _ => RemoteFailure::SshFailed,
        };
        let program = config.ssh_program.display();
        failure(config, kind, format!("cannot start `{program}`: {e}"))
    })?;
    let feeder = feed(&mut child, stdin);
    let stderr = collect_stderr(&mut child);
    let lines = read_lines(&mut child);

    let deadline = Instant::now() + config.deadline;
    let mut last = None;
    let mut noise = Vec::new();
    let mut broken = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) => match parse_line(&line) {
                Ok(ParsedLine::Line(RemoteLine::Flash(event))) => progress(&event),
                Ok(ParsedLine::Line(end)) => last = Some(end),
                Ok(ParsedLine::Noise(text)) if !text.is_empty() => noise.push(text),
                Ok(ParsedLine::Noise(_)) => {}
                Err(e) => {
                    broken.get_or_insert(e);
                }
            },
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                let _ = child.kill();
                let _ = child.wait();
                let secs = config.deadline.as_secs();
                let detail = format!("no result after {secs} s; ssh was stopped");
                return Err(failure(config, RemoteFailure::TimedOut, detail));
            }
        }
    }
    let status = child.wait().map_err(|source| FlashError::Io {
        doing: format!("waiting for ssh to {}", config.login),
        source,
    })?;
    if let Some(feeder) = feeder {
        let _ = feeder.join();
    }
    let stderr = stderr.join().unwrap_or_default();
    if let Some(e) = broken {
        return Err(failure(config, RemoteFailure::Protocol, e));
    }
    let end = RemoteEnd {
        status,
        last,
        stderr,
        noise,
    };
    outcome::check_transport(config, &end)?;
    Ok(end)
}

/// Writes `bytes` to the child's stdin and closes it; a write error (the remote side stopped
/// reading) shows up as the remote side's failure.
fn feed(child: &mut Child, bytes: Option<Vec<u8>>) -> Option<JoinHandle<()>> {
    let mut pipe = child.stdin.take()?;
    let bytes = bytes?;
    Some(std::thread::spawn(move || {
        let _ = pipe.write_all(&bytes);
    }))
}

fn collect_stderr(child: &mut Child) -> JoinHandle<String> {
    let pipe = child.stderr.take();
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.by_ref().take(STDERR_LIMIT).read_to_end(&mut bytes);
            // Keep draining so a chatty remote side never blocks on a full pipe.
            let _ = std::io::copy(&mut pipe, &mut std::io::sink());
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn read_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    if let Some(pipe) = child.stdout.take() {
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
    }
    rx
}
