//! Measured windows for the power cases: hold the modem in a state for long enough that the
//! board's supply takes several current readings, then the statistics of that stretch, as
//! observations in mA and µC.

use std::time::Instant;

use hil_power::WindowStats;
use hil_runner::Problem;

use crate::support::Ctx;

/// Readings a window must span (at a polled supply's rate; a PPK2 has thousands).
pub const READINGS: u32 = 8;

/// Holds the current state for a window of [`READINGS`] readings and measures it. The hold is
/// the measurement's integration time, not a wait for an event.
pub fn hold_and_measure(ctx: &mut Ctx, what: &str) -> Result<WindowStats, Problem> {
    let span = ctx.current_window_for(READINGS);
    let from = Instant::now();
    std::thread::sleep(span);
    let to = Instant::now();
    measure(ctx, what, from, to)
}

/// The window from `from` (an AT event already past) until [`READINGS`] readings after it,
/// holding the state as long as needed.
pub fn measure_from(ctx: &mut Ctx, what: &str, from: Instant) -> Result<WindowStats, Problem> {
    let to = from + ctx.current_window_for(READINGS);
    if let Some(left) = to.checked_duration_since(Instant::now()) {
        std::thread::sleep(left);
    }
    measure(ctx, what, from, to.max(Instant::now()))
}

/// The window between `from` and `to`, recorded as `<what>: mean/peak current, charge`.
pub fn measure(
    ctx: &mut Ctx,
    what: &str,
    from: Instant,
    to: Instant,
) -> Result<WindowStats, Problem> {
    let stats = ctx.current_window(from, to)?;
    ctx.observe(
        format!("{what}: current"),
        format!(
            "mean {:.3} mA, peak {:.3} mA, charge {:.1} µC over {:.0} ms ({} readings)",
            stats.mean_ua / 1000.0,
            stats.max_ua / 1000.0,
            stats.charge_uc,
            stats.span_ms,
            stats.samples
        ),
    );
    Ok(stats)
}
