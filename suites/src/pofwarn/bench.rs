//! The bench every POFWARN case works on: the supply stepped and measured, the console
//! subscribed and armed, `%CMNG` probes with read-back, a reset or power cycle back to a known
//! state, and the supply trace written next to the report.
//!
//! Outcomes are decided from the console and the supply only — what a hardware rack offers.
//! Every wait is on a measurement, a line or a URC, with a deadline; nothing sleeps.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hil_at::commands::cmng::{CmngFilter, parse_list_line, write_command};
use hil_at::commands::xpofwarn::enable_command;
use hil_at::{AtClient, AtError, FinalResult, Urc};
use hil_model::CredentialType;
use hil_power::{PowerError, ReadingOrigin, Trace};
use hil_runner::{CaseLog, Problem};

use crate::support::{CaseResult, Ctx, at_problem, ok};

/// Deadline for each warning URC once the supply has been stepped across the threshold. The
/// nRF91x1 doc says the warning has no delay (ref §4.1 [D7]); the deadline only bounds a miss.
pub(super) const URC_DEADLINE: Duration = Duration::from_secs(2);
/// How long a sweep step waits for the warning before the next step. A deadline, not a sleep:
/// the URC ends the wait when it comes.
pub(super) const STEP_DWELL: Duration = Duration::from_millis(60);
/// Voltage step of the sweeps.
pub(super) const STEP_VOLTS: f64 = 0.020;
/// How far above and below a threshold the threshold cases put the supply (clear of the
/// supply's settle tolerance, so the measured side of the threshold is certain).
pub(super) const MARGIN_VOLTS: f64 = 0.100;
/// How long the firmware may take to print `READY` after a reset or power cycle.
pub(super) const BOOT_DEADLINE: Duration = Duration::from_secs(10);

/// The two URCs of the warning (ref §4.2 [D6]).
pub(super) const CGEV_LOW: &str = "+CGEV: ME BATTERY LOW";
pub(super) const MDMEV_LOW: &str = "%MDMEV: ME BATTERY LOW";

/// Signature of a write answered `OK` during a warning and not stored: MFW 1.3.0/1.3.1, which
/// have no 528 (ref §4.3 [C5], §8).
pub(super) const SILENT_DROP: &str = "no 528; write silently dropped";
/// Signature of a write answered `OK` during a warning and stored.
pub(super) const WRITE_PERSISTED: &str = "no 528; write persisted during the warning";

/// The 528 code (ref §2.1 [D1][D2]).
pub(super) const CME_528: FinalResult = FinalResult::CmeError(528);

/// Millivolts as volts.
pub(super) fn volts(mv: u16) -> f64 {
    f64::from(mv) / 1000.0
}

/// Whether a line is one of the warning's URCs.
pub(super) fn is_battery_low(line: &str) -> bool {
    let line = line.trim_end();
    line == CGEV_LOW || line == MDMEV_LOW
}

/// Milliseconds with a fraction, for observations.
pub(super) fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// A supply problem: the bench, not the modem.
fn power(what: &str, e: PowerError) -> Problem {
    Problem::infra(format!("supply: {what}: {e}"))
}

/// What a `%CMNG` write followed by a list read-back showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Probe {
    /// Answered `OK` and listed afterwards.
    Stored,
    /// Answered with this final result (528 while the warning blocks, ref §4.3 [D1][D2]).
    Refused(FinalResult),
    /// Answered `OK` and not listed afterwards (ref §4.3 [C5]: "appear to finish").
    Dropped,
    /// Answered `OK`, but the read-back list was refused with this (ref §4.3: whether the
    /// warning blocks reads is OPEN).
    Unverified(FinalResult),
}

impl Probe {
    pub fn label(&self) -> String {
        match self {
            Probe::Stored => "OK, stored".to_string(),
            Probe::Refused(r) => r.to_string(),
            Probe::Dropped => "OK, not stored (silently dropped)".to_string(),
            Probe::Unverified(r) => format!("OK, read-back list refused with {r}"),
        }
    }
}

