//! Voltage and current against time with what happened on the console marked on the same axis:
//! one self-contained SVG (no script, no external reference) per case, so "what the modem drew
//! when the 528 came back" is one look.
//!
//! The top panel holds the supply's set point and measured voltage ([`Trace`]); the bottom one the
//! current envelope ([`CurrentTrace`]: a min–max band and the mean, reduced to at most one column
//! per pixel, so a 10-minute 1 ms envelope stays a few tens of kilobytes). Every
//! [`TimelineEvent`] is a vertical line across both panels with a tooltip; URCs and failed
//! results are always labelled, commands only while there are few enough to read.

use std::fmt::Write as _;

use crate::current::CurrentTrace;
use crate::trace::Trace;

const W: f64 = 1100.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 24.0;
/// Room above the voltage panel for event labels.
const LABELS: f64 = 120.0;
const PANEL: f64 = 170.0;
const GAP: f64 = 28.0;
const BOTTOM: f64 = 34.0;
const H: f64 = LABELS + PANEL + GAP + PANEL + BOTTOM;
/// Commands are labelled only when there are at most this many (ticks and tooltips otherwise).
const MAX_COMMAND_LABELS: usize = 40;
/// Minimum distance between two labels, pixels.
const LABEL_SPACING: f64 = 11.0;
/// Labels longer than this are cut (the tooltip keeps the whole line).
const MAX_LABEL_CHARS: usize = 28;

/// What happened at a point of the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// A command sent to the modem.
    Command,
    /// The final result `OK`.
    ResultOk,
    /// Any other final result, or none (timeout, reboot).
    ResultError,
    /// An unsolicited line (`+CGEV: ME BATTERY LOW`, a boot banner).
    Urc,
}

impl EventKind {
    /// The SVG class of the marker (`ev-cmd`, `ev-ok`, `ev-err`, `ev-urc`).
    pub fn class(self) -> &'static str {
        match self {
            EventKind::Command => "ev-cmd",
            EventKind::ResultOk => "ev-ok",
            EventKind::ResultError => "ev-err",
            EventKind::Urc => "ev-urc",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            EventKind::Command => "#6b7280",
            EventKind::ResultOk => "#15803d",
            EventKind::ResultError => "#b91c1c",
            EventKind::Urc => "#c2410c",
        }
    }
}

/// One marked moment, milliseconds on the same clock as the traces.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEvent {
    /// When it happened, ms.
    pub t_ms: f64,
    /// What kind of line it is.
    pub kind: EventKind,
    /// The line (command, result or URC), already redacted.
    pub text: String,
}

/// What one timeline plot shows.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timeline<'a> {
    /// The plot's title.
    pub title: &'a str,
    /// The voltage trace, if any.
    pub voltage: Option<&'a Trace>,
    /// The current trace, if any.
    pub current: Option<&'a CurrentTrace>,
    /// The marked moments.
    pub events: &'a [TimelineEvent],
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn short(s: &str) -> String {
    if s.chars().count() <= MAX_LABEL_CHARS {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(MAX_LABEL_CHARS - 1).collect();
        format!("{cut}…")
    }
}

/// Smallest and largest finite value, padded by 5 % (a flat range by 10 %, at least `floor`).
fn fit(values: impl Iterator<Item = f64>, floor: f64) -> Option<(f64, f64)> {
    crate::svg::padded_range(values, floor, floor)
}

/// One panel's mapping from (time, value) to pixels.
struct Panel {
    t0: f64,
    t1: f64,
    lo: f64,
    hi: f64,
    top: f64,
}

impl Panel {
    fn x(&self, t: f64) -> f64 {
        LEFT + (t - self.t0) / (self.t1 - self.t0).max(1e-9) * (W - LEFT - RIGHT)
    }
    fn y(&self, v: f64) -> f64 {
        let v = v.clamp(self.lo, self.hi);
        self.top + PANEL - (v - self.lo) / (self.hi - self.lo).max(1e-12) * PANEL
    }
    fn frame(&self, s: &mut String, unit: &str, scale: f64) {
        let _ = writeln!(
            s,
            "<rect x=\"{LEFT}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{PANEL}\" fill=\"none\" stroke=\"#ccc\"/>",
            self.top,
            W - LEFT - RIGHT
        );
        for i in 0..=4 {
            let v = self.lo + (self.hi - self.lo) * f64::from(i) / 4.0;
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{:.3}</text>",
                LEFT - 4.0,
                self.y(v) + 4.0,
                v * scale
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"8\" y=\"{:.1}\" transform=\"rotate(-90 8 {:.1})\" text-anchor=\"middle\">{unit}</text>",
            self.top + PANEL / 2.0,
            self.top + PANEL / 2.0
        );
    }
}

