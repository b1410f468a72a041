//! Recording runs: what is stored, real runner output, how a run ended, concurrent writers.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::{record, temp};
use hil_history::sample::{self, dut, observed, result};
use hil_history::{History, RunEnd, RunFilter, RunId, RunRecord, TrialKey, run_end};
use hil_runner::{
    Case, CaseLog, DutInfo, Expectations, FnCase, Outcome, OutcomeKind, Problem, Run, RunInfo,
    props,
};
use hil_testkit::{FakeDut, Lab};

fn key(dut: &str, suite: &str, case: &str) -> TrialKey {
    TrialKey {
        dut: dut.into(),
        suite: suite.into(),
        case: case.into(),
    }
}

#[test]
fn a_run_and_its_trials_are_stored() {
    let t = temp();
    let mut history = History::open(&t.path).unwrap();
    let d1 = dut("d1", "mfw_nrf9160_1.3.6");
    let results = vec![
        result(&d1, "cmng", "write", Outcome::Pass),
        result(&d1, "cmng", "delete", sample::fail("+CME ERROR: 528")),
        observed(
            result(&d1, "pofwarn", "clear", sample::characterized("clears")),
            "clears_on",
            "reboot",
        ),
    ];
    let info = sample::run_info("lab-a", SystemTime::UNIX_EPOCH + Duration::from_secs(5));
    let summary = sample::summary(
        std::slice::from_ref(&d1),
        &results,
        Duration::from_millis(1500),
    );
    let recorded = history
        .record(&info, std::slice::from_ref(&d1), &results, &summary)
        .unwrap();
    assert_eq!(recorded.run, RunId(1));
    assert_eq!(recorded.trials, 3);
    assert_eq!(recorded.repaired, None);
    assert_eq!(
        recorded.to_string(),
        "run history: recorded run 1 (3 trials)"
    );

    let run = history.run(recorded.run).unwrap();
    assert_eq!(run.rack, "lab-a");
    assert_eq!(run.host, "bench-host");
    assert_eq!(run.harness_version, "0.1.0");
    assert_eq!(run.git_commit.as_deref(), Some("abc123"));
    assert_eq!(
        run.firmware_under_test.as_deref(),
        Some("at-console 0.1.0+abc123")
    );
    assert_eq!(run.started.to_string(), "1970-01-01T00:00:05Z");
    assert_eq!(run.duration_ms, 1500);
    assert_eq!(run.ended, RunEnd::Completed);
    assert_eq!(
        run.counts,
        [
            (OutcomeKind::Pass, 1),
            (OutcomeKind::Fail, 1),
            (OutcomeKind::Characterized, 1)
        ]
        .into()
    );

    let trials = history.trials(recorded.run).unwrap();
    let failed = &trials[&key("d1", "cmng", "delete")];
    assert_eq!(failed.outcome, OutcomeKind::Fail);
    assert_eq!(failed.signature.as_deref(), Some("+CME ERROR: 528"));
    assert_eq!(failed.message, "saw +CME ERROR: 528");
    assert_eq!(failed.modem_firmware.as_deref(), Some("mfw_nrf9160_1.3.6"));
    assert_eq!(failed.attempts, 1);
    assert_eq!(failed.duration_ms, 10);
    let characterized = &trials[&key("d1", "pofwarn", "clear")];
    assert_eq!(
        characterized.observations,
        [("clears_on".to_string(), "reboot".to_string())]
    );

    let boards = history.boards(recorded.run).unwrap();
    assert_eq!(boards.len(), 1);
    assert_eq!(boards[0].imei_hash.as_deref(), Some("sha256-of-d1"));
    assert_eq!(
        boards[0].modem_firmware.as_deref(),
        Some("mfw_nrf9160_1.3.6")
    );
}

#[test]
fn how_a_run_ended_follows_its_summary() {
    let d = dut("d", "mfw_nrf9160_1.3.6");
    let ok = vec![result(&d, "s", "a", Outcome::Pass)];
    let mut summary = sample::summary(std::slice::from_ref(&d), &ok, Duration::ZERO);
    assert_eq!(run_end(&summary), RunEnd::Completed);
    // A stop after the last case left nothing unrun: the run completed.
    summary.stopped = true;
    assert_eq!(run_end(&summary), RunEnd::Completed);
    summary.not_run = 1;
    assert_eq!(run_end(&summary), RunEnd::Stopped);
    // A report that could not be written (a full disk) outranks the rest.
    summary.incomplete_reports = vec![hil_runner::IncompleteReport::new(
        "JUnit",
        "r/junit.xml",
        "No space left on device (os error 28)",
    )];
    assert_eq!(run_end(&summary), RunEnd::Incomplete);

    let errors = vec![result(
        &d,
        "s",
        "a",
        Outcome::Error {
            message: "port gone".into(),
        },
    )];
    let summary = sample::summary(std::slice::from_ref(&d), &errors, Duration::ZERO);
    assert_eq!(run_end(&summary), RunEnd::InfrastructureError);
    let empty = sample::summary(&[], &[], Duration::ZERO);
    assert_eq!(run_end(&empty), RunEnd::Completed);
}

