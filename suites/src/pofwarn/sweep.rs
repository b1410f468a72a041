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

use std::fmt::Write as _;

use hil_lab::Board;
use hil_power::Trace;
use hil_runner::FnCase;

use super::bench::{self, Bench, Findings, STEP_DWELL, STEP_VOLTS, ms, volts};
use super::{SUITE, THRESHOLDS_MV};
use crate::support::{CaseResult, case};

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

fn sweep(b: &mut Bench<'_, '_>) -> CaseResult {
    let epoch = b.ctx.at()?.transcript().origin();
    let since = |t: std::time::Instant| t.saturating_duration_since(epoch).as_secs_f64() * 1e3;
    let mut found = Findings::default();
    let mut marks = Vec::new();
    let mut windows = Vec::new();
    let mut summary = Vec::new();

    for (i, &mv) in THRESHOLDS_MV.iter().enumerate() {
        let level = volts(mv);
        if i > 0 {
            b.power_cycle(&format!("fresh state before the {mv} mV sweep"))?;
        }
        let from_ms = since(std::time::Instant::now());
        b.ctx.offline()?;
        b.subscribe()?;
        b.arm(mv)?;
        b.mark(format!("sweep at {mv} mV"));
        let trip = b.step_down_until_warning(level + START_ABOVE, level - STOP_BELOW)?;
        let to_ms = since(std::time::Instant::now());
        windows.push(Window {
            threshold_mv: mv,
            from_ms,
            to_ms,
        });
        let Some(trip) = trip else {
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
            continue;
        };
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
        marks.push(Mark {
            threshold_mv: mv,
            t_ms: since(trip.at),
            volts: trip.volts,
        });
    }
    b.observe(
        "trip per threshold (mV: between the step that tripped and the one before)",
        summary.join(", "),
    );

    let trace = b.ctx.supply()?.trace().cloned();
    if let Some(trace) = trace {
        let title = format!(
            "{}: %XPOFWARN threshold sweep ({:.0} mV steps)",
            b.ctx.board.spec.name,
            STEP_VOLTS * 1000.0
        );
        let svg = plot(&trace, &windows, &marks, &title);
        b.attach(
            "pofwarn-threshold_sweep-trips.svg",
            "threshold sweep: trip points",
            &svg,
        );
    }
    found.finish(b.ctx.log)
}

// ---- the plot ------------------------------------------------------------------------------

const W: f64 = 760.0;
const H: f64 = 320.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 24.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 36.0;
/// Volts shown: the thresholds with room around them; a power cycle's 0 V is clipped.
const V_LO: f64 = 2.7;
const V_HI: f64 = 3.8;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

struct Axes {
    t0: f64,
    t1: f64,
}

impl Axes {
    fn x(&self, t_ms: f64) -> f64 {
        LEFT + (t_ms - self.t0) / (self.t1 - self.t0).max(1e-9) * (W - LEFT - RIGHT)
    }
    fn y(&self, v: f64) -> f64 {
        let v = v.clamp(V_LO, V_HI);
        H - BOTTOM - (v - V_LO) / (V_HI - V_LO) * (H - TOP - BOTTOM)
    }
}

/// Set point (grey step line) and measured voltage (blue) over time, each threshold dashed
/// over its part of the sweep, each trip a red dot with its voltage.
fn plot(trace: &Trace, windows: &[Window], marks: &[Mark], title: &str) -> String {
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">\n<title>{}</title>\n<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n",
        escape(title)
    );
    let Some((t0, t1)) = trace.span_ms() else {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no supply data</text></svg>",
            W / 2.0,
            H / 2.0
        );
        return s;
    };
    let ax = Axes {
        t0,
        t1: if t1 - t0 < 1e-6 { t0 + 1.0 } else { t1 },
    };
    let _ = writeln!(
        s,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>",
        W - LEFT - RIGHT,
        H - TOP - BOTTOM
    );
    let mut v = V_LO;
    while v <= V_HI + 1e-9 {
        let y = ax.y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.1} V</text>",
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0
        );
        v += 0.1;
    }
    for i in 0..=4 {
        let t = ax.t0 + (ax.t1 - ax.t0) * f64::from(i) / 4.0;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{t:.0} ms</text>",
            ax.x(t),
            H - BOTTOM + 16.0
        );
    }
    for w in windows {
        let y = ax.y(volts(w.threshold_mv));
        let _ = writeln!(
            s,
            "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#c2410c\" stroke-dasharray=\"5 3\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#c2410c\">{} mV</text>",
            ax.x(w.from_ms),
            ax.x(w.to_ms),
            ax.x(w.from_ms),
            y - 4.0,
            w.threshold_mv
        );
    }
    // Set point as a step line.
    let mut set = String::new();
    let mut prev: Option<f64> = None;
    for p in &trace.points {
        if let Some(v) = p.set_v {
            let x = ax.x(p.t_ms);
            if let Some(pv) = prev {
                let _ = write!(set, "{x:.1},{:.1} ", ax.y(pv));
            }
            let _ = write!(set, "{x:.1},{:.1} ", ax.y(v));
            prev = Some(v);
        }
    }
    let _ = writeln!(
        s,
        "<polyline fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 3\" stroke-width=\"1.2\" points=\"{}\"/>",
        set.trim_end()
    );
    // Measured voltage: held between readings (the supply is read after each step settles).
    let mut measured = String::new();
    let mut held: Option<f64> = None;
    for p in &trace.points {
        if let Some(v) = p.meas_v {
            let x = ax.x(p.t_ms);
            if let Some(hv) = held {
                let _ = write!(measured, "{x:.1},{:.1} ", ax.y(hv));
            }
            let _ = write!(measured, "{x:.1},{:.1} ", ax.y(v));
            held = Some(v);
        }
    }
    let _ = writeln!(
        s,
        "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"1.5\" points=\"{}\"/>",
        measured.trim_end()
    );
    for m in marks {
        let (x, y) = (ax.x(m.t_ms), ax.y(m.volts));
        // Labels near the right edge go to the left of their dot.
        let (label_x, anchor) = if x > W - RIGHT - 60.0 {
            (x - 6.0, "end")
        } else {
            (x + 6.0, "start")
        };
        let _ = writeln!(
            s,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#dc2626\"><title>trip at {:.3} V ({} mV armed)</title></circle><text x=\"{label_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#dc2626\">{:.3} V</text>",
            m.volts,
            m.threshold_mv,
            y + 14.0,
            m.volts
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{LEFT}\" y=\"18\"><tspan fill=\"#444\">{}</tspan>  <tspan fill=\"#999\">- - set point</tspan>  <tspan fill=\"#1f6feb\">— measured</tspan>  <tspan fill=\"#c2410c\">- - threshold</tspan>  <tspan fill=\"#dc2626\">● trip</tspan></text>",
        escape(title)
    );
    s.push_str("</svg>\n");
    s
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
        // The power cycle's 0 V is clipped to the plot's floor, not drawn off the canvas.
        let floor = format!("{:.1}", H - BOTTOM);
        assert!(svg.contains(&floor));
    }

    #[test]
    fn plot_without_data_says_so() {
        let svg = plot(&Trace::new("s"), &[], &[], "t");
        assert!(svg.contains("no supply data") && svg.trim_end().ends_with("</svg>"));
    }
}
