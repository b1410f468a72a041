//! The AT console client: one checked transaction at a time, URCs demultiplexed into a
//! time-stamped queue, every exchange recorded (redacted) in a [`Transcript`].
//!
//! Reading is synchronous in the caller's thread: each read blocks in the serial port's own
//! `poll` for at most the time left before the transaction's deadline, so there are no polling
//! sleeps and no thread hand-off on the hot path (see the `at_roundtrip` bench). URCs are
//! time-stamped when read; a test that cares about URC timing waits for it
//! ([`AtClient::wait_urc`]), which blocks on the port and so reads it as it arrives.

use std::collections::VecDeque;
use std::io::{self, Write as _};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serialport::SerialPort;

use crate::error::AtError;
use crate::line::{LineSplitter, RxLine};
use crate::redact::{LineRedactor, redact_text};
use crate::response::{Classifier, LineClass, Response};
use crate::transcript::{EntryKind, Exchange, Outcome, Transcript};
use crate::urc::{Urc, UrcKind, classify_unsolicited, default_urc_prefixes};

/// The ESC byte: the firmware drops the partial line it is collecting (firmware.md §4 rule 5).
pub const ESC: u8 = 0x1b;

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Deadline of a transaction when none is given (default 10 s).
    pub timeout: Duration,
    /// Appended to every checked command (default CR, the firmware's and at_host's default).
    pub terminator: Vec<u8>,
    /// Line prefixes treated as URCs (default [`crate::urc::DEFAULT_URC_PREFIXES`]).
    pub urc_prefixes: Vec<String>,
    /// Most URCs kept unclaimed; older ones are dropped (default 1024).
    pub urc_capacity: usize,
    /// Most transcript entries kept; older ones are dropped (default 100 000).
    pub transcript_capacity: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: Duration::from_secs(10),
            terminator: b"\r".to_vec(),
            urc_prefixes: default_urc_prefixes(),
            urc_capacity: 1024,
            transcript_capacity: 100_000,
        }
    }
}

/// An open AT console.
pub struct AtClient {
    port: Box<dyn SerialPort>,
    name: String,
    timeout: Duration,
    terminator: Vec<u8>,
    urc_prefixes: Arc<[String]>,
    urc_capacity: usize,
    transcript_capacity: usize,
    opened: Instant,
    /// When the latest command was written (the port's open time before the first).
    last_sent: Instant,
    buf: Box<[u8]>,
    splitter: LineSplitter,
    lines: VecDeque<RxLine>,
    urcs: VecDeque<Urc>,
    urcs_dropped: usize,
    /// Redacts lines received outside transactions (a late secret read reply spans lines).
    stray_redactor: LineRedactor,
    transcript: Transcript,
}

impl std::fmt::Debug for AtClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AtClient")
            .field("port", &self.name)
            .field("timeout", &self.timeout)
            .field("queued_urcs", &self.urcs.len())
            .finish_non_exhaustive()
    }
}

impl AtClient {
    /// Opens the console at `path` with the default configuration.
    pub fn open(path: impl AsRef<Path>, baud: u32) -> Result<Self, AtError> {
        Self::open_with(path, baud, ClientConfig::default())
    }

    /// Opens the console at `path` with `config`.
    pub fn open_with(
        path: impl AsRef<Path>,
        baud: u32,
        config: ClientConfig,
    ) -> Result<Self, AtError> {
        let path = path.as_ref();
        let port = crate::port::open(path, baud)?;
        Ok(Self::from_port(port, path.display().to_string(), config))
    }

