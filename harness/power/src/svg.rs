//! A small self-contained SVG plot of a [`Trace`]: the set point as a step line, the measured
//! voltage held between readings, measured current on its own scale at the right, and — for
//! cases that need them — dashed levels over part of the time axis (a warning threshold) and
//! labelled markers (where the warning fired). For embedding in the HTML report: no script, no
//! external references.

use std::fmt::Write as _;

use crate::trace::Trace;

const W: f64 = 760.0;
const H: f64 = 300.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 60.0;
const TOP: f64 = 30.0;
const BOTTOM: f64 = 36.0;

/// What to draw besides the trace itself.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotOptions {
    /// Title (default: the supply's description).
    pub title: Option<String>,
    /// A fixed voltage axis; values outside it are clipped (default: fit the data).
    pub volts: Option<(f64, f64)>,
    /// Plot measured current on its own axis (default `true`).
    pub current: bool,
    /// Dashed horizontal lines to draw.
    pub levels: Vec<Level>,
    /// Labelled points to draw.
    pub markers: Vec<Marker>,
}

impl Default for PlotOptions {
    fn default() -> Self {
        PlotOptions {
            title: None,
            volts: None,
            current: true,
            levels: Vec::new(),
            markers: Vec::new(),
        }
    }
}

/// A dashed horizontal line at `volts` from `from_ms` to `to_ms`, labelled at its start.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    /// The line's voltage.
    pub volts: f64,
    /// Where the line starts, ms.
    pub from_ms: f64,
    /// Where the line ends, ms.
    pub to_ms: f64,
    /// The label at its start.
    pub label: String,
}

/// A dot at (`t_ms`, `volts`) with a label beside it and a tooltip.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// The time, ms.
    pub t_ms: f64,
    /// The voltage.
    pub volts: f64,
    /// The label beside the dot.
    pub label: String,
    /// The tooltip text.
    pub tooltip: String,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Value range padded by 5 %; a flat range gets 10 % of its value (at least 1 milli-unit), so a
/// constant current never shows a negative axis end.
/// The plotted range of `values`: smallest to largest finite value, padded by 5 % (at least
/// `min_pad`); a flat series by 10 % of its value, at least `flat_pad`. Shared with the AT
/// timeline's panels.
pub(crate) fn padded_range(
    values: impl Iterator<Item = f64>,
    flat_pad: f64,
    min_pad: f64,
) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })?;
    let pad = if hi - lo < 1e-12 {
        (hi.abs() * 0.1).max(flat_pad)
    } else {
        ((hi - lo) * 0.05).max(min_pad)
    };
    let lo = if lo >= 0.0 {
        (lo - pad).max(0.0)
    } else {
        lo - pad
    };
    Some((lo, hi + pad))
}

/// [`padded_range`] of a supply plot: flat series padded by at least 1 m(V/A).
fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    padded_range(values, 1e-3, 0.0)
}

struct Scale {
    t0: f64,
    t1: f64,
    lo: f64,
    hi: f64,
}

impl Scale {
    fn x(&self, t: f64) -> f64 {
        LEFT + (t - self.t0) / (self.t1 - self.t0).max(1e-9) * (W - LEFT - RIGHT)
    }
    fn y(&self, v: f64) -> f64 {
        let v = v.clamp(self.lo, self.hi);
        H - BOTTOM - (v - self.lo) / (self.hi - self.lo).max(1e-12) * (H - TOP - BOTTOM)
    }
}

/// `points` as a step line: each value held until the next one, the last one to `t_end`.
fn step_line(sc: &Scale, points: impl Iterator<Item = (f64, f64)>, t_end: Option<f64>) -> String {
    let mut out = String::new();
    let mut prev: Option<f64> = None;
    for (t, v) in points {
        let x = sc.x(t);
        if let Some(pv) = prev {
            let _ = write!(out, "{x:.1},{:.1} ", sc.y(pv));
        }
        let _ = write!(out, "{x:.1},{:.1} ", sc.y(v));
        prev = Some(v);
    }
    if let (Some(pv), Some(t)) = (prev, t_end) {
        let _ = write!(out, "{:.1},{:.1}", sc.x(t), sc.y(pv));
    }
    out.trim_end().to_string()
}

impl Trace {
    /// The trace as an SVG document (a few kilobytes).
    pub fn to_svg(&self) -> String {
        self.to_svg_with(&PlotOptions::default())
    }

