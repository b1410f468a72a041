//! The libtest adapter against fake DUTs: names, filters, outcome mapping, one trial at a
//! time per DUT, and the same reporter events as a scheduled run.

use std::time::Duration;

use hil_runner::libtest::run_libtest;
use hil_runner::{Expectations, OutcomeKind, Problem, Run, RunEvent, RunInfo};
use hil_testkit::{FakeDut, Lab, Recorder, case, passing};
use libtest_mimic::Arguments;

const MFW: &str = "mfw_nrf91x1_2.0.2";

fn run_with(retries: u32) -> Run<FakeDut> {
    let yaml = "cmng::crlf:\n  - range: \"nrf91x1 >=2.0.2\"\n    xfail:\n      signature: \"+CME ERROR: 527\"\n      reason: content check\n";
    let busy = Duration::from_millis(30);
    let cases = vec![
        case("cmng", "list", busy, |_, _| Ok(())),
        case("cmng", "crlf", busy, |_, _| {
            Err(Problem::deviation("+CME ERROR: 527", "refused"))
        }),
        case("cmng", "broken", busy, |_, _| {
            Err(Problem::deviation("+CME ERROR: 513", "missing"))
        }),
    ];
    Run::new(
        RunInfo::new("r"),
        cases,
        Expectations::from_yaml(yaml, "e.yaml").unwrap(),
    )
    .unwrap()
    .with_retries(retries)
}

/// libtest's own output goes to a log file, so the expected `FAILED` trials of these tests do
/// not show up as failures in the test log.
fn quiet_args() -> Arguments {
    let log = std::env::temp_dir().join(format!("hil-runner-libtest-{}.log", std::process::id()));
    Arguments {
        quiet: true,
        logfile: Some(log.to_string_lossy().into_owned()),
        ..Arguments::default()
    }
}

fn duts(lab: &Lab) -> Vec<FakeDut> {
    vec![
        FakeDut::new("dut1", MFW, lab),
        FakeDut::new("dut2", MFW, lab),
    ]
}

#[test]
fn outcomes_map_to_libtest_and_reporters_see_the_same_events() {
    let lab = Lab::default();
    let recorder = Recorder::default();
    let args = Arguments {
        test_threads: Some(4),
        ..quiet_args()
    };
    let out = run_libtest(run_with(1), &args, duts(&lab), recorder.boxed()).unwrap();
    assert_eq!(out.conclusion.num_passed, 4, "pass and xfail are ok");
    assert_eq!(out.conclusion.num_failed, 2, "the unexpected failure fails");
    let summary = out.summary.unwrap();
    assert_eq!(summary.total.expected_fail, 2);
    assert_eq!(summary.total.fail, 2);
    assert_eq!(out.duts.len(), 2);

    // Even with more threads than DUTs, one trial at a time per DUT.
    let spans = lab.spans();
    for dut in ["dut1", "dut2"] {
        let mut mine: Vec<_> = spans.iter().filter(|s| s.dut == dut).collect();
        mine.sort_by_key(|s| s.start);
        assert_eq!(mine.len(), 4, "3 cases, the broken one retried once");
        for pair in mine.windows(2) {
            assert!(pair[0].end <= pair[1].start, "{dut} ran two trials at once");
        }
    }

    let events = recorder.events();
    assert!(matches!(
        events.first(),
        Some(RunEvent::RunStarted { planned: 6, .. })
    ));
    assert!(matches!(events.last(), Some(RunEvent::RunFinished(_))));
    let finished: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            RunEvent::CaseFinished(r) => Some(r),
            _ => None,
        })
        .collect();
    assert_eq!(finished.len(), 6);
    let broken = finished
        .iter()
        .find(|r| r.id.to_string() == "dut2::cmng::broken")
        .unwrap();
    assert_eq!(broken.attempts.len(), 2);
    assert_eq!(broken.outcome.kind(), OutcomeKind::Fail);
    let dut_finished = events
        .iter()
        .filter(|e| matches!(e, RunEvent::DutFinished { .. }))
        .count();
    assert_eq!(dut_finished, 2);
}

#[test]
fn libtest_filters_select_trials_by_full_name() {
    let lab = Lab::default();
    let args = Arguments {
        filter: Some("dut2::cmng::list".into()),
        exact: true,
        ..quiet_args()
    };
    let recorder = Recorder::default();
    let out = run_libtest(run_with(0), &args, duts(&lab), recorder.boxed()).unwrap();
    assert_eq!(out.conclusion.num_passed, 1);
    assert_eq!(out.conclusion.num_filtered_out, 5);
    assert_eq!(lab.spans().len(), 1);
    assert!(matches!(
        recorder.events().first(),
        Some(RunEvent::RunStarted { planned: 1, .. })
    ));

    let args = Arguments {
        filter: Some("::crlf".into()),
        ..quiet_args()
    };
    let out = run_libtest(run_with(0), &args, duts(&lab), Vec::new()).unwrap();
    assert_eq!(out.conclusion.num_passed, 2);
}

#[test]
fn list_runs_nothing_and_reports_nothing() {
    let lab = Lab::default();
    let recorder = Recorder::default();
    let args = Arguments {
        list: true,
        ..quiet_args()
    };
    let out = run_libtest(run_with(0), &args, duts(&lab), recorder.boxed()).unwrap();
    assert!(out.summary.is_none());
    assert!(lab.spans().is_empty());
    assert!(recorder.events().is_empty());
}

#[test]
fn ignored_cases_only_run_with_ignored() {
    let lab = Lab::default();
    let slow: std::sync::Arc<dyn hil_runner::Case<FakeDut>> = std::sync::Arc::new(
        hil_runner::FnCase::new("pofwarn", "ramp", "slow", |_: &mut FakeDut, _| Ok(())).ignored(),
    );
    let make = || {
        Run::new(
            RunInfo::new("r"),
            vec![passing("cmng", "list"), slow.clone()],
            Expectations::empty(),
        )
        .unwrap()
    };
    let out = run_libtest(make(), &quiet_args(), duts(&lab), Vec::new()).unwrap();
    assert_eq!(out.conclusion.num_passed, 2);
    assert_eq!(out.conclusion.num_ignored, 2);

    let args = Arguments {
        ignored: true,
        ..quiet_args()
    };
    let out = run_libtest(make(), &args, duts(&lab), Vec::new()).unwrap();
    assert_eq!(out.conclusion.num_passed, 2);
    assert_eq!(out.conclusion.num_filtered_out, 2);
}
