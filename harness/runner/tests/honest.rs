//! What a run says about itself: the trials a stop left unrun (by name), the reports that could
//! not be written (seen by the reporters after the failing one and in the summary), and bounded
//! text from a board that floods its console.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hil_runner::bound::{MESSAGE_HEAD, MESSAGE_TAIL, TRANSCRIPT_CAP};
use hil_runner::{
    Expectations, IncompleteReport, Problem, Reporter, Run, RunEvent, RunInfo, RunStatus, StopFlag,
    Summary,
};
use hil_testkit::{FakeDut, Lab, case, passing};

const MFW_9160: &str = "mfw_nrf9160_1.3.6";

/// A reporter that cannot write its file.
struct Broken;

impl Reporter for Broken {
    fn on_event(&mut self, _: &RunEvent) {}
    fn incomplete(&self) -> Option<IncompleteReport> {
        Some(IncompleteReport::new("JUnit", "r/junit.xml", "disk full"))
    }
}

/// Keeps the summary it is given at the end.
#[derive(Clone, Default)]
struct Finish(Arc<Mutex<Option<Summary>>>);

impl Reporter for Finish {
    fn on_event(&mut self, event: &RunEvent) {
        if let RunEvent::RunFinished(summary) = event {
            *self.0.lock().unwrap() = Some(summary.clone());
        }
    }
}

#[test]
fn a_report_that_cannot_be_written_makes_the_run_an_infrastructure_error() {
    let lab = Lab::default();
    let run = Run::new(
        RunInfo::new("r"),
        vec![passing("cmng", "a")],
        Expectations::empty(),
    )
    .unwrap();
    let seen = Finish::default();
    let reporters: Vec<Box<dyn Reporter>> = vec![Box::new(Broken), Box::new(seen.clone())];
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], reporters)
        .unwrap();
    assert_eq!(out.summary.total.pass, 1);
    assert_eq!(out.summary.status(), RunStatus::InfrastructureError);
    assert!(
        !out.summary.is_success(),
        "never a pass with a report missing"
    );
    assert_eq!(out.summary.exit_code(), 1);
    assert_eq!(
        out.summary.incomplete_reports[0].to_string(),
        "JUnit r/junit.xml: disk full"
    );
    let later = seen.0.lock().unwrap().clone().unwrap();
    assert_eq!(
        later.incomplete_reports, out.summary.incomplete_reports,
        "a reporter after the broken one sees it in the summary"
    );
}

#[test]
fn a_stopped_run_names_the_trials_it_did_not_run() {
    let lab = Lab::default();
    let stop = StopFlag::new();
    let flag = stop.clone();
    let cases = vec![
        case("cmng", "first", Duration::ZERO, move |_, _| {
            flag.request();
            Ok(())
        }),
        passing("cmng", "second"),
        passing("cmng", "third"),
    ];
    let run = Run::new(RunInfo::new("r"), cases, Expectations::empty())
        .unwrap()
        .with_stop_flag(stop);
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], Vec::new())
        .unwrap();
    assert_eq!(out.summary.status(), RunStatus::Stopped);
    let names: Vec<String> = out
        .summary
        .not_run_trials
        .iter()
        .map(|t| t.to_string())
        .collect();
    assert_eq!(names, ["dut1::cmng::second", "dut1::cmng::third"]);
    assert_eq!(RunStatus::Stopped.as_str(), "stopped");
}

#[test]
fn a_flooding_board_gives_bounded_results_and_the_cause_once() {
    let lab = Lab::default();
    let flood = "babble ".repeat(1_000_000);
    let hang = flood.clone();
    let cases = vec![
        case("cmng", "floods", Duration::ZERO, move |_, log| {
            log.transcript(&hang);
            log.note(format!("unterminated output: {hang}"));
            Err(Problem::hang(format!(
                "no final result; partial output: {hang}"
            )))
        }),
        passing("cmng", "second"),
        passing("cmng", "third"),
    ];
    let run = Run::new(RunInfo::new("r"), cases, Expectations::empty()).unwrap();
    let mut dut = FakeDut::new("dut1", MFW_9160, &lab);
    dut.recovery_fails = Some(format!("does not answer AT; partial output: {flood}"));
    let out = run.execute(vec![dut], Vec::new()).unwrap();

    let message_cap = MESSAGE_HEAD + MESSAGE_TAIL + 64;
    let first = &out.results[0];
    let attempt = &first.attempts[0];
    assert!(first.outcome.message().len() < message_cap);
    assert!(attempt.log.notes[0].len() < message_cap);
    assert!(attempt.log.transcript.len() < TRANSCRIPT_CAP + 128);
    assert!(attempt.log.transcript.contains("bytes dropped"));
    let why = attempt.recovery.clone().unwrap().unwrap_err();
    assert!(
        why.len() < message_cap && why.contains("bytes left out"),
        "{why}"
    );
    for lost in &out.results[1..] {
        let message = lost.outcome.message();
        assert!(message.starts_with("not run: the DUT is lost"), "{message}");
        assert!(message.len() < 400, "the cause is told once: {message}");
    }
}
