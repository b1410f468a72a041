//! The scheduler against fake DUTs: parallel across DUTs, sequential per DUT, recovery after a
//! hang, lost DUTs, retries, the stop flag, filters and expectations.

use std::time::Duration;

use hil_runner::{
    Expectations, Filter, IgnoredMode, OutcomeKind, Problem, Run, RunError, RunEvent, RunInfo,
    StopFlag,
};
use hil_testkit::{FakeDut, Lab, Recorder, case, passing};

const MFW_9160: &str = "mfw_nrf9160_1.3.6";

fn kinds(results: &[hil_runner::TrialResult]) -> Vec<(String, OutcomeKind)> {
    results
        .iter()
        .map(|r| (r.id.to_string(), r.outcome.kind()))
        .collect()
}

#[test]
fn duts_run_in_parallel_and_cases_on_a_dut_sequentially() {
    let lab = Lab::default();
    let busy = Duration::from_millis(60);
    let cases = vec![
        case("cmng", "a", busy, |_, _| Ok(())),
        case("cmng", "b", busy, |_, _| Ok(())),
        case("cmng", "c", busy, |_, _| Ok(())),
    ];
    let run = Run::new(RunInfo::new("rack-1"), cases, Expectations::empty()).unwrap();
    let recorder = Recorder::default();
    let duts = vec![
        FakeDut::new("dut1", MFW_9160, &lab),
        FakeDut::new("dut2", MFW_9160, &lab),
    ];
    let out = run.execute(duts, recorder.boxed()).unwrap();

    assert_eq!(out.results.len(), 6);
    assert_eq!(out.summary.total.pass, 6);
    assert!(out.summary.is_success());
    assert_eq!(out.duts.len(), 2);
    let mut names: Vec<String> = out.results.iter().map(|r| r.id.to_string()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 6);
    assert!(names.contains(&"dut2::cmng::b".to_string()));

    let spans = lab.spans();
    for dut in ["dut1", "dut2"] {
        let mut mine: Vec<_> = spans.iter().filter(|s| s.dut == dut).collect();
        assert_eq!(mine.len(), 3);
        mine.sort_by_key(|s| s.start);
        for pair in mine.windows(2) {
            assert!(
                pair[0].end <= pair[1].start,
                "{dut}: {} and {} overlap",
                pair[0].case,
                pair[1].case
            );
        }
        let order: Vec<_> = mine.iter().map(|s| s.case.as_str()).collect();
        assert_eq!(order, ["cmng::a", "cmng::b", "cmng::c"]);
    }
    let overlap_across_duts = spans.iter().filter(|s| s.dut == "dut1").any(|a| {
        spans
            .iter()
            .filter(|s| s.dut == "dut2")
            .any(|b| a.start < b.end && b.start < a.end)
    });
    assert!(
        overlap_across_duts,
        "the two DUTs never ran at the same time"
    );

    // Event order: run start first, run finish last; per DUT start, cases in pairs, finish.
    let events = recorder.events();
    assert!(matches!(
        events.first(),
        Some(RunEvent::RunStarted { planned: 6, .. })
    ));
    assert!(matches!(events.last(), Some(RunEvent::RunFinished(s)) if s.total.pass == 6));
    for dut in ["dut1", "dut2"] {
        let mine: Vec<&str> = events
            .iter()
            .filter_map(|e| match e {
                RunEvent::DutStarted { dut: d, .. } if d.name == dut => Some("dut-start"),
                RunEvent::CaseStarted { id, .. } if id.dut == dut => Some("case-start"),
                RunEvent::CaseFinished(r) if r.id.dut == dut => Some("case-end"),
                RunEvent::DutFinished { dut: d, .. } if d.name == dut => Some("dut-end"),
                _ => None,
            })
            .collect();
        assert_eq!(
            mine,
            [
                "dut-start",
                "case-start",
                "case-end",
                "case-start",
                "case-end",
                "case-start",
                "case-end",
                "dut-end"
            ]
        );
    }
}

#[test]
fn a_hang_recovers_the_dut_and_the_next_case_still_runs() {
    let lab = Lab::default();
    let cases = vec![
        case("cmng", "hangs", Duration::ZERO, |_, _| {
            Err(Problem::hang("no final result to AT%CMNG=0 within 5 s"))
        }),
        passing("cmng", "after"),
    ];
    let run = Run::new(RunInfo::new("r"), cases, Expectations::empty()).unwrap();
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], Vec::new())
        .unwrap();
    assert_eq!(lab.recoveries(), 1);
    assert_eq!(
        kinds(&out.results),
        [
            ("dut1::cmng::hangs".to_string(), OutcomeKind::Error),
            ("dut1::cmng::after".to_string(), OutcomeKind::Pass)
        ]
    );
    assert_eq!(out.results[0].attempts[0].recovery, Some(Ok(())));
    assert!(out.results[0].outcome.message().contains("hang"));
}

