//! The threshold sweep: for each `%XPOFWARN` threshold, the supply stepped down 20 mV at a time
//! from 80 mV above it until the warning comes (at most 160 mV below it); the trip voltage is
//! recorded per threshold and plotted (set point and measured voltage over time, thresholds
//! dashed, trip points marked) as an SVG the HTML report embeds.
//!
//! The warning fires when VDD drops below the threshold (ref §4.1 [D6][D7], §4.2 [D8]), so
//! each trip must lie in the window; where in it is the board's measurement (supply sense
//! point, lead drop, the modem's comparator — instruments §1.4). Each threshold starts from a
//! power cycle, so one-shot re-arming (nRF91x1, ref §4.1 [D7]) and whatever latches the
//! warning (ref §4.4, OPEN) cannot carry over from the previous threshold.

use std::time::Instant;

use hil_lab::Board;
use hil_power::{Level, Marker, PlotOptions, Trace};
use hil_runner::{FnCase, Problem};

use super::bench::{self, Bench, ms};
use super::supply::{STEP_DWELL, STEP_VOLTS, Trip, volts};
use super::{SUITE, THRESHOLDS_MV};
use crate::support::{CaseResult, Findings, case};

/// The sweep window around each threshold.
const START_ABOVE: f64 = 0.080;
const STOP_BELOW: f64 = 0.160;

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![case(
        SUITE,
        "threshold_sweep",
        "supply stepped down 20 mV at a time around each %XPOFWARN threshold: the trip voltage of each, plotted",
        |ctx| bench::run(ctx, "threshold_sweep", sweep),
    )]
}

/// A trip, for the plot.
struct Mark {
    threshold_mv: u16,
    t_ms: f64,
    volts: f64,
}

/// The part of the run spent on one threshold, for the plot.
struct Window {
    threshold_mv: u16,
    from_ms: f64,
    to_ms: f64,
}

/// What the sweep collected for the plot and the summary.
#[derive(Default)]
struct Sweep {
    marks: Vec<Mark>,
    windows: Vec<Window>,
    summary: Vec<String>,
}

fn sweep(b: &mut Bench<'_, '_>) -> CaseResult {
    let epoch = b.at()?.transcript().origin();
    let since = |t: Instant| t.saturating_duration_since(epoch).as_secs_f64() * 1e3;
    let mut found = Findings::default();
    let mut sweep = Sweep::default();
    for (i, &mv) in THRESHOLDS_MV.iter().enumerate() {
        if i > 0 {
            b.power_cycle(&format!("fresh state before the {mv} mV sweep"))?;
        }
        let from_ms = since(Instant::now());
        let trip = sweep_one(b, mv)?;
        sweep.windows.push(Window {
            threshold_mv: mv,
            from_ms,
            to_ms: since(Instant::now()),
        });
        match trip {
            Some(trip) => {
                record_trip(b, mv, &trip, &mut sweep.summary, &mut found);
                sweep.marks.push(Mark {
                    threshold_mv: mv,
                    t_ms: since(trip.at),
                    volts: trip.volts,
                });
            }
            None => no_trip(b, mv, &mut sweep.summary, &mut found),
        }
    }
    b.observe(
        "trip per threshold (mV: between the step that tripped and the one before)",
        sweep.summary.join(", "),
    );
    attach_plot(b, &sweep)?;
    found.finish(b)
}

/// One threshold: offline, subscribed, armed, then the supply stepped down through the window.
fn sweep_one(b: &mut Bench<'_, '_>, mv: u16) -> Result<Option<Trip>, Problem> {
    let level = volts(mv);
    b.offline()?;
    b.subscribe()?;
    b.arm(mv)?;
    b.mark(format!("sweep at {mv} mV"));
    b.step_down_until_warning(level + START_ABOVE, level - STOP_BELOW)
}

/// No warning in the window: a deviation.
fn no_trip(b: &mut Bench<'_, '_>, mv: u16, summary: &mut Vec<String>, found: &mut Findings) {
    let level = volts(mv);
    b.observe(format!("trip at {mv} mV"), "none in the window");
    summary.push(format!("{mv}: none"));
    found.deviate(
        "no trip in the sweep window",
        format!(
            "no warning URC within {STEP_DWELL:?} of any step from {:.3} V down to {:.3} V, armed at {mv} mV (ref §4.1 [D6])",
            level + START_ABOVE,
            level - STOP_BELOW
        ),
    );
}