    /// Wraps an already open port (e.g. one end of `serialport::TTYPort::pair()`).
    pub fn from_port(
        port: Box<dyn SerialPort>,
        name: impl Into<String>,
        config: ClientConfig,
    ) -> Self {
        let name = name.into();
        let now = Instant::now();
        let mut transcript = Transcript::new(name.clone(), config.transcript_capacity);
        transcript.push(
            Duration::ZERO,
            EntryKind::Note {
                text: format!("opened {name}"),
            },
        );
        AtClient {
            port,
            timeout: config.timeout,
            terminator: config.terminator,
            urc_prefixes: config.urc_prefixes.into(),
            urc_capacity: config.urc_capacity.max(1),
            transcript_capacity: config.transcript_capacity,
            opened: now,
            last_sent: now,
            buf: vec![0u8; 16 * 1024].into_boxed_slice(),
            splitter: LineSplitter::default(),
            lines: VecDeque::new(),
            urcs: VecDeque::new(),
            urcs_dropped: 0,
            stray_redactor: LineRedactor::default(),
            transcript,
            name,
        }
    }

    /// The port's path (or name).
    pub fn port_name(&self) -> &str {
        &self.name
    }

    /// The default transaction deadline.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sets how long a transaction waits for its final result.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The bytes sent after every command (`\r` by default).
    pub fn terminator(&self) -> &[u8] {
        &self.terminator
    }

    // ---- checked transactions -------------------------------------------------------------

    /// Sends `cmd` (terminator added) and reads to its final result, which must be `OK`
    /// (otherwise [`AtError::Rejected`], carrying the result and lines).
    pub fn command(&mut self, cmd: &str) -> Result<Response, AtError> {
        self.command_timeout(cmd, self.timeout)
    }

    /// [`AtClient::command`] with an explicit deadline.
    pub fn command_timeout(&mut self, cmd: &str, timeout: Duration) -> Result<Response, AtError> {
        self.exchange_timeout(cmd, timeout)?.check()
    }

    /// Sends `cmd` and reads to its final result, whatever it is: `Ok` for `OK`, `ERROR`,
    /// `+CME ERROR: n` and `+CMS ERROR: n` alike; `Err` only when no final result came
    /// (timeout, reboot, I/O).
    pub fn exchange(&mut self, cmd: &str) -> Result<Response, AtError> {
        self.exchange_timeout(cmd, self.timeout)
    }

    /// [`AtClient::exchange`] with an explicit deadline.
    pub fn exchange_timeout(&mut self, cmd: &str, timeout: Duration) -> Result<Response, AtError> {
        validate_command(cmd)?;
        let mut bytes = Vec::with_capacity(cmd.len() + self.terminator.len());
        bytes.extend_from_slice(cmd.as_bytes());
        bytes.extend_from_slice(&self.terminator);
        self.transact(&bytes, cmd, false, timeout)
    }

    // ---- raw escape hatch -----------------------------------------------------------------

    /// Sends `bytes` exactly as given (no terminator, no validation) and reads until a final
    /// result or the deadline. For robustness tests: a command missing its closing quote, a
    /// line over 4096 bytes, stray control bytes. A missing answer is an [`AtError::Timeout`]
    /// carrying the partial output.
    pub fn send_raw(&mut self, bytes: &[u8], timeout: Duration) -> Result<Response, AtError> {
        let text = String::from_utf8_lossy(bytes).into_owned();
        self.transact(bytes, &text, true, timeout)
    }

    /// Writes `bytes` without reading anything (output is picked up by the next call).
    pub fn write_raw(&mut self, bytes: &[u8]) -> Result<(), AtError> {
        let shown = redact_text(&String::from_utf8_lossy(bytes)).into_owned();
        self.note(format!("wrote raw {:?}", shown));
        self.last_sent = Instant::now();
        self.port
            .write_all(bytes)
            .map_err(|e| self.io_error("writing raw bytes", e))
    }

    /// Sends ESC, which makes the firmware drop a partially received line (e.g. one left open
    /// by an unterminated quote). The firmware does not answer it.
    pub fn abandon_line(&mut self) -> Result<(), AtError> {
        self.note("sent ESC (abandon the partial line)".to_string());
        self.port
            .write_all(&[ESC])
            .map_err(|e| self.io_error("sending ESC", e))
    }