#[test]
fn a_failed_recovery_reports_the_remaining_cases_as_errors() {
    let lab = Lab::default();
    let cases = vec![
        case("cmng", "hangs", Duration::ZERO, |_, _| {
            Err(Problem::hang("silent"))
        }),
        passing("cmng", "second"),
        passing("cmng", "third"),
    ];
    let run = Run::new(RunInfo::new("r"), cases, Expectations::empty())
        .unwrap()
        .with_retries(2);
    let mut dut = FakeDut::new("dut1", MFW_9160, &lab);
    dut.recovery_fails = Some("supply does not answer".into());
    let recorder = Recorder::default();
    let out = run.execute(vec![dut], recorder.boxed()).unwrap();

    // No retry on a lost DUT, no further case executed.
    assert_eq!(out.results[0].attempts.len(), 1);
    assert_eq!(lab.runs_of("cmng::second"), 0);
    assert_eq!(out.summary.total.error, 3);
    for r in &out.results[1..] {
        assert_eq!(r.outcome.kind(), OutcomeKind::Error);
        assert!(r.attempts.is_empty());
        assert!(
            r.outcome.message().contains("supply does not answer"),
            "{}",
            r.outcome
        );
    }
    let lost = recorder.events().into_iter().find_map(|e| match e {
        RunEvent::DutFinished { lost, .. } => lost,
        _ => None,
    });
    assert!(lost.unwrap().contains("supply does not answer"));
}

#[test]
fn retries_keep_one_result_with_every_attempt() {
    let lab = Lab::default();
    let cases = vec![
        case("cmng", "flaky", Duration::ZERO, |dut, _| {
            if dut.next_attempt("flaky") < 2 {
                Err(Problem::deviation("+CME ERROR: 518", "first write refused"))
            } else {
                Ok(())
            }
        }),
        case("cmng", "broken", Duration::ZERO, |_, _| {
            Err(Problem::deviation("+CME ERROR: 513", "not found"))
        }),
        case("cmng", "port", Duration::ZERO, |_, _| {
            Err(Problem::infra("serial port vanished"))
        }),
    ];
    let run = Run::new(RunInfo::new("r"), cases, Expectations::empty())
        .unwrap()
        .with_retries(2);
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], Vec::new())
        .unwrap();
    let flaky = &out.results[0];
    assert_eq!(flaky.outcome.kind(), OutcomeKind::Pass);
    assert_eq!(flaky.attempts.len(), 2);
    assert!(flaky.is_flaky());
    assert_eq!(flaky.attempts[0].outcome.kind(), OutcomeKind::Fail);
    assert_eq!(flaky.attempts[1].number, 2);

    let broken = &out.results[1];
    assert_eq!(broken.outcome.kind(), OutcomeKind::Fail);
    assert_eq!(broken.attempts.len(), 3);
    assert!(!broken.is_flaky());

    let port = &out.results[2];
    assert_eq!(port.attempts.len(), 3);
    assert_eq!(lab.recoveries(), 3, "every infra error recovers the DUT");

    assert_eq!(out.results.len(), 3, "a retried case stays one result");
    assert_eq!(out.summary.total.flaky, 1);
    assert_eq!(out.summary.total.unexpected(), 2);
}

#[test]
fn the_stop_flag_finishes_the_current_case_and_stops() {
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
    let recorder = Recorder::default();
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], recorder.boxed())
        .unwrap();
    assert_eq!(kinds(&out.results).len(), 1);
    assert_eq!(out.results[0].outcome.kind(), OutcomeKind::Pass);
    assert!(out.summary.stopped);
    assert_eq!(out.summary.not_run, 2);
    assert!(!out.summary.is_success());
    let events = recorder.events();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RunEvent::CaseFinished(_)))
    );
    assert!(matches!(events.last(), Some(RunEvent::RunFinished(s)) if s.stopped));
}

