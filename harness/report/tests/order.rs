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

/// The fixture's events, and the same events with every case event of `dut2` moved before
/// those of `dut1` (as if `dut2` had run first).
fn two_orders() -> (Vec<RunEvent>, Vec<RunEvent>) {
    let dir = tempfile::tempdir().unwrap();
    let recorder = Recorder::default();
    run_fixture(dir.path(), recorder.boxed());
    let events = recorder.events();
    let first_case = events.iter().position(|e| dut_of(e).is_some()).unwrap();
    let last_case = events.iter().rposition(|e| dut_of(e).is_some()).unwrap();
    let cases = &events[first_case..=last_case];
    let mut swapped = events[..first_case].to_vec();
    swapped.extend(cases.iter().filter(|e| dut_of(e) == Some("dut2")).cloned());
    swapped.extend(cases.iter().filter(|e| dut_of(e) != Some("dut2")).cloned());
    swapped.extend(events[last_case + 1..].iter().cloned());
    assert_ne!(
        format!("{events:?}"),
        format!("{swapped:?}"),
        "the reordering changes the event sequence"
    );
    (events, swapped)
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
    let (events, swapped) = two_orders();
    assert_eq!(page(&events), page(&swapped));
    assert_eq!(summary(&events), summary(&swapped));
    let text = summary(&swapped);
    let dut1 = text.find("dut1::cmng::crlf").unwrap();
    let dut2 = text.find("dut2::cmng::broken").unwrap();
    assert!(
        dut1 < dut2,
        "unexpected results in the rack's DUT order:\n{text}"
    );
}