    /// The trace with `opts` (fixed axis, levels, markers) as an SVG document.
    pub fn to_svg_with(&self, opts: &PlotOptions) -> String {
        let title = opts.title.clone().unwrap_or_else(|| self.supply.clone());
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">\n"
        );
        let _ = writeln!(s, "<title>{}</title>", escape(&title));
        let _ = writeln!(s, "<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        let fitted = range(
            self.points
                .iter()
                .flat_map(|p| [p.set_v, p.meas_v])
                .flatten(),
        );
        let (Some((t0, t1)), Some((lo, hi))) = (self.span_ms(), opts.volts.or(fitted)) else {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data</text>",
                W / 2.0,
                H / 2.0
            );
            s.push_str("</svg>\n");
            return s;
        };
        let t1 = if t1 - t0 < 1e-6 { t0 + 1.0 } else { t1 };
        let sc = Scale { t0, t1, lo, hi };
        frame(&mut s, &sc);
        for level in &opts.levels {
            let y = sc.y(level.volts);
            let _ = writeln!(
                s,
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#c2410c\" stroke-dasharray=\"5 3\"/><text x=\"{:.1}\" y=\"{:.1}\" fill=\"#c2410c\">{}</text>",
                sc.x(level.from_ms),
                sc.x(level.to_ms),
                sc.x(level.from_ms),
                y - 4.0,
                escape(&level.label)
            );
        }
        let set = step_line(
            &sc,
            self.points
                .iter()
                .filter_map(|p| p.set_v.map(|v| (p.t_ms, v))),
            Some(t1),
        );
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 3\" stroke-width=\"1.5\" points=\"{set}\"/>"
        );
        // Measured voltage, held between readings (the supply is read, not streamed).
        let measured = step_line(
            &sc,
            self.points
                .iter()
                .filter_map(|p| p.meas_v.map(|v| (p.t_ms, v))),
            None,
        );
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"1.5\" points=\"{measured}\"/>"
        );
        let amps = range(self.points.iter().filter_map(|p| p.meas_a)).filter(|_| opts.current);
        if let Some((alo, ahi)) = amps {
            current(
                &mut s,
                self,
                &Scale {
                    t0,
                    t1,
                    lo: alo,
                    hi: ahi,
                },
            );
        }
        for m in &opts.markers {
            marker(&mut s, &sc, m);
        }
        let _ = write!(
            s,
            "<text x=\"{LEFT}\" y=\"18\"><tspan fill=\"#444\">{}</tspan>  <tspan fill=\"#999\">- - set point</tspan>  <tspan fill=\"#1f6feb\">— measured V</tspan>",
            escape(&title)
        );
        if amps.is_some() {
            s.push_str("  <tspan fill=\"#d97706\">— measured I</tspan>");
        }
        if !opts.levels.is_empty() {
            s.push_str("  <tspan fill=\"#c2410c\">- - level</tspan>");
        }
        if !opts.markers.is_empty() {
            s.push_str("  <tspan fill=\"#dc2626\">● marker</tspan>");
        }
        s.push_str("</text>\n</svg>\n");
        s
    }
}

/// Frame, voltage grid and time labels.
fn frame(s: &mut String, sc: &Scale) {
    let _ = writeln!(
        s,
        "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>",
        W - LEFT - RIGHT,
        H - TOP - BOTTOM
    );
    for i in 0..=4 {
        let v = sc.lo + (sc.hi - sc.lo) * f64::from(i) / 4.0;
        let y = sc.y(v);
        let _ = writeln!(
            s,
            "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.2} V</text>",
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0
        );
        let t = sc.t0 + (sc.t1 - sc.t0) * f64::from(i) / 4.0;
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{t:.0} ms</text>",
            sc.x(t),
            H - BOTTOM + 16.0
        );
    }
}

/// Measured current on its own scale, labelled at the right.
fn current(s: &mut String, trace: &Trace, asc: &Scale) {
    let amps: Vec<String> = trace
        .points
        .iter()
        .filter_map(|p| {
            p.meas_a
                .map(|a| format!("{:.1},{:.1}", asc.x(p.t_ms), asc.y(a)))
        })
        .collect();
    let _ = writeln!(
        s,
        "<polyline fill=\"none\" stroke=\"#d97706\" stroke-width=\"1\" points=\"{}\"/>",
        amps.join(" ")
    );
    for (v, y) in [(asc.hi, TOP + 4.0), (asc.lo, H - BOTTOM)] {
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{y:.1}\" fill=\"#d97706\">{:.1} mA</text>",
            W - RIGHT + 4.0,
            v * 1000.0
        );
    }
}

/// A labelled dot; labels near the right edge go to the left of their dot.
fn marker(s: &mut String, sc: &Scale, m: &Marker) {
    let (x, y) = (sc.x(m.t_ms), sc.y(m.volts));
    let (label_x, anchor) = if x > W - RIGHT - 60.0 {
        (x - 6.0, "end")
    } else {
        (x + 6.0, "start")
    };
    let _ = writeln!(
        s,
        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4\" fill=\"#dc2626\"><title>{}</title></circle><text x=\"{label_x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\" fill=\"#dc2626\">{}</text>",
        escape(&m.tooltip),
        y + 14.0,
        escape(&m.label)
    );
}
