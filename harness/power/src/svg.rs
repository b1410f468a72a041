//! A small self-contained SVG plot of a [`Trace`]: the set point as a step line, the measured
//! voltage as a polyline, and measured current on its own scale at the right, for embedding in
//! the HTML report. Hand-written; no script, no external references.

use std::fmt::Write as _;

use crate::trace::Trace;

const W: f64 = 720.0;
const H: f64 = 260.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 56.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 34.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Value range padded by 5 % (or ±0.1 when flat).
fn range(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        })?;
    let pad = if hi - lo < 1e-9 {
        0.1
    } else {
        (hi - lo) * 0.05
    };
    Some((lo - pad, hi + pad))
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
        H - BOTTOM - (v - self.lo) / (self.hi - self.lo).max(1e-12) * (H - TOP - BOTTOM)
    }
}

impl Trace {
    /// The trace as an SVG document (a few kilobytes).
    pub fn to_svg(&self) -> String {
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">\n"
        );
        let _ = writeln!(s, "<title>{}</title>", escape(&self.supply));
        let _ = writeln!(s, "<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        let volts = self
            .points
            .iter()
            .flat_map(|p| [p.set_v, p.meas_v])
            .flatten();
        let (Some((t0, t1)), Some((lo, hi))) = (self.span_ms(), range(volts)) else {
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
        // Frame, grid and labels.
        let _ = writeln!(
            s,
            "<rect x=\"{LEFT}\" y=\"{TOP}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#888\"/>",
            W - LEFT - RIGHT,
            H - TOP - BOTTOM
        );
        for i in 0..=4 {
            let v = lo + (hi - lo) * f64::from(i) / 4.0;
            let y = sc.y(v);
            let _ = writeln!(
                s,
                "<line x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#eee\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v:.2} V</text>",
                W - RIGHT,
                LEFT - 4.0,
                y + 4.0
            );
            let t = t0 + (t1 - t0) * f64::from(i) / 4.0;
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{t:.0} ms</text>",
                sc.x(t),
                H - BOTTOM + 16.0
            );
        }
        // Set point as a step line.
        let mut set = String::new();
        let mut prev: Option<f64> = None;
        for p in &self.points {
            if let Some(v) = p.set_v {
                let x = sc.x(p.t_ms);
                if let Some(pv) = prev {
                    let _ = write!(set, "{x:.1},{:.1} ", sc.y(pv));
                }
                let _ = write!(set, "{x:.1},{:.1} ", sc.y(v));
                prev = Some(v);
            }
        }
        if let Some(pv) = prev {
            let _ = write!(set, "{:.1},{:.1}", sc.x(t1), sc.y(pv));
        }
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 3\" stroke-width=\"1.5\" points=\"{}\"/>",
            set.trim()
        );
        // Measured voltage.
        let meas: Vec<String> = self
            .points
            .iter()
            .filter_map(|p| {
                p.meas_v
                    .map(|v| format!("{:.1},{:.1}", sc.x(p.t_ms), sc.y(v)))
            })
            .collect();
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"1.5\" points=\"{}\"/>",
            meas.join(" ")
        );
        // Measured current on its own axis.
        if let Some((alo, ahi)) = range(self.points.iter().filter_map(|p| p.meas_a)) {
            let asc = Scale {
                t0,
                t1,
                lo: alo,
                hi: ahi,
            };
            let amps: Vec<String> = self
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
            for (v, y) in [(ahi, TOP + 4.0), (alo, H - BOTTOM)] {
                let _ = writeln!(
                    s,
                    "<text x=\"{:.1}\" y=\"{y:.1}\" fill=\"#d97706\">{:.1} mA</text>",
                    W - RIGHT + 4.0,
                    v * 1000.0
                );
            }
        }
        let _ = writeln!(
            s,
            "<text x=\"{LEFT}\" y=\"15\"><tspan fill=\"#999\">- - set point</tspan>  <tspan fill=\"#1f6feb\">— measured V</tspan>  <tspan fill=\"#d97706\">— measured I</tspan>  <tspan fill=\"#444\">{}</tspan></text>",
            escape(&self.supply)
        );
        s.push_str("</svg>\n");
        s
    }
}
