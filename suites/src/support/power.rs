//! Current on the AT timeline, for every case on a board whose supply can measure it: the
//! frame starts a current recording (a PPK2's sample stream, or a SCPI supply's `MEAS:CURR?`
//! read in the background) and the supply's voltage trace on the transcript's clock, and after
//! the case attaches `<suite>-<case>-current.csv` and one plot of voltage and current with every
//! AT command, result and URC marked (`<suite>-<case>-timeline.svg`, embedded in the HTML
//! report). Cases measure windows of the recording ([`Ctx::current_window`]).

use std::time::{Duration, Instant};

use hil_at::{EntryKind, Outcome, Transcript};
use hil_power::{
    CurrentRecording, EventKind, RecordOptions, Timeline, TimelineEvent, Trace, WindowStats,
};
use hil_runner::Problem;

use super::Ctx;

/// Label of the timeline attachment (the HTML report shows it first and open).
pub const TIMELINE_LABEL: &str = "power timeline";

/// What the frame records about power while a case runs.
#[derive(Debug, Default)]
pub(crate) struct PowerCapture {
    /// The transcript's t=0, shared by every trace.
    epoch: Option<Instant>,
    /// A current recording is running on the supply.
    recording: bool,
    /// Current recorded so far (pieces taken while the case measured windows).
    current: Option<CurrentRecording>,
    /// The voltage trace, when a bench took it from the supply for its own attachments.
    voltage: Option<Trace>,
    /// Why there is no current trace, when there is none (noted once).
    why_not: Option<String>,
}

/// Appends `more` (a later piece of the same recording) to `into`.
fn append(into: &mut CurrentRecording, more: CurrentRecording) {
    into.trace.buckets.extend(more.trace.buckets);
    if into.trace.source.is_empty() {
        into.trace.source = more.trace.source;
    }
    into.windows.extend(more.windows);
    into.losses.extend(more.losses);
    into.samples += more.samples;
    into.lost_samples += more.lost_samples;
}