/// A warning found by stepping the supply down.
#[derive(Debug, Clone)]
pub(super) struct Trip {
    /// Set point of the step on which the warning came.
    pub set: f64,
    /// Volts at the DUT on that step (measured, or the set point when the supply cannot measure).
    pub volts: f64,
    /// Volts of the step before, where the warning had not come (the trip lies in between).
    pub above: Option<f64>,
    /// When the first warning URC was read.
    pub at: Instant,
    /// From that step's set command to the URC.
    pub latency: Duration,
    pub line: String,
}

/// Deviations seen by a case, first one first: the first is the case's result, the others are
/// kept as notes (so a 1.3.1 board reports its silent drop even after another difference).
#[derive(Debug, Default)]
pub(super) struct Findings {
    first: Option<Problem>,
    more: Vec<String>,
}

impl Findings {
    pub fn deviate(&mut self, signature: impl Into<String>, detail: impl Into<String>) {
        let (signature, detail) = (signature.into(), detail.into());
        if self.first.is_none() {
            self.first = Some(Problem::deviation(signature, detail));
        } else {
            self.more.push(format!("{signature}: {detail}"));
        }
    }

    /// The first deviation as the result; every deviation also goes into the log's notes, so
    /// its detail shows in reports when the outcome is an expected failure (which keeps only
    /// the signature and the expectation's reason).
    pub fn finish(self, log: &mut CaseLog) -> CaseResult {
        if let Some(Problem::Deviation { signature, detail }) = &self.first {
            log.note(format!("deviation {signature}: {detail}"));
        }
        for more in self.more {
            log.note(format!("also seen: {more}"));
        }
        self.first.map_or(Ok(()), Err)
    }
}

/// A case's view of the DUT for the POFWARN suite.
pub(super) struct Bench<'c, 'a> {
    pub ctx: &'c mut Ctx<'a>,
    /// The case changed something (supply, warning, mode) that only a power cycle undoes for
    /// certain; cleared by a power cycle at the nominal supply.
    dirty: bool,
}

/// Runs `body` on a bench: not applicable without a supply; the supply trace is recorded from
/// the board's epoch and attached (CSV and SVG) whatever the outcome; a board the body left
/// changed is power-cycled at its nominal voltage, which brings the warning back to its boot
/// default — off on nRF9160, on at 3000 mV on nRF91x1 (ref §4.1 [D7]) — as the case found it.
pub(super) fn run(
    ctx: &mut Ctx<'_>,
    stem: &str,
    body: impl FnOnce(&mut Bench<'_, '_>) -> CaseResult,
) -> CaseResult {
    // The trace shares the case transcript's t=0, so set points and measurements line up
    // with the AT exchanges and URCs around them.
    let epoch = ctx.at()?.transcript().origin();
    ctx.supply()?.start_trace(epoch);
    let mut bench = Bench { ctx, dirty: false };
    let result = body(&mut bench);
    let restored = if bench.dirty {
        bench.power_cycle("restore the board")
    } else {
        Ok(())
    };
    let trace = bench.ctx.supply().ok().and_then(|s| s.take_trace());
    if let Some(trace) = trace {
        bench.attach_trace(stem, &trace);
    }
    match (result, restored) {
        (Err(problem), Err(also)) => {
            bench
                .ctx
                .log
                .note(format!("restoring the board afterwards failed too: {also}"));
            Err(problem)
        }
        (Err(problem), Ok(())) => Err(problem),
        (Ok(()), restored) => restored,
    }
}

impl Bench<'_, '_> {
    pub fn at(&mut self) -> Result<&mut AtClient, Problem> {
        self.ctx.at()
    }

    pub fn nominal(&self) -> f64 {
        self.ctx.board.nominal_volts
    }

    pub fn observe(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.ctx.observe(key, value);
    }