/// Time span of everything shown.
fn span(t: &Timeline<'_>) -> Option<(f64, f64)> {
    let mut ends: Vec<f64> = t.events.iter().map(|e| e.t_ms).collect();
    if let Some((a, b)) = t.voltage.and_then(|v| v.span_ms()) {
        ends.extend([a, b]);
    }
    if let Some((a, b)) = t.current.and_then(|c| c.span_ms()) {
        ends.extend([a, b]);
    }
    let lo = ends.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = ends.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !lo.is_finite() {
        return None;
    }
    Some((lo, if hi - lo < 1.0 { lo + 1.0 } else { hi }))
}

impl Timeline<'_> {
    /// The plot as an SVG document.
    pub fn to_svg(&self) -> String {
        let mut s = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"power-timeline\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">\n"
        );
        let _ = writeln!(s, "<title>{}</title>", escape(self.title));
        let _ = writeln!(s, "<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>");
        let _ = writeln!(
            s,
            "<text x=\"{LEFT}\" y=\"14\" font-weight=\"bold\">{}</text>",
            escape(self.title)
        );
        let Some((t0, t1)) = span(self) else {
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data</text>",
                W / 2.0,
                H / 2.0
            );
            s.push_str("</svg>\n");
            return s;
        };
        let vtop = LABELS;
        let ctop = LABELS + PANEL + GAP;
        self.voltage_panel(&mut s, t0, t1, vtop);
        self.current_panel(&mut s, t0, t1, ctop);
        self.time_axis(&mut s, t0, t1);
        self.event_marks(&mut s, t0, t1);
        s.push_str("</svg>\n");
        s
    }

    fn voltage_panel(&self, s: &mut String, t0: f64, t1: f64, top: f64) {
        let points = self.voltage.map(|v| v.points.as_slice()).unwrap_or(&[]);
        let Some((lo, hi)) = fit(
            points.iter().flat_map(|p| [p.set_v, p.meas_v]).flatten(),
            0.01,
        ) else {
            return empty(s, top, "no voltage trace");
        };
        let p = Panel {
            t0,
            t1,
            lo,
            hi,
            top,
        };
        p.frame(s, "V", 1.0);
        let set = steps(
            &p,
            points.iter().filter_map(|q| q.set_v.map(|v| (q.t_ms, v))),
            t1,
        );
        let meas = steps(
            &p,
            points.iter().filter_map(|q| q.meas_v.map(|v| (q.t_ms, v))),
            t1,
        );
        let _ = writeln!(
            s,
            "<polyline class=\"volts-set\" fill=\"none\" stroke=\"#999\" stroke-dasharray=\"4 3\" points=\"{set}\"/>\n<polyline class=\"volts\" fill=\"none\" stroke=\"#1f6feb\" stroke-width=\"1.5\" points=\"{meas}\"/>"
        );
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#1f6feb\">supply voltage (measured; dashed: set point)</text>",
            LEFT + 6.0,
            top + 13.0
        );
    }

    fn current_panel(&self, s: &mut String, t0: f64, t1: f64, top: f64) {
        let buckets = self.current.map(|c| c.buckets.as_slice()).unwrap_or(&[]);
        let Some((lo, hi)) = fit(
            buckets
                .iter()
                .flat_map(|b| [f64::from(b.min_ua), f64::from(b.max_ua)]),
            0.5,
        ) else {
            return empty(s, top, "no current trace");
        };
        let p = Panel {
            t0,
            t1,
            lo,
            hi,
            top,
        };
        let (unit, scale) = if hi >= 1000.0 {
            ("mA", 1e-3)
        } else {
            ("µA", 1.0)
        };
        p.frame(s, unit, scale);
        let columns = columns(&p, buckets);
        let mut band = String::new();
        for c in &columns {
            let _ = write!(band, "M{:.1} {:.1}V{:.1}", c.x, p.y(c.max), p.y(c.min));
            if c.x_end - c.x > 2.0 && c.max - c.min > 0.0 {
                let _ = write!(band, "H{:.1}V{:.1}H{:.1}", c.x_end, p.y(c.max), c.x);
            }
        }
        // The mean held over each column's span: a reading stands for its bucket, never
        // interpolated towards the next (a polled supply reads a few times a second).
        let mean: Vec<String> = columns
            .iter()
            .map(|c| {
                format!(
                    "{:.1},{:.1} {:.1},{:.1}",
                    c.x,
                    p.y(c.mean),
                    c.x_end,
                    p.y(c.mean)
                )
            })
            .collect();
        let _ = writeln!(
            s,
            "<path class=\"amps-band\" d=\"{band}\" stroke=\"#f4a3a3\" stroke-width=\"1.2\" fill=\"none\"/>\n<polyline class=\"amps\" fill=\"none\" stroke=\"#b91c1c\" stroke-width=\"1.2\" points=\"{}\"/>",
            mean.join(" ")
        );
        let source = self.current.map(|c| c.source.as_str()).unwrap_or("");
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#b91c1c\">current ({}; band: min–max, line: mean)</text>",
            LEFT + 6.0,
            top + 13.0,
            escape(source)
        );
    }

    fn time_axis(&self, s: &mut String, t0: f64, t1: f64) {
        let p = Panel {
            t0,
            t1,
            lo: 0.0,
            hi: 1.0,
            top: 0.0,
        };
        let y = LABELS + 2.0 * PANEL + GAP + 16.0;
        for i in 0..=8 {
            let t = t0 + (t1 - t0) * f64::from(i) / 8.0;
            let _ = writeln!(
                s,
                "<text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"middle\">{:.3}</text>",
                p.x(t),
                t / 1000.0
            );
        }
        let _ = writeln!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">time since the case started, s (the AT transcript's clock)</text>",
            W / 2.0,
            y + 14.0
        );
    }

    fn event_marks(&self, s: &mut String, t0: f64, t1: f64) {
        let p = Panel {
            t0,
            t1,
            lo: 0.0,
            hi: 1.0,
            top: 0.0,
        };
        let commands = self
            .events
            .iter()
            .filter(|e| e.kind == EventKind::Command)
            .count();
        let bottom = LABELS + 2.0 * PANEL + GAP;
        s.push_str("<g class=\"events\">\n");
        let mut last_label = f64::NEG_INFINITY;
        for e in self.events {
            let x = p.x(e.t_ms);
            let wanted = match e.kind {
                EventKind::Urc | EventKind::ResultError => true,
                EventKind::Command => commands <= MAX_COMMAND_LABELS,
                EventKind::ResultOk => false,
            };
            // Labels closer than a line's height would overprint: the tooltip keeps the text.
            let labelled = wanted && x - last_label >= LABEL_SPACING;
            if labelled {
                last_label = x;
            }
            let dash = if e.kind == EventKind::Command {
                " stroke-dasharray=\"2 3\""
            } else {
                ""
            };
            let _ = write!(
                s,
                "<g class=\"ev {}\"><title>{:.1} ms: {}</title><line x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\" stroke=\"{}\" stroke-opacity=\"0.7\"{dash}/>",
                e.kind.class(),
                e.t_ms,
                escape(&e.text),
                LABELS - 4.0,
                e.kind.colour()
            );
            if labelled {
                let _ = write!(
                    s,
                    "<text x=\"{x:.1}\" y=\"{:.1}\" transform=\"rotate(-60 {x:.1} {:.1})\" fill=\"{}\" font-size=\"10\">{}</text>",
                    LABELS - 6.0,
                    LABELS - 6.0,
                    e.kind.colour(),
                    escape(&short(&e.text))
                );
            }
            s.push_str("</g>\n");
        }
        s.push_str("</g>\n");
    }
}

