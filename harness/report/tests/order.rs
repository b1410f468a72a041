//! Reports do not depend on how the DUT threads interleaved: the same results arriving in
//! another order give the same HTML page (and `#r-N` anchors) and the same summary.

mod common;

use common::run_fixture;
use hil_report::{HtmlReporter, SummaryReporter};
use hil_runner::{Reporter, RunEvent};
use hil_testkit::{Recorder, SharedBuf};

fn dut_of(event: &RunEvent) -> Option<&str> {
    match event {
        RunEvent::CaseStarted { id, .. } => Some(&id.dut),
        RunEvent::CaseFinished(result) => Some(&result.id.dut),
        _ => None,
    }
}

/// The fixture's events twice: once with every case event of `dut1` before those of `dut2`
/// (as if `dut1` had run first), once the other way round.
fn two_orders() -> (Vec<RunEvent>, Vec<RunEvent>) {
    let dir = tempfile::tempdir().unwrap();
    let recorder = Recorder::default();
    run_fixture(dir.path(), recorder.boxed());
    let events = recorder.events();
    let first_case = events.iter().position(|e| dut_of(e).is_some()).unwrap();
    let last_case = events.iter().rposition(|e| dut_of(e).is_some()).unwrap();
    let cases = &events[first_case..=last_case];
    let with_first = |dut: &str| {
        let mut out = events[..first_case].to_vec();
        out.extend(cases.iter().filter(|e| dut_of(e) == Some(dut)).cloned());
        out.extend(cases.iter().filter(|e| dut_of(e) != Some(dut)).cloned());
        out.extend(events[last_case + 1..].iter().cloned());
        out
    };
    let (dut1_first, dut2_first) = (with_first("dut1"), with_first("dut2"));
    assert_ne!(
        format!("{dut1_first:?}"),
        format!("{dut2_first:?}"),
        "the two orders differ"
    );
    (dut1_first, dut2_first)
}

fn page(events: &[RunEvent]) -> String {
    let mut html = HtmlReporter::new("unused.html", None);
    for e in events {
        // Those two write the file; the page is compared as rendered.
        if !matches!(e, RunEvent::DutFinished { .. } | RunEvent::RunFinished(_)) {
            html.on_event(e);
        }
    }
    html.render()
}

fn summary(events: &[RunEvent]) -> String {
    let buf = SharedBuf::default();
    let mut reporter = SummaryReporter::new(Box::new(buf.clone()));
    for e in events {
        reporter.on_event(e);
    }
    buf.text()
}

#[test]
fn the_page_and_the_summary_do_not_depend_on_the_order_results_arrive_in() {
    let (dut1_first, dut2_first) = two_orders();
    assert_eq!(page(&dut1_first), page(&dut2_first));
    assert_eq!(summary(&dut1_first), summary(&dut2_first));
    let text = summary(&dut2_first);
    let dut1 = text.find("dut1::cmng::crlf").unwrap();
    let dut2 = text.find("dut2::cmng::broken").unwrap();
    assert!(
        dut1 < dut2,
        "unexpected results in the rack's DUT order:\n{text}"
    );
}
