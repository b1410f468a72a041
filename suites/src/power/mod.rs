//! Power assertions: current measured between AT events on a board whose supply measures it
//! (a PPK2's stream or a polled SCPI supply), checked against the figures of
//! `expectations/power-figures.yaml` for the board's modem firmware — bounds with their source,
//! or OPEN, then only recorded. Not applicable on a board whose supply cannot measure current.
//!
//! - `offline_below_active`: mean draw with `+CFUN=4` (radio off, ref §3) and with `+CFUN=1`;
//!   both within the nRF91's span and offline below active;
//! - `credential_write_charge`: draw and charge of a `%CMNG` write while offline, beyond the
//!   offline baseline;
//! - `pofwarn_draw` (in [`crate::pofwarn`], on its bench): the draw before, during and after a
//!   power-off warning, a characterization.

pub mod figures;
mod window;

use std::sync::Arc;
use std::time::Instant;

use hil_lab::Board;
use hil_model::CredentialType;
use hil_runner::{Case, Problem};

use crate::fixtures;
use crate::support::{CaseResult, Ctx, Findings, boxed, case};
use figures::{Figures, Verdict};

/// Suite name: case ids are `power::<case>`.
pub const SUITE: &str = "power";

/// The suite's cases: the assertions, then the characterization.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    let mut all = vec![
        case(
            SUITE,
            "offline_below_active",
            "mean current with +CFUN=4 (radio off) below that with +CFUN=1, both within the nRF91's ~1 µA–500 mA (figures: expectations/power-figures.yaml)",
            offline_below_active,
        ),
        case(
            SUITE,
            "credential_write_charge",
            "a %CMNG write while offline: mean and peak current within the nRF91's span, its charge beyond the offline baseline recorded (OPEN)",
            credential_write_charge,
        ),
    ];
    all.extend(crate::pofwarn::power_cases());
    boxed(all)
}

/// Holds the state for a measuring window and records it as `what` (for other suites' power
/// cases).
pub(crate) fn measure_held(ctx: &mut Ctx, what: &str) -> Result<hil_power::WindowStats, Problem> {
    window::hold_and_measure(ctx, what)
}

/// The window from `from` (an AT event) until enough readings after it, recorded as `what`.
pub(crate) fn measure_from(
    ctx: &mut Ctx,
    what: &str,
    from: Instant,
) -> Result<hil_power::WindowStats, Problem> {
    window::measure_from(ctx, what, from)
}

/// The case's figures; a broken bundled file is infrastructure (the unit tests catch it first).
fn figures() -> Result<Figures, Problem> {
    Figures::bundled().map_err(Problem::infra)
}

/// `value` against the figure `name` of `case`: recorded, and a deviation when outside.
fn assess(ctx: &mut Ctx, found: &mut Findings, case: &str, name: &str, value: f64) -> CaseResult {
    let figures = figures()?;
    let mfw = ctx.board().mfw().cloned();
    let verdict = match figures.figure(case, mfw.as_ref(), name) {
        Some(f) => f.check(value),
        None => Verdict::Open(format!("no figure `{name}` for this firmware")),
    };
    match verdict {
        Verdict::Within => ctx.observe(name, format!("{value:.4} (within its figure)")),
        Verdict::Open(why) => ctx.observe(name, format!("{value:.4} (characterized: {why})")),
        Verdict::Outside(why) => {
            ctx.observe(name, format!("{value:.4} (outside its figure)"));
            found.deviate(format!("{name} outside its figure"), why);
        }
    }
    Ok(())
}

fn offline_below_active(ctx: &mut Ctx) -> CaseResult {
    const CASE: &str = "power::offline_below_active";
    let mut found = Findings::default();
    ctx.offline()?;
    let offline = window::hold_and_measure(ctx, "+CFUN=4")?;
    ctx.set_cfun(1)?.expect_ok("AT+CFUN=1")?;
    let active = window::hold_and_measure(ctx, "+CFUN=1");
    // Back offline whatever the measurement gave: the next case expects a quiet modem.
    ctx.set_cfun(4)?.expect_ok("AT+CFUN=4")?;
    let active = active?;
    assess(
        ctx,
        &mut found,
        CASE,
        "offline_mean_ma",
        offline.mean_ua / 1000.0,
    )?;
    assess(
        ctx,
        &mut found,
        CASE,
        "active_mean_ma",
        active.mean_ua / 1000.0,
    )?;
    assess(
        ctx,
        &mut found,
        CASE,
        "offline_over_active",
        offline.mean_ua / active.mean_ua.max(f64::MIN_POSITIVE),
    )?;
    found.finish(ctx)
}

fn credential_write_charge(ctx: &mut Ctx) -> CaseResult {
    const CASE: &str = "power::credential_write_charge";
    let mut found = Findings::default();
    ctx.offline()?;
    let baseline = window::hold_and_measure(ctx, "offline baseline")?;
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    let from = Instant::now();
    ctx.cmng_write(tag, CredentialType::ROOT_CA, fixtures::ROOT_CA)?
        .expect_ok("AT%CMNG=0 (root CA)")?;
    // The write's window runs from the command for a full reading window, so a polled
    // supply sees whatever the NVM write drew.
    let write = window::measure_from(ctx, "%CMNG write", from)?;
    assess(
        ctx,
        &mut found,
        CASE,
        "write_mean_ma",
        write.mean_ua / 1000.0,
    )?;
    assess(
        ctx,
        &mut found,
        CASE,
        "write_peak_ma",
        write.max_ua / 1000.0,
    )?;
    let excess = (write.mean_ua - baseline.mean_ua) * write.span_ms / 1000.0;
    assess(ctx, &mut found, CASE, "excess_charge_uc", excess)?;
    found.finish(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_with_figures_exists() {
        let ids: Vec<String> = cases().iter().map(|c| c.id().to_string()).collect();
        for id in Figures::bundled().unwrap().case_ids() {
            assert!(ids.iter().any(|i| i == id), "{id} has figures but no case");
        }
    }
}