fn empty(s: &mut String, top: f64, what: &str) {
    let _ = writeln!(
        s,
        "<rect x=\"{LEFT}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{PANEL}\" fill=\"#fafafa\" stroke=\"#ccc\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#666\">{what}</text>",
        W - LEFT - RIGHT,
        W / 2.0,
        top + PANEL / 2.0
    );
}

/// `points` as a step line (each value held until the next), the last one held to `t_end`.
fn steps(p: &Panel, points: impl Iterator<Item = (f64, f64)>, t_end: f64) -> String {
    let mut out = String::new();
    let mut prev: Option<f64> = None;
    for (t, v) in points {
        let x = p.x(t);
        if let Some(pv) = prev {
            let _ = write!(out, "{x:.1},{:.1} ", p.y(pv));
        }
        let _ = write!(out, "{x:.1},{:.1} ", p.y(v));
        prev = Some(v);
    }
    if let Some(pv) = prev {
        let _ = write!(out, "{:.1},{:.1}", p.x(t_end), p.y(pv));
    }
    out.trim_end().to_owned()
}

/// One pixel column of the current envelope.
struct Column {
    x: f64,
    /// Where the column's last bucket ends.
    x_end: f64,
    min: f64,
    max: f64,
    mean: f64,
}

/// Buckets merged per pixel column (min of mins, max of maxes, sample-weighted mean), so the
/// plot's size is bounded by its width, not by the capture's length.
fn columns(p: &Panel, buckets: &[crate::CurrentBucket]) -> Vec<Column> {
    let mut out: Vec<(Column, f64, f64)> = Vec::new();
    for b in buckets {
        let x = p.x(b.t_ms).round();
        let x_end = p.x(b.t_ms + f64::from(b.span_ms)).max(x);
        let w = f64::from(b.samples.max(1));
        let mean = f64::from(b.mean_ua);
        match out.last_mut() {
            Some((c, sum, n)) if (c.x - x).abs() < 0.5 => {
                c.x_end = c.x_end.max(x_end);
                c.min = c.min.min(f64::from(b.min_ua));
                c.max = c.max.max(f64::from(b.max_ua));
                *sum += mean * w;
                *n += w;
            }
            _ => out.push((
                Column {
                    x,
                    x_end,
                    min: f64::from(b.min_ua),
                    max: f64::from(b.max_ua),
                    mean,
                },
                mean * w,
                w,
            )),
        }
    }
    out.into_iter()
        .map(|(mut c, sum, n)| {
            c.mean = sum / n;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::current::CurrentBucket;
    use crate::trace::{TraceEvent, TracePoint};

    fn current(n: usize) -> CurrentTrace {
        let mut c = CurrentTrace::new("sim");
        c.buckets = (0..n)
            .map(|i| CurrentBucket {
                t_ms: i as f64,
                span_ms: 1.0,
                min_ua: 10.0,
                max_ua: 30.0,
                mean_ua: 20.0,
                samples: 100,
            })
            .collect();
        c
    }

    fn voltage() -> Trace {
        let mut t = Trace::new("sim");
        for (i, v) in [3.7, 3.05, 3.7].into_iter().enumerate() {
            t.points.push(TracePoint {
                t_ms: i as f64 * 100.0,
                event: TraceEvent::Set,
                set_v: Some(v),
                meas_v: Some(v),
                meas_a: None,
                note: None,
            });
        }
        t
    }

    #[test]
    fn every_event_is_marked_with_its_class_and_escaped_text() {
        let events = [
            TimelineEvent {
                t_ms: 10.0,
                kind: EventKind::Command,
                text: "AT%CMNG=0,1,0,\"<x>\"".into(),
            },
            TimelineEvent {
                t_ms: 12.0,
                kind: EventKind::ResultError,
                text: "+CME ERROR: 528".into(),
            },
            TimelineEvent {
                t_ms: 90.0,
                kind: EventKind::Urc,
                text: "+CGEV: ME BATTERY LOW".into(),
            },
        ];
        let v = voltage();
        let c = current(300);
        let svg = Timeline {
            title: "pofwarn::x",
            voltage: Some(&v),
            current: Some(&c),
            events: &events,
        }
        .to_svg();
        assert!(svg.contains("class=\"ev ev-cmd\""));
        assert!(svg.contains("class=\"ev ev-err\""));
        assert!(svg.contains("class=\"ev ev-urc\""));
        assert!(svg.contains("+CGEV: ME BATTERY LOW"));
        assert!(svg.contains("&lt;x&gt;"));
        assert!(!svg.contains("<x>"));
        assert!(svg.contains("class=\"volts\""));
        assert!(svg.contains("class=\"amps\""));
    }

    #[test]
    fn a_long_capture_is_reduced_to_pixel_columns() {
        let c = current(600_000);
        let svg = Timeline {
            title: "long",
            voltage: None,
            current: Some(&c),
            events: &[],
        }
        .to_svg();
        assert!(svg.len() < 120_000, "{} bytes", svg.len());
        assert!(svg.contains("no voltage trace"));
    }

    #[test]
    fn nothing_to_show_says_so() {
        let svg = Timeline::default().to_svg();
        assert!(svg.contains("no data"));
    }
}