    /// A marker in both the AT transcript and the supply trace.
    pub fn mark(&mut self, text: impl Into<String>) {
        let text = text.into();
        if let Ok(at) = self.ctx.at() {
            at.note(text.clone());
        }
        if let Ok(supply) = self.ctx.supply() {
            supply.note(text);
        }
    }

    // ---- supply ---------------------------------------------------------------------------

    /// Sets the supply and waits until its output settles there; returns the volts at the DUT.
    pub fn set_volts(&mut self, volts: f64) -> Result<f64, Problem> {
        self.dirty = true;
        self.ctx
            .supply()?
            .set_voltage(volts)
            .map_err(|e| power(&format!("set {volts:.3} V"), e))?;
        self.sample()
    }

    /// Sends a set point without waiting (a step across a threshold, timed from here).
    pub fn command_volts(&mut self, volts: f64) -> Result<Instant, Problem> {
        self.dirty = true;
        let supply = self.ctx.supply()?;
        let sent = Instant::now();
        supply
            .command_voltage(volts)
            .map_err(|e| power(&format!("set {volts:.3} V"), e))?;
        Ok(sent)
    }

    /// Waits until the output reaches the last set point, then measures it.
    pub fn settle(&mut self) -> Result<f64, Problem> {
        self.ctx
            .supply()?
            .wait_settled()
            .map_err(|e| power("settle", e))?;
        self.sample()
    }

    /// One recorded reading: the measured output, or the set point on an instrument that
    /// cannot measure (noted: then nothing about the DUT's voltage was verified).
    fn sample(&mut self) -> Result<f64, Problem> {
        let (reading, _) = self
            .ctx
            .supply()?
            .sample()
            .map_err(|e| power("measure", e))?;
        if reading.origin != ReadingOrigin::Measured {
            self.ctx.observe(
                "supply readback",
                "none: volts are set points, not measurements",
            );
        }
        Ok(reading.value)
    }

    /// Power cycle at the nominal voltage.
    pub fn power_cycle(&mut self, why: &str) -> CaseResult {
        let nominal = self.nominal();
        self.power_cycle_at(nominal, why)
    }

    /// Output off (until it measures off), set `volts`, output on (until it settles), then the
    /// firmware's `READY` and an answered `AT`. Volatile modem state is gone afterwards: CFUN 0,
    /// CMEE 0, no subscriptions, the warning at its boot default (ref §4.1).
    pub fn power_cycle_at(&mut self, volts: f64, why: &str) -> CaseResult {
        self.mark(format!(
            "power cycle ({why}): output off, back on at {volts:.3} V"
        ));
        // URCs already queued belong to the previous boot: they must not pass for this one's.
        self.at()?.take_urcs().map_err(at_problem)?;
        let since = hil_lab::recover::power_cycle(self.ctx.supply()?, volts)
            .map_err(|e| power(&format!("power cycle to {volts:.3} V"), e))?;
        self.sample()?;
        self.wait_boot_since(since, &format!("the power cycle ({why})"))?;
        self.dirty = (volts - self.nominal()).abs() > 1e-9;
        Ok(())
    }

    /// `AT#XRESET`: the firmware-under-test resets the SoC, modem included; then `READY`.
    pub fn reset(&mut self) -> CaseResult {
        self.mark("reset (AT#XRESET)");
        ok(self.at()?.command("AT#XRESET"), "AT#XRESET")?;
        self.wait_boot("AT#XRESET")
    }

    fn wait_boot(&mut self, after: &str) -> CaseResult {
        let at = self.at()?;
        at.wait_ready(BOOT_DEADLINE)
            .map_err(|e| Problem::infra(format!("no READY banner after {after}: {e}")))?;
        at.command("AT")
            .map_err(|e| Problem::infra(format!("no answer to AT after {after}: {e}")))?;
        Ok(())
    }