#[test]
fn expectations_apply_per_firmware() {
    let lab = Lab::default();
    let yaml = r#"
cmng::write_crlf_pem:
  - range: "nrf91x1 >=2.0.2"
    xfail:
      signature: "+CME ERROR: 527"
      reason: "MFW >= 2.0.2 validates certificate content"
cmng::types_6_7:
  - range: "nrf91x1 <2.0.2"
    skip: "not on this firmware (test data)"
pofwarn::clear:
  - range: any
    characterize: "what clears the warning"
"#;
    let expectations = Expectations::from_yaml(yaml, "expectations.yaml").unwrap();
    let cases = vec![
        case("cmng", "write_crlf_pem", Duration::ZERO, |_, _| {
            Err(Problem::deviation("+CME ERROR: 527", "CRLF PEM refused"))
        }),
        passing("cmng", "types_6_7"),
        case("pofwarn", "clear", Duration::ZERO, |_, log| {
            log.observe("cleared by", "CFUN=1 after VDD recovered");
            Err(Problem::deviation(
                "no 528",
                "write accepted during warning",
            ))
        }),
    ];
    let run = Run::new(RunInfo::new("r"), cases, expectations).unwrap();
    let duts = vec![
        FakeDut::new("new", "mfw_nrf91x1_2.0.2", &lab),
        FakeDut::new("old", "mfw_nrf91x1_2.0.0", &lab),
    ];
    let out = run.execute(duts, Vec::new()).unwrap();
    let mut got = kinds(&out.results);
    got.sort();
    assert_eq!(
        got,
        [
            ("new::cmng::types_6_7".to_string(), OutcomeKind::Pass),
            (
                "new::cmng::write_crlf_pem".to_string(),
                OutcomeKind::ExpectedFail
            ),
            (
                "new::pofwarn::clear".to_string(),
                OutcomeKind::Characterized
            ),
            (
                "old::cmng::types_6_7".to_string(),
                OutcomeKind::NotApplicable
            ),
            ("old::cmng::write_crlf_pem".to_string(), OutcomeKind::Fail),
            (
                "old::pofwarn::clear".to_string(),
                OutcomeKind::Characterized
            ),
        ]
    );
    // The skipped case is not run at all.
    let old_skip = out
        .results
        .iter()
        .find(|r| r.id.to_string() == "old::cmng::types_6_7")
        .unwrap();
    assert!(old_skip.attempts.is_empty());
    assert_eq!(lab.runs_of("cmng::types_6_7"), 1);
    let characterized = out
        .results
        .iter()
        .find(|r| r.id.to_string() == "new::pofwarn::clear")
        .unwrap();
    assert_eq!(characterized.log().observations.len(), 1);
}

#[test]
fn filters_select_trials_by_name_and_ignored_flag() {
    let lab = Lab::default();
    let slow = || -> std::sync::Arc<dyn hil_runner::Case<FakeDut>> {
        std::sync::Arc::new(
            hil_runner::FnCase::new("pofwarn", "ramp", "slow ramp", |_: &mut FakeDut, _| Ok(()))
                .ignored(),
        )
    };
    let make = || vec![passing("cmng", "list"), passing("cmng", "write"), slow()];
    let duts = || {
        vec![
            FakeDut::new("dut1", MFW_9160, &lab),
            FakeDut::new("dut2", MFW_9160, &lab),
        ]
    };

    let run = Run::new(RunInfo::new("r"), make(), Expectations::empty())
        .unwrap()
        .with_filter(Filter::all().pattern("dut1::"));
    let out = run.execute(duts(), Vec::new()).unwrap();
    assert_eq!(
        kinds(&out.results)
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        ["dut1::cmng::list", "dut1::cmng::write"]
    );

    let run = Run::new(RunInfo::new("r"), make(), Expectations::empty())
        .unwrap()
        .with_filter(Filter::all().pattern("dut2::cmng::list").exact(true));
    assert_eq!(run.execute(duts(), Vec::new()).unwrap().results.len(), 1);

    let run = Run::new(RunInfo::new("r"), make(), Expectations::empty())
        .unwrap()
        .with_filter(Filter::all().ignored(IgnoredMode::Only));
    let out = run.execute(duts(), Vec::new()).unwrap();
    assert_eq!(out.results.len(), 2);
    assert!(out.results.iter().all(|r| r.id.case.name == "ramp"));

    let run = Run::new(RunInfo::new("r"), make(), Expectations::empty())
        .unwrap()
        .with_filter(Filter::all().ignored(IgnoredMode::Include));
    assert_eq!(run.execute(duts(), Vec::new()).unwrap().results.len(), 6);
}