    /// Brings the console back to a known state after a timeout: ESC, then `AT` must answer
    /// `OK` within `timeout`; anything else that arrives meanwhile is treated as unsolicited.
    pub fn resync(&mut self, timeout: Duration) -> Result<(), AtError> {
        self.abandon_line()?;
        self.command_timeout("AT", timeout)?;
        self.poll_urcs()?;
        Ok(())
    }

    // ---- URCs -------------------------------------------------------------------------------

    /// Reads whatever the port has without waiting; returns how many URCs are queued.
    pub fn poll_urcs(&mut self) -> Result<usize, AtError> {
        self.drain_available()?;
        Ok(self.urcs.len())
    }

    /// URCs received and not yet taken, oldest first.
    pub fn urcs(&self) -> impl Iterator<Item = &Urc> {
        self.urcs.iter()
    }

    /// Takes all queued URCs (after reading what the port has).
    pub fn take_urcs(&mut self) -> Result<Vec<Urc>, AtError> {
        self.drain_available()?;
        Ok(self.urcs.drain(..).collect())
    }

    /// URCs dropped because nobody took them and the queue was full.
    pub fn urcs_dropped(&self) -> usize {
        self.urcs_dropped
    }

    /// Waits for a URC whose line starts with `prefix` (e.g. `"%MDMEV:"`), queued or new; it is
    /// removed from the queue, others stay.
    pub fn wait_urc(&mut self, prefix: &str, timeout: Duration) -> Result<Urc, AtError> {
        self.wait_urc_where(
            &format!("`{prefix}`"),
            |u| u.line.starts_with(prefix),
            timeout,
        )
    }

    /// Waits for a URC satisfying `pred`; `wanted` describes it in the timeout error.
    pub fn wait_urc_where(
        &mut self,
        wanted: &str,
        mut pred: impl FnMut(&Urc) -> bool,
        timeout: Duration,
    ) -> Result<Urc, AtError> {
        let start = Instant::now();
        let deadline = start + timeout;
        loop {
            self.process_unsolicited();
            if let Some(i) = self.urcs.iter().position(&mut pred) {
                return Ok(self.urcs.remove(i).expect("index from position"));
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(AtError::UrcTimeout {
                    wanted: wanted.to_string(),
                    elapsed: now - start,
                    seen: self
                        .urcs
                        .iter()
                        .map(|u| redact_text(&u.line).into_owned())
                        .collect(),
                });
            }
            self.fill(deadline - now, "waiting for a URC")?;
        }
    }

    /// Waits for the firmware's `READY` banner of the DUT's next boot: one read after the
    /// latest command was sent (or after the port was opened), so a banner left over from an
    /// earlier boot does not count. Use [`AtClient::wait_ready_since`] to choose the instant.
    pub fn wait_ready(&mut self, timeout: Duration) -> Result<Urc, AtError> {
        self.wait_ready_since(self.last_sent, timeout)
    }

    /// Waits for a `READY` banner read at or after `since` (e.g. taken just before a power
    /// cycle or a reset through the probe).
    pub fn wait_ready_since(&mut self, since: Instant, timeout: Duration) -> Result<Urc, AtError> {
        self.wait_urc_where(
            "`READY`",
            |u| u.at >= since && u.line.trim_end() == "READY",
            timeout,
        )
    }

    // ---- transcript -------------------------------------------------------------------------

    /// Everything exchanged on this console so far.
    pub fn transcript(&self) -> &Transcript {
        &self.transcript
    }

    /// Hands over the transcript so far and starts a new one (e.g. one per test case).
    pub fn take_transcript(&mut self) -> Transcript {
        let fresh = Transcript::new(self.name.clone(), self.transcript_capacity);
        std::mem::replace(&mut self.transcript, fresh)
    }

    /// Adds a note (redacted) to the transcript, e.g. what a test is about to do.
    pub fn note(&mut self, text: impl Into<String>) {
        let text = redact_text(&text.into()).into_owned();
        let at = self.transcript.since(Instant::now());
        self.transcript.push(at, EntryKind::Note { text });
    }

    // ---- internals --------------------------------------------------------------------------

