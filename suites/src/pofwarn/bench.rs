//! The bench every POFWARN case works on: the case context plus the supply trace and what the
//! case changed. [`run`] records the supply trace from the transcript's t=0, attaches it (CSV
//! and SVG) whatever the outcome, and power-cycles a board the case left changed.
//!
//! The bench's jobs live in their own files: stepping and measuring the supply
//! ([`super::supply`]), the warning and its URCs ([`super::warning`]), `%CMNG` probes with
//! read-back ([`super::probe`]). Outcomes are decided from the console and the supply only —
//! what a hardware rack offers. Every wait is on a measurement, a line or a URC, with a
//! deadline; nothing sleeps.

use std::ops::{Deref, DerefMut};
use std::time::Duration;

use hil_power::Trace;

use crate::support::{CaseResult, Ctx};

/// A case's view of the DUT for the POFWARN suite: the context ([`Ctx`], through `Deref`)
/// and whether the case changed the board.
pub(super) struct Bench<'c, 'a> {
    ctx: &'c mut Ctx<'a>,
    /// The case changed something (supply, warning, mode) that only a power cycle undoes for
    /// certain; cleared by a power cycle at the nominal supply.
    pub(super) dirty: bool,
}

impl<'a> Deref for Bench<'_, 'a> {
    type Target = Ctx<'a>;
    fn deref(&self) -> &Ctx<'a> {
        self.ctx
    }
}

impl<'a> DerefMut for Bench<'_, 'a> {
    fn deref_mut(&mut self) -> &mut Ctx<'a> {
        self.ctx
    }
}

/// Runs `body` on a bench: not applicable without a supply; the supply trace is recorded from
/// the transcript's t=0 and attached as `pofwarn-<stem>-supply.{csv,svg}` whatever the
/// outcome; a board the body left changed is power-cycled at its nominal voltage, which brings
/// the warning back to its boot default — off on nRF9160, on at 3000 mV on nRF91x1 (ref §4.1
/// [D7]) — as the case found it.
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
    let trace = bench.supply().ok().and_then(|s| s.take_trace());
    if let Some(trace) = trace {
        attach_trace(&mut bench, stem, &trace);
        bench.keep_voltage_trace(&trace);
    }
    match (result, restored) {
        (Err(problem), Err(also)) => {
            bench.note(format!("restoring the board afterwards failed too: {also}"));
            Err(problem)
        }
        (Err(problem), Ok(())) => Err(problem),
        (Ok(()), restored) => restored,
    }
}

impl Bench<'_, '_> {
    /// [`Ctx::power_cycle`], then a supply reading for the trace; the board is back at its
    /// boot state.
    pub fn power_cycle(&mut self, why: &str) -> CaseResult {
        let nominal = self.nominal_volts();
        self.power_cycle_at(nominal, why)
    }

    /// [`Ctx::power_cycle_at`], then a supply reading for the trace. The board counts as
    /// changed unless `volts` is its nominal voltage.
    pub fn power_cycle_at(&mut self, volts: f64, why: &str) -> CaseResult {
        self.ctx.power_cycle_at(volts, why)?;
        self.sample()?;
        self.dirty = (volts - self.nominal_volts()).abs() > 1e-9;
        Ok(())
    }
}

/// The supply trace, attached as CSV and as a plot.
fn attach_trace(ctx: &mut Ctx, stem: &str, trace: &Trace) {
    ctx.attach(
        &format!("pofwarn-{stem}-supply.csv"),
        "supply trace (CSV)",
        &trace.to_csv(),
    );
    ctx.attach(
        &format!("pofwarn-{stem}-supply.svg"),
        "supply trace",
        &trace.to_svg(),
    );
}

/// Milliseconds with a fraction, for observations.
pub(super) fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}