    /// [`Bench::wait_boot`] counting only a banner read after `since`.
    fn wait_boot_since(&mut self, since: std::time::Instant, after: &str) -> CaseResult {
        let at = self.at()?;
        at.wait_ready_since(since, BOOT_DEADLINE)
            .map_err(|e| Problem::infra(format!("no READY banner after {after}: {e}")))?;
        at.command("AT")
            .map_err(|e| Problem::infra(format!("no answer to AT after {after}: {e}")))?;
        Ok(())
    }

    // ---- warning --------------------------------------------------------------------------

    /// `AT+CGEREP=1` and `AT%MDMEV=1`: the warning's two URCs (ref §4.2 [D6]).
    pub fn subscribe(&mut self) -> CaseResult {
        let at = self.at()?;
        ok(at.command("AT+CGEREP=1"), "AT+CGEREP=1")?;
        ok(at.command("AT%MDMEV=1"), "AT%MDMEV=1")?;
        Ok(())
    }

    /// `AT%XPOFWARN=1,<30..33>` (ref §4.1 [D6]).
    pub fn arm(&mut self, threshold_mv: u16) -> CaseResult {
        self.dirty = true;
        let cmd = enable_command(threshold_mv).map_err(|e| Problem::infra(e.to_string()))?;
        ok(self.at()?.command(&cmd), &cmd)?;
        Ok(())
    }

    /// The next URC starting with `prefix` within `deadline`; `None` when none came.
    pub fn wait_urc(&mut self, prefix: &str, deadline: Duration) -> Result<Option<Urc>, Problem> {
        match self.at()?.wait_urc(prefix, deadline) {
            Ok(urc) => Ok(Some(urc)),
            Err(AtError::UrcTimeout { .. }) => Ok(None),
            Err(e) => Err(at_problem(e)),
        }
    }

    /// Either warning URC within `deadline`; the other one of the pair is left queued.
    pub fn wait_warning(&mut self, deadline: Duration) -> Result<Option<Urc>, Problem> {
        let wanted = format!("`{CGEV_LOW}` or `{MDMEV_LOW}`");
        match self
            .at()?
            .wait_urc_where(&wanted, |u| is_battery_low(&u.line), deadline)
        {
            Ok(urc) => Ok(Some(urc)),
            Err(AtError::UrcTimeout { .. }) => Ok(None),
            Err(e) => Err(at_problem(e)),
        }
    }

    /// The warning URCs received so far (other URCs are dropped: the transcript keeps them).
    pub fn take_warnings(&mut self) -> Result<Vec<Urc>, Problem> {
        let urcs = self.at()?.take_urcs().map_err(at_problem)?;
        Ok(urcs
            .into_iter()
            .filter(|u| is_battery_low(&u.line))
            .collect())
    }

    /// Steps the supply down from `start` to `stop` (inclusive) by [`STEP_VOLTS`], waiting up
    /// to [`STEP_DWELL`] after each step for a warning URC.
    pub fn step_down_until_warning(
        &mut self,
        start: f64,
        stop: f64,
    ) -> Result<Option<Trip>, Problem> {
        let mut above = None;
        let mut set = start;
        while set >= stop - 1e-9 {
            let sent = Instant::now();
            let volts = self.set_volts(set)?;
            if let Some(urc) = self.wait_warning(STEP_DWELL)? {
                return Ok(Some(Trip {
                    set,
                    volts,
                    above,
                    at: urc.at,
                    latency: urc.at.saturating_duration_since(sent),
                    line: urc.line,
                }));
            }
            above = Some(volts);
            set -= STEP_VOLTS;
        }
        Ok(None)
    }

    // ---- credentials ----------------------------------------------------------------------

    /// Sends `cmd` and returns its final result, whatever it is.
    pub fn final_result(&mut self, cmd: &str) -> Result<FinalResult, Problem> {
        Ok(self.at()?.exchange(cmd).map_err(at_problem)?.result)
    }