#[test]
fn a_panicking_case_is_an_error_and_the_dut_is_recovered() {
    let lab = Lab::default();
    let cases = vec![
        case("cmng", "buggy", Duration::ZERO, |_, _| {
            panic!("index out of range")
        }),
        passing("cmng", "after"),
    ];
    let run = Run::new(RunInfo::new("r"), cases, Expectations::empty()).unwrap();
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], Vec::new())
        .unwrap();
    assert_eq!(out.results[0].outcome.kind(), OutcomeKind::Error);
    assert!(
        out.results[0]
            .outcome
            .message()
            .contains("index out of range")
    );
    assert_eq!(out.results[1].outcome.kind(), OutcomeKind::Pass);
    assert_eq!(lab.recoveries(), 1);
}

#[test]
fn runs_refuse_unknown_expectations_duplicate_cases_and_duplicate_duts() {
    let lab = Lab::default();
    let e =
        Expectations::from_yaml("cmng::typo:\n  - range: any\n    skip: x\n", "exp.yaml").unwrap();
    let err = Run::new(RunInfo::new("r"), vec![passing("cmng", "list")], e)
        .err()
        .unwrap();
    assert_eq!(
        err.to_string(),
        "exp.yaml:1: unknown case id `cmng::typo`: no case has this id"
    );

    let err = Run::new(
        RunInfo::new("r"),
        vec![passing("cmng", "list"), passing("cmng", "list")],
        Expectations::empty(),
    )
    .err()
    .unwrap();
    assert!(matches!(err, RunError::DuplicateCase(_)));

    let run = Run::new(
        RunInfo::new("r"),
        vec![passing("cmng", "list")],
        Expectations::empty(),
    )
    .unwrap();
    let duts = vec![
        FakeDut::new("dut1", MFW_9160, &lab),
        FakeDut::new("dut1", MFW_9160, &lab),
    ];
    assert!(matches!(
        run.execute(duts, Vec::new()),
        Err(RunError::DuplicateDut(_))
    ));
}

/// A DUT that dies during a case whose hang the data expects (the old at_host's lost quote) is
/// not explained as that product behaviour: the case is an error saying the DUT was lost. Its
/// remaining cases are "not run" with that one cause, except those the data skips.
#[test]
fn a_dut_lost_mid_case_is_not_explained_as_product_behaviour() {
    let lab = Lab::default();
    let yaml = r#"
console::lost_quote:
  - range: any
    xfail:
      signature: hang
      reason: "the old at_host waits for the closing quote (ref §7.2)"
cmng::types_6_7:
  - range: any
    skip: "not on this firmware (test data)"
"#;
    let expectations = Expectations::from_yaml(yaml, "expectations.yaml").unwrap();
    let cases = vec![
        case("console", "lost_quote", Duration::ZERO, |_, _| {
            Err(Problem::hang(
                "ESC did not recover the console: the host still waits for the closing quote (ref §7.2)",
            ))
        }),
        passing("cmng", "types_6_7"),
        passing("cmng", "after"),
    ];
    let run = Run::new(RunInfo::new("r"), cases, expectations).unwrap();
    let mut dut = FakeDut::new("dut1", MFW_9160, &lab);
    dut.recovery_fails = Some("no READY banner after the power cycle".into());
    let out = run.execute(vec![dut], Vec::new()).unwrap();
    assert_eq!(
        kinds(&out.results),
        [
            ("dut1::console::lost_quote".to_string(), OutcomeKind::Error),
            (
                "dut1::cmng::types_6_7".to_string(),
                OutcomeKind::NotApplicable
            ),
            ("dut1::cmng::after".to_string(), OutcomeKind::Error),
        ]
    );
    let died = out.results[0].outcome.message();
    assert!(died.contains("could not be recovered"), "{died}");
    assert!(died.contains("no READY banner"), "{died}");
    for product_words in ["§7.2", "closing quote", "at_host", "ESC"] {
        assert!(!died.contains(product_words), "{died}");
    }
    let not_run = out.results[2].outcome.message();
    assert!(not_run.starts_with("not run: the DUT is lost"), "{not_run}");
    assert!(
        not_run.contains("console::lost_quote") && not_run.contains("no READY banner"),
        "the one cause: {not_run}"
    );
    assert!(!not_run.contains("§7.2"), "{not_run}");
    assert_eq!(lab.runs_of("cmng::after"), 0);
}