impl Ctx<'_> {
    /// Frame: starts the voltage trace and the current recording on the transcript's clock.
    /// A board without a supply, or a supply that cannot measure current, records nothing.
    pub(crate) fn start_power_capture(&mut self) {
        let Ok(epoch) = self.at().map(|at| at.transcript().origin()) else {
            return;
        };
        self.power.epoch = Some(epoch);
        let Ok(Some(supply)) = self.board.power() else {
            return;
        };
        supply.start_trace(epoch);
        let why_not = match supply.recorder() {
            None => Some("the supply cannot measure current".to_owned()),
            Some(rec) => match rec.start_recording(RecordOptions::new(epoch)) {
                Ok(()) => None,
                Err(e) => Some(format!("starting the current recording: {e}")),
            },
        };
        self.power.recording = why_not.is_none();
        self.power.why_not = why_not;
    }

    /// Stops the running recording and keeps what it recorded; restarts it when `again`.
    fn collect_current(&mut self, again: bool) -> Result<(), String> {
        if !self.power.recording {
            return Err(self
                .power
                .why_not
                .clone()
                .unwrap_or_else(|| "no current recording".into()));
        }
        let epoch = self.power.epoch.expect("a recording has an epoch");
        let Ok(Some(supply)) = self.board.power() else {
            self.power.recording = false;
            return Err("the supply is gone".into());
        };
        let Some(rec) = supply.recorder() else {
            self.power.recording = false;
            return Err("the supply no longer records".into());
        };
        let piece = rec.stop_recording().map_err(|e| e.to_string());
        let restarted = if again {
            rec.start_recording(RecordOptions::new(epoch))
                .map_err(|e| e.to_string())
        } else {
            Ok(())
        };
        self.power.recording = again && restarted.is_ok();
        let piece = piece?;
        match &mut self.power.current {
            Some(all) => append(all, piece),
            None => self.power.current = Some(piece),
        }
        restarted
    }

    /// Current statistics between `from` and `to` (instants on the transcript's clock, e.g.
    /// taken when a result line came): mean, extremes and charge over the recording's buckets
    /// that start in the window. Not applicable when the board's supply cannot measure current;
    /// infrastructure when the window holds no reading.
    pub fn current_window(&mut self, from: Instant, to: Instant) -> Result<WindowStats, Problem> {
        self.collect_current(true).map_err(|why| {
            Problem::not_applicable(format!("no current measurement on this board: {why}"))
        })?;
        let epoch = self.power.epoch.expect("a recording has an epoch");
        let (a, b) = (
            hil_power::current::ms_since(epoch, from),
            hil_power::current::ms_since(epoch, to),
        );
        let trace = &self.power.current.as_ref().expect("just collected").trace;
        trace.window(a, b).ok_or_else(|| {
            Problem::infra(format!(
                "no current reading between {a:.0} ms and {b:.0} ms ({} readings in the trace)",
                trace.buckets.len()
            ))
        })
    }

    /// The shortest window in which the board's supply gives `readings` current readings
    /// (a PPK2 fills a 1 ms bucket; a polled SCPI supply reads a few times a second).
    pub fn current_window_for(&mut self, readings: u32) -> Duration {
        let interval = match self.board.spec.supply.as_ref() {
            Some(spec) => hil_power::poll_interval(spec),
            None => Duration::from_millis(1),
        };
        interval.max(Duration::from_millis(1)) * readings.max(1)
    }

    /// Keeps a copy of the voltage trace a bench took from the supply, for the timeline.
    pub fn keep_voltage_trace(&mut self, trace: &Trace) {
        self.power.voltage = Some(trace.clone());
    }

    /// Frame: stops the recording and attaches the current CSV and the timeline plot.
    pub(crate) fn finish_power_capture(&mut self, suite: &str, name: &str) {
        if self.power.epoch.is_none() {
            return;
        }
        let collected = if self.power.recording {
            self.collect_current(false)
        } else {
            Ok(())
        };
        if let Err(why) = collected {
            self.note(format!("current recording: {why}"));
        }
        let voltage = match self.power.voltage.take() {
            Some(v) => Some(v),
            None => self
                .board
                .power()
                .ok()
                .flatten()
                .and_then(|s| s.take_trace()),
        };
        let current = self.power.current.take();
        if voltage.is_none() && current.is_none() {
            return;
        }
        if let Some(rec) = &current {
            self.report_recording(rec);
            self.attach(
                &format!("{suite}-{name}-current.csv"),
                "current trace (CSV)",
                &rec.trace.to_csv(),
            );
        }
        let events = match self.board.console() {
            Ok(at) => events(at.transcript()),
            Err(_) => Vec::new(),
        };
        let title = format!("{suite}::{name} on {}", self.board_name());
        let svg = Timeline {
            title: &title,
            voltage: voltage.as_ref(),
            current: current.as_ref().map(|r| &r.trace),
            events: &events,
        }
        .to_svg();
        self.attach(
            &format!("{suite}-{name}-timeline.svg"),
            TIMELINE_LABEL,
            &svg,
        );
    }

    /// Notes what the recording holds, and any loss (never silent).
    fn report_recording(&mut self, rec: &CurrentRecording) {
        self.property("current readings", rec.samples.to_string());
        if !rec.complete() {
            self.note(format!(
                "current recording lost {} samples in {} gaps",
                rec.lost_samples,
                rec.losses.len()
            ));
        }
    }
}

/// Every command, final result and URC of the transcript as timeline events.
pub fn events(transcript: &Transcript) -> Vec<TimelineEvent> {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut out = Vec::new();
    for entry in transcript.entries() {
        match &entry.kind {
            EntryKind::Exchange(x) => {
                out.push(TimelineEvent {
                    t_ms: ms(entry.at),
                    kind: EventKind::Command,
                    text: x.command.trim_end().to_owned(),
                });
                let end = ms(entry.at + x.latency.unwrap_or_default());
                let (kind, text) = match (&x.outcome, &x.result) {
                    (Outcome::Ok, _) => (EventKind::ResultOk, "OK".to_owned()),
                    (Outcome::Pending, _) => continue,
                    (_, Some(r)) => (EventKind::ResultError, r.clone()),
                    (other, None) => (EventKind::ResultError, format!("{other:?}").to_lowercase()),
                };
                out.push(TimelineEvent {
                    t_ms: end,
                    kind,
                    text,
                });
            }
            EntryKind::Urc { line, .. } => out.push(TimelineEvent {
                t_ms: ms(entry.at),
                kind: EventKind::Urc,
                text: line.clone(),
            }),
            EntryKind::Note { .. } => {}
        }
    }
    out
}