/// A trip's volts, offset from the threshold and latency; a warning on the first step (above
/// the window) is a deviation.
fn record_trip(
    b: &mut Bench<'_, '_>,
    mv: u16,
    trip: &Trip,
    summary: &mut Vec<String>,
    found: &mut Findings,
) {
    let level = volts(mv);
    b.mark(format!("trip at {:.3} V ({mv} mV armed)", trip.volts));
    // The trip lies in (trip.volts, trip.above]: its offset from the threshold likewise.
    let offset_low = (trip.volts - level) * 1000.0;
    let offset = match trip.above {
        Some(above) => format!("{offset_low:+.0} to {:+.0}", (above - level) * 1000.0),
        None => format!("{offset_low:+.0} or more"),
    };
    b.observe(
        format!("trip at {mv} mV: volts"),
        format!(
            "{:.3} (no warning at {})",
            trip.volts,
            trip.above.map_or("—".to_string(), |v| format!("{v:.3}"))
        ),
    );
    b.observe(format!("trip at {mv} mV: offset mV"), offset);
    b.observe(
        format!("trip at {mv} mV: URC ms after the step"),
        ms(trip.latency),
    );
    summary.push(match trip.above {
        Some(above) => format!("{mv}: {:.3}–{above:.3} V", trip.volts),
        None => format!("{mv}: ≥ {:.3} V", trip.volts),
    });
    if trip.above.is_none() {
        found.deviate(
            "warning above the sweep window",
            format!(
                "`{}` on the first step, at {:.3} V, {:.0} mV above the {mv} mV threshold (ref §4.1 [D6])",
                trip.line,
                trip.volts,
                START_ABOVE * 1000.0
            ),
        );
    }
}

/// The supply trace with the thresholds and trips, attached as an SVG.
fn attach_plot(b: &mut Bench<'_, '_>, sweep: &Sweep) -> CaseResult {
    let trace = b.supply()?.trace().cloned();
    if let Some(trace) = trace {
        let title = format!(
            "{}: %XPOFWARN threshold sweep ({:.0} mV steps)",
            b.board_name(),
            STEP_VOLTS * 1000.0
        );
        let svg = plot(&trace, &sweep.windows, &sweep.marks, &title);
        b.attach(
            "pofwarn-threshold_sweep-trips.svg",
            "threshold sweep: trip points",
            &svg,
        );
    }
    Ok(())
}

// ---- the plot ------------------------------------------------------------------------------

/// Volts shown: the thresholds with room around them; a power cycle's 0 V is clipped.
const PLOT_VOLTS: (f64, f64) = (2.7, 3.8);

/// The supply trace with each threshold dashed over its part of the sweep and each trip a red
/// dot with its voltage.
fn plot(trace: &Trace, windows: &[Window], marks: &[Mark], title: &str) -> String {
    trace.to_svg_with(&PlotOptions {
        title: Some(title.to_string()),
        volts: Some(PLOT_VOLTS),
        current: false,
        levels: windows
            .iter()
            .map(|w| Level {
                volts: volts(w.threshold_mv),
                from_ms: w.from_ms,
                to_ms: w.to_ms,
                label: format!("{} mV", w.threshold_mv),
            })
            .collect(),
        markers: marks
            .iter()
            .map(|m| Marker {
                t_ms: m.t_ms,
                volts: m.volts,
                label: format!("{:.3} V", m.volts),
                tooltip: format!("trip at {:.3} V ({} mV armed)", m.volts, m.threshold_mv),
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hil_power::{TraceEvent, TracePoint};

    fn point(t_ms: f64, set_v: f64, meas_v: f64) -> TracePoint {
        TracePoint {
            t_ms,
            event: TraceEvent::Settle,
            set_v: Some(set_v),
            meas_v: Some(meas_v),
            meas_a: None,
            note: None,
        }
    }

    #[test]
    fn plot_marks_trips_and_thresholds_and_escapes_text() {
        let mut trace = Trace::new("generic <scpi>");
        trace.points = vec![
            point(0.0, 3.08, 3.08),
            point(10.0, 3.0, 3.0),
            point(20.0, 2.98, 2.98),
            point(30.0, 0.0, 0.0),
        ];
        let windows = [Window {
            threshold_mv: 3000,
            from_ms: 0.0,
            to_ms: 20.0,
        }];
        let marks = [Mark {
            threshold_mv: 3000,
            t_ms: 20.0,
            volts: 2.98,
        }];
        let svg = plot(&trace, &windows, &marks, "dut & co");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n"));
        assert!(svg.contains("<circle") && svg.contains("2.980 V"));
        assert!(svg.contains("3000 mV"));
        assert!(svg.contains("dut &amp; co") && !svg.contains("dut & co"));
        // The power cycle's 0 V is clipped to the plot, not drawn off the canvas.
        for points in svg.split("points=\"").skip(1) {
            let coords = points.split('"').next().unwrap();
            for pair in coords.split_whitespace() {
                let y: f64 = pair.split(',').nth(1).unwrap().parse().unwrap();
                assert!((0.0..=300.0).contains(&y), "y {y} off the canvas");
            }
        }
    }

    #[test]
    fn plot_without_data_says_so() {
        let svg = plot(&Trace::new("s"), &[], &[], "t");
        assert!(svg.contains("no data") && svg.trim_end().ends_with("</svg>"));
    }
}
