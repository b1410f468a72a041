//! The structured AT transcript: every exchange (command, time-stamped response lines, final
//! result, latency, outcome), every unsolicited line and every note, in order. Only redacted
//! text is ever stored here (the client redacts before recording). Exported as text (for a
//! JUnit `<system-out>`) and as JSON lines.

use std::fmt::Write as _;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::urc::UrcKind;

/// How an exchange ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Still waiting (only seen while the transaction runs).
    Pending,
    /// Final result `OK`.
    Ok,
    /// Another final result (`ERROR`, `+CME ERROR: 528`, ...).
    Error,
    /// The deadline passed without a final result.
    Timeout,
    /// The DUT rebooted and no final result came.
    Rebooted,
    /// Port I/O failed.
    IoError,
}

/// One command and what came back for it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exchange {
    /// The bytes sent, as text (redacted; lossy for raw sends).
    pub command: String,
    /// Sent with the raw escape hatch (no terminator added, not validated).
    pub raw: bool,
    /// The DUT echoed the command.
    pub echoed: bool,
    /// Information lines with their arrival time since the transcript started (redacted).
    pub lines: Vec<(Duration, String)>,
    /// The final result line (`OK`, `+CME ERROR: 528`), if one came.
    pub result: Option<String>,
    /// First byte written to final result read (or to the deadline).
    pub latency: Option<Duration>,
    /// How the exchange ended.
    pub outcome: Outcome,
    /// Some received bytes were not valid UTF-8.
    pub lossy: bool,
}

/// What an entry records.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EntryKind {
    /// A command and its answer.
    Exchange(Exchange),
    /// An unsolicited line.
    Urc {
        /// The line without its ending.
        line: String,
        /// What kind of URC it is.
        class: UrcKind,
    },
    /// A note from the harness (not from the DUT).
    Note {
        /// The note (redacted).
        text: String,
    },
}

/// A time-stamped transcript entry; `at` is the time since the transcript started.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// Time since the transcript started.
    pub at: Duration,
    /// What happened.
    pub kind: EntryKind,
}

/// The transcript of one console session.
#[derive(Debug, Clone)]
pub struct Transcript {
    port: String,
    origin: Instant,
    started: SystemTime,
    entries: Vec<Entry>,
    capacity: usize,
    max_bytes: usize,
    /// Text bytes held (commands and lines), for the byte budget.
    bytes: usize,
    dropped: usize,
}

/// Default text budget of a transcript (a long soak must not grow without bound).
pub const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

fn entry_bytes(e: &Entry) -> usize {
    match &e.kind {
        EntryKind::Exchange(x) => {
            x.command.len() + x.lines.iter().map(|(_, l)| l.len()).sum::<usize>() + 64
        }
        EntryKind::Urc { line, .. } => line.len() + 32,
        EntryKind::Note { text } => text.len() + 32,
    }
}

impl Transcript {
    /// An empty transcript of `port`, keeping at most `capacity` entries and about
    /// [`DEFAULT_MAX_BYTES`] of text (oldest dropped first).
    pub fn new(port: impl Into<String>, capacity: usize) -> Self {
        Self::with_limits(port, capacity, DEFAULT_MAX_BYTES)
    }

    /// [`Transcript::new`] with an explicit text budget.
    pub fn with_limits(port: impl Into<String>, capacity: usize, max_bytes: usize) -> Self {
        Transcript {
            port: port.into(),
            origin: Instant::now(),
            started: SystemTime::now(),
            entries: Vec::new(),
            capacity: capacity.max(1),
            max_bytes,
            bytes: 0,
            dropped: 0,
        }
    }

    /// The serial port the transcript is of.
    pub fn port(&self) -> &str {
        &self.port
    }

    /// The instant the transcript's times count from (its `t=0`), so other recordings — a
    /// supply trace — can share the time axis.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// Time of `t` relative to the transcript's start (`at` of an entry taken at `t`).
    pub fn since(&self, t: Instant) -> Duration {
        t.saturating_duration_since(self.origin)
    }

    /// Wall-clock time of `at == 0`.
    pub fn started(&self) -> SystemTime {
        self.started
    }

