//! A time-stamped record of set points and measured voltage and current, with times relative
//! to a shared epoch (the same `Instant` the AT transcript uses), exportable as CSV, JSON and a
//! small SVG plot ([`Trace::to_svg`]).

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use serde::{Deserialize, Serialize};

/// What a trace point records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TraceEvent {
    /// A voltage set point was sent.
    Set,
    /// A reading taken while waiting for the output to settle.
    Settle,
    /// A periodic reading (profile dwell, hold).
    Sample,
    /// The output was switched on.
    OutputOn,
    /// The output was switched off.
    OutputOff,
    /// A current limit was sent.
    CurrentLimit,
    /// A marker, e.g. a profile step boundary.
    Note,
}

impl TraceEvent {
    /// The event's name in CSV and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceEvent::Set => "set",
            TraceEvent::Settle => "settle",
            TraceEvent::Sample => "sample",
            TraceEvent::OutputOn => "output-on",
            TraceEvent::OutputOff => "output-off",
            TraceEvent::CurrentLimit => "current-limit",
            TraceEvent::Note => "note",
        }
    }
}

/// One row of a trace.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TracePoint {
    /// Milliseconds since the epoch.
    pub t_ms: f64,
    /// What happened.
    pub event: TraceEvent,
    /// The voltage set point in force at that moment.
    pub set_v: Option<f64>,
    /// Measured output voltage (absent when the instrument cannot measure it, e.g. a PPK2).
    pub meas_v: Option<f64>,
    /// Measured output current.
    pub meas_a: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Free text, e.g. a profile step's label.
    pub note: Option<String>,
}

/// Set and measured values over time for one supply.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Trace {
    /// The supply's label.
    pub supply: String,
    /// The rows, in time order.
    pub points: Vec<TracePoint>,
}

fn opt(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// Quotes a CSV field when it needs it.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

impl Trace {
    /// An empty trace of `supply`.
    pub fn new(supply: impl Into<String>) -> Self {
        Trace {
            supply: supply.into(),
            points: Vec::new(),
        }
    }

    /// `t_ms,event,set_v,meas_v,meas_a,note`, one row per point, empty cells for missing values.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("t_ms,event,set_v,meas_v,meas_a,note\n");
        for p in &self.points {
            let _ = writeln!(
                out,
                "{:.3},{},{},{},{},{}",
                p.t_ms,
                p.event.as_str(),
                opt(p.set_v),
                opt(p.meas_v),
                opt(p.meas_a),
                csv_field(p.note.as_deref().unwrap_or(""))
            );
        }
        out
    }

    /// The trace as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }

    /// Writes [`Trace::to_csv`] to `path`.
    pub fn write_csv(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_csv())
    }

    /// Writes [`Trace::to_json`] to `path`.
    pub fn write_json(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_json())
    }

    /// Writes the trace as an SVG chart to `path`.
    pub fn write_svg(&self, path: impl AsRef<Path>) -> io::Result<()> {
        std::fs::write(path, self.to_svg())
    }

    /// The lowest measured voltage, if any was measured.
    pub fn min_measured_volts(&self) -> Option<f64> {
        self.points.iter().filter_map(|p| p.meas_v).reduce(f64::min)
    }

    /// Time span covered, in milliseconds.
    pub fn span_ms(&self) -> Option<(f64, f64)> {
        let first = self.points.first()?.t_ms;
        let last = self.points.last()?.t_ms;
        Some((first, last))
    }
}