#[test]
fn an_aborted_run_is_recorded_with_what_it_has() {
    let t = temp();
    let mut history = History::open(&t.path).unwrap();
    let d = dut("d", "mfw_nrf9160_1.3.6");
    let partial = vec![result(&d, "s", "a", Outcome::Pass)];
    let info = sample::run_info("r", SystemTime::now());
    let run = RunRecord::ended(
        &info,
        std::slice::from_ref(&d),
        &partial,
        Duration::from_secs(3),
        RunEnd::Aborted,
    );
    let id = history.record_run(&run).unwrap().run;
    let row = history.run(id).unwrap();
    assert_eq!(row.ended, RunEnd::Aborted);
    assert_eq!(row.trials(), 1);
    // An aborted run is never one side of the default diff.
    assert!(history.latest_pair(Some("r")).is_err());
}

/// A board for the real runner, reporting its IMEI hash.
fn board(name: &str) -> FakeDut {
    FakeDut::new(name, "mfw_nrf9160_1.3.6", &Lab::default())
        .with_properties(&[(props::IMEI_HASH, &format!("hash-{name}"))])
}

#[test]
fn real_runner_output_records_in_one_call() {
    let cases: Vec<Arc<dyn Case<FakeDut>>> = vec![
        Arc::new(FnCase::new("cmng", "ok", "passes", |_, _| Ok(()))),
        Arc::new(FnCase::new(
            "cmng",
            "bad",
            "deviates",
            |_: &mut FakeDut, _| Err(Problem::deviation("+CME ERROR: 528", "during POFWARN")),
        )),
        Arc::new(FnCase::new(
            "pofwarn",
            "clear",
            "observes",
            |_: &mut FakeDut, log: &mut CaseLog| {
                log.observe("clears_on", "reboot");
                Err(Problem::not_applicable("no supply"))
            },
        )),
    ];
    let run = Run::new(RunInfo::new("rack-x"), cases, Expectations::empty()).unwrap();
    let boards = ["b1", "b2"].map(board);
    let out = run.execute(boards.into(), Vec::new()).unwrap();
    let duts: Vec<DutInfo> = out.duts.iter().map(DutInfo::of).collect();

    let t = temp();
    let recorded = History::open(&t.path)
        .and_then(|mut h| h.record(run.info(), &duts, &out.results, &out.summary))
        .unwrap();
    assert_eq!(recorded.trials, 6);

    let history = History::open(&t.path).unwrap();
    let trials = history.trials(recorded.run).unwrap();
    assert_eq!(trials.len(), 6);
    let bad = &trials[&key("b2", "cmng", "bad")];
    assert_eq!(bad.outcome, OutcomeKind::Fail);
    assert_eq!(bad.signature.as_deref(), Some("+CME ERROR: 528"));
    assert_eq!(
        trials[&key("b1", "pofwarn", "clear")].outcome,
        OutcomeKind::NotApplicable
    );
    let board = &history.boards(recorded.run).unwrap()[1];
    assert_eq!(board.dut, "b2");
    assert_eq!(board.imei_hash.as_deref(), Some("hash-b2"));
    assert_eq!(history.run(recorded.run).unwrap().rack, "rack-x");
}

#[test]
fn concurrent_runs_on_different_boards_all_record() {
    let t = temp();
    // Created once first, as the first run on a machine would.
    drop(History::open(&t.path).unwrap());
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let path = t.path.clone();
            std::thread::spawn(move || {
                let mut history = History::open(&path).unwrap();
                for night in 0..5 {
                    let mut run = sample::default_rack_run(&format!("host-{w}"), night);
                    // Each writer has its own boards.
                    for r in &mut run.results {
                        r.id.dut = format!("{}-w{w}", r.id.dut);
                    }
                    record(&mut history, &run);
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("a writer failed");
    }
    let history = History::open(&t.path).unwrap();
    let runs = history
        .list_runs(&RunFilter {
            limit: 100,
            ..RunFilter::default()
        })
        .unwrap();
    assert_eq!(runs.len(), 20);
    assert!(runs.iter().all(|r| r.trials() == 186));
    for w in 0..4 {
        let mine = runs
            .iter()
            .filter(|r| r.rack == format!("host-{w}"))
            .count();
        assert_eq!(mine, 5);
    }
}

#[test]
fn several_openers_creating_the_file_at_once_all_succeed() {
    let t = temp();
    let openers: Vec<_> = (0..4)
        .map(|_| {
            let path = t.path.clone();
            std::thread::spawn(move || {
                let mut history = History::open(&path).unwrap();
                record(&mut history, &sample::default_rack_run("sim", 0)).run
            })
        })
        .collect();
    let mut ids: Vec<RunId> = openers.into_iter().map(|h| h.join().unwrap()).collect();
    ids.sort();
    assert_eq!(ids, [RunId(1), RunId(2), RunId(3), RunId(4)]);
}