    fn transact(
        &mut self,
        bytes: &[u8],
        text: &str,
        raw: bool,
        timeout: Duration,
    ) -> Result<Response, AtError> {
        self.drain_available()?;
        let shown = redact_text(text).into_owned();
        let start = Instant::now();
        let index = self.transcript.push(
            self.transcript.since(start),
            EntryKind::Exchange(Exchange {
                command: shown.clone(),
                raw,
                echoed: false,
                lines: Vec::new(),
                result: None,
                latency: None,
                outcome: Outcome::Pending,
                lossy: false,
            }),
        );
        if let Err(e) = self.port.write_all(bytes) {
            self.finish(index, Outcome::IoError, None, start.elapsed());
            return Err(self.io_error(&format!("sending `{shown}`"), e));
        }
        self.last_sent = start;
        let deadline = start + timeout;
        let prefixes = Arc::clone(&self.urc_prefixes);
        let mut classifier = Classifier::new(text, &prefixes);
        let mut redactor = LineRedactor::default();
        let mut lines = Vec::new();
        let mut raw_text = String::new();
        let mut lossy = false;
        let mut rebooted = false;
        loop {
            while let Some(line) = self.lines.pop_front() {
                lossy |= line.lossy;
                match classifier.classify(&line.text) {
                    LineClass::Blank => {}
                    LineClass::Echo => {
                        if let Some(x) = self.transcript.exchange_mut(index) {
                            x.echoed = true;
                        }
                    }
                    LineClass::Info => {
                        raw_text.push_str(&line.with_ending());
                        if let Some(stored) = redactor.line(&line.text) {
                            let at = self.transcript.since(line.at);
                            self.transcript.push_line(index, at, stored.into_owned());
                        }
                        lines.push(line.text);
                    }
                    LineClass::Unsolicited(kind) => self.push_urc(line, kind),
                    LineClass::Final(result) => {
                        let latency = line.at.saturating_duration_since(start);
                        self.finish(
                            index,
                            if result.is_ok() {
                                Outcome::Ok
                            } else {
                                Outcome::Error
                            },
                            Some(line.text.trim_end().to_string()),
                            latency,
                        );
                        if let Some(x) = self.transcript.exchange_mut(index) {
                            x.lossy = lossy;
                        }
                        return Ok(Response {
                            command: text.to_string(),
                            lines,
                            raw: raw_text,
                            result,
                            latency,
                            lossy,
                            shown,
                        });
                    }
                    LineClass::Reboot => {
                        // The board (re)booted: either it reset mid-command (the answer will
                        // never come) or it finished booting just as the command went out (the
                        // answer follows). Keep waiting; the deadline decides.
                        rebooted = true;
                        self.push_urc(line, UrcKind::Boot);
                    }
                }
            }
            let now = Instant::now();
            if now >= deadline && rebooted {
                let elapsed = now - start;
                self.finish(index, Outcome::Rebooted, None, elapsed);
                self.splitter.clear();
                return Err(AtError::Rebooted {
                    command: shown,
                    elapsed,
                    partial: self.recorded_lines(index),
                });
            }
            if now >= deadline {
                let elapsed = now - start;
                self.finish(index, Outcome::Timeout, None, elapsed);
                // The unterminated line belongs to this command: report it and drop it, so it
                // cannot prefix the next command's first line.
                let pending = String::from_utf8_lossy(self.splitter.pending()).into_owned();
                self.splitter.clear();
                let pending = redactor
                    .line(&pending)
                    .map(|p| p.into_owned())
                    .unwrap_or_else(|| crate::redact::REDACTED.to_string());
                if !pending.is_empty() {
                    self.note(format!("unterminated output at deadline: {pending:?}"));
                }
                return Err(AtError::Timeout {
                    command: shown,
                    elapsed,
                    partial: self.recorded_lines(index),
                    pending,
                });
            }
            if let Err(e) = self.fill(deadline - now, "reading the response") {
                self.finish(index, Outcome::IoError, None, start.elapsed());
                return Err(e);
            }
        }
    }