/// A DUT whose bring-up faulted runs no case and is not recovered: each case says the board
/// did not come up, with the fault (bounded), not that recovery of it failed.
#[test]
fn a_dut_that_did_not_come_up_runs_nothing_and_says_so() {
    let lab = Lab::default();
    let yaml = "cmng::skipped:\n  - range: any\n    skip: \"not on this firmware (test data)\"\n";
    let expectations = Expectations::from_yaml(yaml, "expectations.yaml").unwrap();
    let cases = vec![
        passing("identity", "report"),
        passing("cmng", "skipped"),
        passing("cmng", "after"),
    ];
    let run = Run::new(RunInfo::new("r"), cases, expectations).unwrap();
    let recorder = Recorder::default();
    let mut down = FakeDut::new("down", MFW_9160, &lab);
    down.bring_up_fault = Some(format!(
        "the board does not answer the identity queries; partial output: {}",
        "babble ".repeat(200_000)
    ));
    let up = FakeDut::new("up", MFW_9160, &lab);
    let out = run.execute(vec![down, up], recorder.boxed()).unwrap();
    let down_results: Vec<_> = out.results.iter().filter(|r| r.id.dut == "down").collect();
    assert_eq!(down_results.len(), 3);
    for result in &down_results {
        if result.id.case.to_string() == "cmng::skipped" {
            assert_eq!(result.outcome.kind(), OutcomeKind::NotApplicable);
            continue;
        }
        assert_eq!(
            result.outcome.kind(),
            OutcomeKind::Error,
            "{}",
            result.outcome
        );
        let message = result.outcome.message();
        assert!(
            message.starts_with(
                "not run: the board did not come up: the board does not answer the identity queries"
            ),
            "{message}"
        );
        assert!(!message.contains("recovery"), "{message}");
        assert!(message.len() < 400, "{}", message.len());
        assert!(result.attempts.is_empty());
    }
    assert_eq!(
        lab.recoveries(),
        0,
        "no recovery of a board that never came up"
    );
    assert_eq!(
        lab.runs_of("identity::report"),
        1,
        "only on the board that is up"
    );
    let lost = recorder.events().into_iter().find_map(|e| match e {
        RunEvent::DutFinished { dut, lost, .. } if dut.name == "down" => lost,
        _ => None,
    });
    let lost = lost.expect("the board's cause is told once");
    assert!(lost.starts_with("the board did not come up: "), "{lost}");
    assert!(lost.len() < 4096, "bounded: {}", lost.len());
}

/// The same hang on a DUT that comes back is the expected product behaviour.
#[test]
fn a_hang_on_a_dut_that_comes_back_keeps_its_explanation() {
    let lab = Lab::default();
    let yaml = "console::lost_quote:\n  - range: any\n    xfail: { signature: hang, reason: \"the old at_host waits (ref §7.2)\" }\n";
    let expectations = Expectations::from_yaml(yaml, "expectations.yaml").unwrap();
    let cases = vec![case("console", "lost_quote", Duration::ZERO, |_, _| {
        Err(Problem::hang("the host still waits for the closing quote"))
    })];
    let run = Run::new(RunInfo::new("r"), cases, expectations).unwrap();
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], Vec::new())
        .unwrap();
    assert_eq!(out.results[0].outcome.kind(), OutcomeKind::ExpectedFail);
    assert!(out.results[0].outcome.message().contains("§7.2"));
}

#[test]
fn a_held_out_board_is_reported_skipped_with_one_maintenance_error_and_never_touched() {
    let lab = Lab::default();
    let cases = vec![passing("cmng", "a"), passing("cmng", "b")];
    let run = Run::new(RunInfo::new("rack-1"), cases, Expectations::empty())
        .unwrap()
        .with_filter(Filter::all().pattern("cmng::a"))
        .with_held_out(vec![hil_runner::HeldOut::new(
            "dut2",
            "in maintenance since 2025-03-04T05:06:07Z (taken out by hand): cable",
            "`hil boards ready dut2`",
        )]);
    let recorder = Recorder::default();
    let out = run
        .execute(vec![FakeDut::new("dut1", MFW_9160, &lab)], recorder.boxed())
        .unwrap();

    assert_eq!(
        kinds(&out.results),
        [
            ("dut1::cmng::a".to_string(), OutcomeKind::Pass),
            ("dut2::cmng::a".to_string(), OutcomeKind::NotApplicable),
            ("dut2::health::maintenance".to_string(), OutcomeKind::Error),
        ]
    );
    assert!(
        out.results[1]
            .outcome
            .message()
            .contains("since 2025-03-04")
    );
    assert!(
        out.results[2]
            .outcome
            .message()
            .contains("hil boards ready dut2")
    );
    assert!(lab.spans().iter().all(|s| s.dut == "dut1"));
    assert_eq!(out.summary.per_dut.len(), 2);
    assert_eq!(out.summary.total.error, 1);
    let planned = recorder.events().iter().find_map(|e| match e {
        RunEvent::RunStarted { planned, duts, .. } => Some((*planned, duts.len())),
        _ => None,
    });
    assert_eq!(planned, Some((3, 2)));
}