    /// The entries kept, oldest first.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entries dropped because the transcript was full (or cleared).
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The exchanges only.
    pub fn exchanges(&self) -> impl Iterator<Item = &Exchange> {
        self.entries.iter().filter_map(|e| match &e.kind {
            EntryKind::Exchange(x) => Some(x),
            _ => None,
        })
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many entries are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Forgets all entries (the clock keeps running).
    pub fn clear(&mut self) {
        self.dropped += self.entries.len();
        self.entries.clear();
        self.bytes = 0;
    }

    /// Appends an entry; returns its sequence number (stable while older entries are dropped).
    pub(crate) fn push(&mut self, at: Duration, kind: EntryKind) -> usize {
        let entry = Entry { at, kind };
        self.bytes += entry_bytes(&entry);
        self.entries.push(entry);
        let seq = self.dropped + self.entries.len() - 1;
        self.evict();
        seq
    }

    /// Drops the oldest entries while over a limit (an eighth at a time, keeping the newest).
    fn evict(&mut self) {
        while self.entries.len() > 1
            && (self.entries.len() > self.capacity || self.bytes > self.max_bytes)
        {
            let n = (self.entries.len() / 8).clamp(1, self.entries.len() - 1);
            let freed: usize = self.entries[..n].iter().map(entry_bytes).sum();
            self.entries.drain(..n);
            self.bytes -= freed;
            self.dropped += n;
        }
    }

    /// The exchange with sequence number `seq`, if it is still held.
    pub(crate) fn exchange_mut(&mut self, seq: usize) -> Option<&mut Exchange> {
        let index = seq.checked_sub(self.dropped)?;
        match self.entries.get_mut(index).map(|e| &mut e.kind) {
            Some(EntryKind::Exchange(x)) => Some(x),
            _ => None,
        }
    }

    /// Adds a response line to the exchange `seq`.
    pub(crate) fn push_line(&mut self, seq: usize, at: Duration, line: String) {
        let len = line.len();
        if let Some(x) = self.exchange_mut(seq) {
            x.lines.push((at, line));
            self.bytes += len;
            self.evict();
        }
    }

    /// Response lines recorded so far for exchange `seq`.
    pub(crate) fn lines_of(&self, seq: usize) -> Vec<String> {
        seq.checked_sub(self.dropped)
            .and_then(|i| self.entries.get(i))
            .map(|e| match &e.kind {
                EntryKind::Exchange(x) => x.lines.iter().map(|(_, l)| l.clone()).collect(),
                _ => Vec::new(),
            })
            .unwrap_or_default()
    }

    /// Human-readable form: one line per event, `>` sent, `<` received, `!` unsolicited,
    /// `#` note; continuation lines of multi-line commands are indented.
    pub fn to_text(&self) -> String {
        self.text_of(&self.entries)
    }

    /// Text of the last `n` entries (a short excerpt for a report).
    pub fn tail_text(&self, n: usize) -> String {
        let from = self.entries.len().saturating_sub(n);
        self.text_of(&self.entries[from..])
    }

    fn text_of(&self, entries: &[Entry]) -> String {
        let mut out = String::new();
        let unix = self
            .started
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let _ = writeln!(
            out,
            "# AT transcript of {} (t=0 at unix time {unix:.3}; key material redacted)",
            self.port
        );
        if self.dropped > 0 {
            let _ = writeln!(out, "# {} older entries dropped", self.dropped);
        }
        for e in entries {
            match &e.kind {
                EntryKind::Exchange(x) => {
                    let mut cmd_lines = x.command.split('\n');
                    let first = cmd_lines.next().unwrap_or_default();
                    let raw = if x.raw { " (raw)" } else { "" };
                    let _ = writeln!(
                        out,
                        "{} > {}{raw}",
                        stamp(e.at),
                        first.trim_end_matches('\r')
                    );
                    for more in cmd_lines {
                        let _ = writeln!(out, "{:>14} | {}", "", more.trim_end_matches('\r'));
                    }
                    for (t, line) in &x.lines {
                        let _ = writeln!(out, "{} < {line}", stamp(*t));
                    }
                    let end = e.at + x.latency.unwrap_or_default();
                    let ms = x.latency.map(|l| l.as_secs_f64() * 1e3).unwrap_or(0.0);
                    match (&x.outcome, &x.result) {
                        (_, Some(result)) => {
                            let _ = writeln!(out, "{} < {result}   [{ms:.3} ms]", stamp(end));
                        }
                        (Outcome::Timeout, None) => {
                            let _ = writeln!(
                                out,
                                "{} x no final result (timeout after {ms:.1} ms)",
                                stamp(end)
                            );
                        }
                        (Outcome::Rebooted, None) => {
                            let _ = writeln!(out, "{} x DUT rebooted mid-command", stamp(end));
                        }
                        (Outcome::IoError, None) => {
                            let _ = writeln!(out, "{} x port I/O error", stamp(end));
                        }
                        _ => {}
                    }
                    if x.lossy {
                        let _ = writeln!(
                            out,
                            "{:>14} # response had invalid UTF-8 (shown lossily)",
                            ""
                        );
                    }
                }
                EntryKind::Urc { line, .. } => {
                    let _ = writeln!(out, "{} ! {line}", stamp(e.at));
                }
                EntryKind::Note { text } => {
                    let _ = writeln!(out, "{} # {text}", stamp(e.at));
                }
            }
        }
        out
    }

    /// JSON lines: a header object (`kind: "transcript"`) then one object per entry with `t`
    /// (seconds since start), `dir` (`tx` for exchanges, `rx` for URCs) and the entry's fields;
    /// exchange latency is in `latency_ms`, response lines are `{t, line}` objects.
    pub fn to_json_lines(&self) -> String {
        let mut out = String::new();
        let unix = self
            .started
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        let header = serde_json::json!({
            "kind": "transcript",
            "port": self.port,
            "unix_time": unix,
            "dropped": self.dropped,
        });
        out.push_str(&header.to_string());
        out.push('\n');
        for e in &self.entries {
            let t = e.at.as_secs_f64();
            let value = match &e.kind {
                EntryKind::Exchange(x) => serde_json::json!({
                    "t": t,
                    "dir": "tx",
                    "kind": "exchange",
                    "command": x.command,
                    "raw": x.raw,
                    "echoed": x.echoed,
                    "response": x.lines.iter().map(|(lt, l)| serde_json::json!({"t": lt.as_secs_f64(), "line": l})).collect::<Vec<_>>(),
                    "result": x.result,
                    "latency_ms": x.latency.map(|l| l.as_secs_f64() * 1e3),
                    "outcome": x.outcome,
                    "lossy": x.lossy,
                }),
                EntryKind::Urc { line, class } => serde_json::json!({
                    "t": t, "dir": "rx", "kind": "urc", "line": line, "class": class,
                }),
                EntryKind::Note { text } => serde_json::json!({
                    "t": t, "kind": "note", "text": text,
                }),
            };
            out.push_str(&value.to_string());
            out.push('\n');
        }
        out
    }
}

fn stamp(t: Duration) -> String {
    format!("[{:>12.6}]", t.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Transcript {
        let mut t = Transcript::new("/dev/ttyACM0", 100);
        let i = t.push(
            Duration::from_millis(10),
            EntryKind::Exchange(Exchange {
                command: "AT%CMNG=1".into(),
                raw: false,
                echoed: false,
                lines: vec![(Duration::from_millis(11), "%CMNG: 1,0,\"AB\"".into())],
                result: None,
                latency: None,
                outcome: Outcome::Pending,
                lossy: false,
            }),
        );
        t.push(
            Duration::from_millis(11),
            EntryKind::Urc {
                line: "%MDMEV: ME BATTERY LOW".into(),
                class: UrcKind::Event,
            },
        );
        let x = t.exchange_mut(i).unwrap();
        x.result = Some("OK".into());
        x.latency = Some(Duration::from_micros(1500));
        x.outcome = Outcome::Ok;
        t.push(
            Duration::from_millis(20),
            EntryKind::Note {
                text: "abandoned line (ESC)".into(),
            },
        );
        t
    }

    #[test]
    fn text_export_reads_in_order() {
        let text = sample().to_text();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[0].starts_with("# AT transcript of /dev/ttyACM0"));
        assert_eq!(lines[1], "[    0.010000] > AT%CMNG=1");
        assert_eq!(lines[2], "[    0.011000] < %CMNG: 1,0,\"AB\"");
        assert_eq!(lines[3], "[    0.011500] < OK   [1.500 ms]");
        assert_eq!(lines[4], "[    0.011000] ! %MDMEV: ME BATTERY LOW");
        assert_eq!(lines[5], "[    0.020000] # abandoned line (ESC)");
    }

    #[test]
    fn json_lines_parse_back() {
        let text = sample().to_json_lines();
        let values: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(values.len(), 4);
        assert_eq!(values[0]["kind"], "transcript");
        assert_eq!(values[1]["kind"], "exchange");
        assert_eq!(values[1]["command"], "AT%CMNG=1");
        assert_eq!(values[1]["result"], "OK");
        assert_eq!(values[1]["outcome"], "ok");
        assert_eq!(values[1]["latency_ms"], 1.5);
        assert_eq!(values[1]["response"][0]["line"], "%CMNG: 1,0,\"AB\"");
        assert_eq!(values[2]["class"], "event");
        assert_eq!(values[3]["kind"], "note");
    }

    #[test]
    fn capacity_drops_oldest() {
        let mut t = Transcript::new("p", 8);
        for i in 0..20 {
            t.push(
                Duration::from_millis(i),
                EntryKind::Note {
                    text: format!("n{i}"),
                },
            );
        }
        assert!(t.len() <= 8);
        assert_eq!(t.dropped() + t.len(), 20);
        assert!(t.to_text().contains("older entries dropped"));
    }

    #[test]
    fn byte_budget_drops_oldest_and_sequence_numbers_stay_valid() {
        let mut t = Transcript::with_limits("p", 1000, 4096);
        let mut last = 0;
        for i in 0..50 {
            last = t.push(
                Duration::from_millis(i),
                EntryKind::Exchange(Exchange {
                    command: "x".repeat(500),
                    raw: false,
                    echoed: false,
                    lines: Vec::new(),
                    result: None,
                    latency: None,
                    outcome: Outcome::Pending,
                    lossy: false,
                }),
            );
        }
        assert!(t.len() < 10, "{}", t.len());
        t.push_line(last, Duration::ZERO, "OK-ish".into());
        assert_eq!(t.lines_of(last), ["OK-ish"]);
        assert!(t.exchange_mut(0).is_none(), "dropped long ago");
    }
}
