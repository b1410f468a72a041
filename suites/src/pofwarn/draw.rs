//! `power::pofwarn_draw`: the modem's current before, around and during a power-off warning and
//! after the supply recovers — a characterization (no figure in the reference, instruments §6;
//! the warning itself: ref §4). Runs on the POFWARN bench (supply trace, power cycle after).

use hil_lab::Board;
use hil_runner::FnCase;

use super::bench::{self, Bench};
use super::supply::MARGIN_VOLTS;
use super::warning::URC_DEADLINE;
use crate::power::SUITE;
use crate::support::{CaseResult, deviation};

/// The threshold armed, mV (the lowest `%XPOFWARN` level, ref §4.1 [D6]).
const THRESHOLD_MV: u16 = 3000;

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![crate::support::case(
        SUITE,
        "pofwarn_draw",
        "characterizes the draw (mean, peak, charge) with the radio on, around the warning at 3.0 V, during it and after the supply recovers (OPEN)",
        |ctx| bench::run(ctx, "pofwarn_draw", draw),
    )]
}

fn draw(b: &mut Bench<'_, '_>) -> CaseResult {
    b.subscribe()?;
    b.arm(THRESHOLD_MV)?;
    b.set_cfun(1)?.expect_ok("AT+CFUN=1")?;
    crate::power::measure_held(b, "radio on, before")?;
    let below = f64::from(THRESHOLD_MV) / 1000.0 - MARGIN_VOLTS;
    let sent = b.command_volts(below)?;
    b.settle_below(below, f64::from(THRESHOLD_MV) / 1000.0)?;
    let Some(_urc) = b.wait_warning(URC_DEADLINE)? else {
        return Err(deviation(
            "no warning URC",
            format!("no +CGEV/%MDMEV ME BATTERY LOW within {URC_DEADLINE:?} at {below:.3} V"),
        ));
    };
    crate::power::measure_from(b, "from the step to below the threshold", sent)?;
    crate::power::measure_held(b, "during the warning")?;
    let nominal = b.nominal_volts();
    b.set_volts(nominal)?;
    crate::power::measure_held(b, "supply recovered")?;
    Ok(())
}