    fn recorded_lines(&self, index: usize) -> Vec<String> {
        self.transcript.lines_of(index)
    }

    fn finish(
        &mut self,
        index: usize,
        outcome: Outcome,
        result: Option<String>,
        latency: Duration,
    ) {
        if let Some(x) = self.transcript.exchange_mut(index) {
            x.outcome = outcome;
            x.result = result;
            x.latency = Some(latency);
        }
    }

    /// One blocking read of at most `wait`; `Ok(false)` if nothing arrived.
    fn fill(&mut self, wait: Duration, during: &str) -> Result<bool, AtError> {
        let _ = self.port.set_timeout(wait);
        match self.port.read(&mut self.buf) {
            Ok(0) => Err(self.io_error(
                during,
                io::Error::new(io::ErrorKind::UnexpectedEof, "the port was closed"),
            )),
            Ok(n) => {
                let at = Instant::now();
                self.splitter.push(&self.buf[..n], at, &mut self.lines);
                Ok(true)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
                ) =>
            {
                Ok(false)
            }
            Err(e) => Err(self.io_error(during, e)),
        }
    }

    /// Reads everything already waiting, without blocking, and queues it as unsolicited.
    fn drain_available(&mut self) -> Result<(), AtError> {
        while self.port.bytes_to_read().unwrap_or(0) > 0 {
            if !self.fill(Duration::ZERO, "reading unsolicited output")? {
                break;
            }
        }
        self.process_unsolicited();
        Ok(())
    }

    /// Queues complete lines received outside a transaction.
    fn process_unsolicited(&mut self) {
        while let Some(line) = self.lines.pop_front() {
            if let Some(kind) = classify_unsolicited(&line.text, &self.urc_prefixes) {
                self.push_urc(line, kind);
            }
        }
    }

    fn push_urc(&mut self, line: RxLine, kind: UrcKind) {
        let at = self.transcript.since(line.at);
        let mut fresh = LineRedactor::default();
        let redactor = if kind == UrcKind::Stray {
            &mut self.stray_redactor
        } else {
            &mut fresh
        };
        if let Some(stored) = redactor.line(&line.text).map(|s| s.into_owned()) {
            self.transcript.push(
                at,
                EntryKind::Urc {
                    line: stored,
                    class: kind,
                },
            );
        }
        if self.urcs.len() >= self.urc_capacity {
            self.urcs.pop_front();
            self.urcs_dropped += 1;
        }
        self.urcs.push_back(Urc {
            since_open: line.at.saturating_duration_since(self.opened),
            at: line.at,
            kind,
            lossy: line.lossy,
            line: line.text,
        });
    }

    fn io_error(&self, during: &str, source: io::Error) -> AtError {
        AtError::Io {
            path: self.name.clone(),
            during: during.to_string(),
            source,
        }
    }
}

/// Refuses what cannot be a single well-formed command: line breaks or an odd number of `"`
/// (the firmware would wait for the closing quote), ESC/Ctrl-C (the firmware drops the line).
fn validate_command(cmd: &str) -> Result<(), AtError> {
    let shown = || redact_text(cmd).into_owned();
    let mut in_quote = false;
    for b in cmd.bytes() {
        match b {
            b'"' => in_quote = !in_quote,
            b'\r' | b'\n' if !in_quote => {
                return Err(AtError::InvalidRequest(format!(
                    "`{}` contains a line break outside quotes (it would be several commands)",
                    shown()
                )));
            }
            0x1b | 0x03 => {
                return Err(AtError::InvalidRequest(format!(
                    "`{}` contains ESC or Ctrl-C, which make the firmware drop the line",
                    shown()
                )));
            }
            _ => {}
        }
    }
    if in_quote {
        return Err(AtError::InvalidRequest(format!(
            "`{}` has an unterminated quoted string (use send_raw to send it on purpose)",
            shown()
        )));
    }
    if cmd.trim().is_empty() {
        return Err(AtError::InvalidRequest("empty command".into()));
    }
    Ok(())
}
