//! Trace exports: CSV, JSON, SVG.

use hil_power::{Trace, TraceEvent, TracePoint};

fn sample_trace() -> Trace {
    let mut t = Trace::new("generic ch1 at 127.0.0.1:5025 <sim>");
    let pts = [
        (0.0, TraceEvent::Set, Some(3.8), None, None, None),
        (5.0, TraceEvent::Settle, Some(3.8), Some(3.79), None, None),
        (
            20.0,
            TraceEvent::Sample,
            Some(3.8),
            Some(3.8),
            Some(0.012),
            None,
        ),
        (
            30.0,
            TraceEvent::Note,
            Some(3.8),
            None,
            None,
            Some("step 2: dip, \"fast\"".to_string()),
        ),
        (31.0, TraceEvent::Set, Some(2.5), None, None, None),
        (
            50.0,
            TraceEvent::Sample,
            Some(2.5),
            Some(2.52),
            Some(0.010),
            None,
        ),
    ];
    for (t_ms, event, set_v, meas_v, meas_a, note) in pts {
        t.points.push(TracePoint {
            t_ms,
            event,
            set_v,
            meas_v,
            meas_a,
            note,
        });
    }
    t
}

#[test]
fn csv_has_a_header_and_one_row_per_point() {
    let csv = sample_trace().to_csv();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "t_ms,event,set_v,meas_v,meas_a,note");
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[1], "0.000,set,3.8000,,,");
    assert_eq!(lines[3], "20.000,sample,3.8000,3.8000,0.0120,");
    assert_eq!(
        lines[4],
        "30.000,note,3.8000,,,\"step 2: dip, \"\"fast\"\"\""
    );
}

#[test]
fn json_round_trips() {
    let t = sample_trace();
    let back: Trace = serde_json::from_str(&t.to_json()).unwrap();
    assert_eq!(back, t);
}

#[test]
fn svg_is_a_self_contained_plot() {
    let svg = sample_trace().to_svg();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert_eq!(
        svg.matches("<polyline").count(),
        3,
        "set, measured V, measured I"
    );
    assert!(svg.contains("&lt;sim&gt;"), "text is escaped");
    assert!(
        !svg.contains("<script") && !svg.contains("href"),
        "no external references"
    );
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    assert!(svg.len() < 8000);
}

#[test]
fn an_empty_trace_still_renders() {
    let svg = Trace::new("x").to_svg();
    assert!(svg.contains("no data") && svg.contains("</svg>"));
    assert_eq!(Trace::new("x").to_csv().lines().count(), 1);
}