    /// `AT%CMNG=0,<tag>,<type>,"<content>"` → its final result.
    pub fn write(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &str,
    ) -> Result<FinalResult, Problem> {
        let cmd = write_command(tag, kind, content, None)
            .map_err(|e| Problem::infra(format!("building the write: {e}")))?;
        self.final_result(&cmd)
    }

    /// `AT%CMNG=3,<tag>,<type>` → its final result.
    pub fn delete(&mut self, tag: u32, kind: CredentialType) -> Result<FinalResult, Problem> {
        self.final_result(&format!("AT%CMNG=3,{tag},{}", kind.0))
    }

    /// The digest listed for `(tag, type)`: `Ok(Some(sha))` when stored, `Ok(None)` when not,
    /// `Err(result)` when the list itself was refused.
    pub fn listed(
        &mut self,
        tag: u32,
        kind: CredentialType,
    ) -> Result<Result<Option<String>, FinalResult>, Problem> {
        let response = self
            .at()?
            .exchange(&CmngFilter::TagType(tag, kind).command())
            .map_err(at_problem)?;
        if !response.is_ok() {
            return Ok(Err(response.result));
        }
        for line in response.lines.iter().filter(|l| !l.trim().is_empty()) {
            let entry = parse_list_line(line).map_err(|why| {
                Problem::deviation("malformed %CMNG list line", format!("`{line}`: {why}"))
            })?;
            if entry.tag == tag && entry.kind == kind {
                return Ok(Ok(Some(entry.sha256)));
            }
        }
        Ok(Ok(None))
    }

    /// Like [`Bench::listed`], for a read-back at the nominal supply, where a refused list is
    /// a deviation of its own.
    pub fn digest(&mut self, tag: u32, kind: CredentialType) -> Result<Option<String>, Problem> {
        self.listed(tag, kind)?.map_err(|r| {
            Problem::deviation(
                r.to_string(),
                format!(
                    "list of sec_tag {tag} type {} at the nominal supply",
                    kind.0
                ),
            )
        })
    }

    /// A write of `content` to an absent `(tag, type)`, then a list read-back (ref §4.3 [C5]:
    /// read back after any write near the threshold).
    pub fn probe(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &str,
    ) -> Result<Probe, Problem> {
        match self.write(tag, kind, content)? {
            FinalResult::Ok => Ok(match self.listed(tag, kind)? {
                Ok(Some(_)) => Probe::Stored,
                Ok(None) => Probe::Dropped,
                Err(r) => Probe::Unverified(r),
            }),
            other => Ok(Probe::Refused(other)),
        }
    }

    // ---- attachments ----------------------------------------------------------------------

    /// The board's artifacts directory, created; `None` (noted) when the board keeps none.
    fn artifacts(&mut self) -> Option<PathBuf> {
        let Some(dir) = self.ctx.board.artifacts.clone() else {
            self.ctx
                .log
                .note("the board has no artifacts directory: attachments not written");
            return None;
        };
        match std::fs::create_dir_all(&dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                self.ctx
                    .log
                    .note(format!("creating {}: {e}", dir.display()));
                None
            }
        }
    }

    /// Writes `contents` to `file_name` in the artifacts directory and attaches it.
    pub fn attach(&mut self, file_name: &str, label: &str, contents: &str) {
        let Some(dir) = self.artifacts() else { return };
        let path = dir.join(file_name);
        match std::fs::write(&path, contents) {
            Ok(()) => self.ctx.log.attach(label, path),
            Err(e) => self
                .ctx
                .log
                .note(format!("writing {}: {e}", path.display())),
        }
    }

    fn attach_trace(&mut self, stem: &str, trace: &Trace) {
        self.attach(
            &format!("pofwarn-{stem}-supply.csv"),
            "supply trace (CSV)",
            &trace.to_csv(),
        );
        self.attach(
            &format!("pofwarn-{stem}-supply.svg"),
            "supply trace",
            &trace.to_svg(),
        );
    }
}
