//! The libtest adapter: the same run behind `cargo test --test hil` (libtest-mimic).
//!
//! Every case × DUT becomes a [`Trial`] named `<dut>::<suite>::<case>`, so libtest's filters,
//! `--exact`, `--list`, `--ignored`, `--skip` and `--test-threads` work. A trial locks its DUT
//! (one trial at a time per DUT) and executes through the same function as [`Run::execute`]
//! (same expectations, classification, retries, recovery and reporter events). Trials are
//! ordered case-major (interleaved by DUT) so worker threads rarely wait on the same DUT, and
//! `--test-threads` defaults to the number of DUTs.
//!
//! Outcomes map to libtest as: pass, expected-fail, characterized, not-applicable → `ok` (with a
//! `note:` line on stderr for the non-pass ones); fail, unexpected-pass, error → `FAILED` with
//! the message. Notes and messages are one line ([`crate::Outcome::note`]): a detail that
//! carries a PEM or a long response stays in the reports. Filters of the [`Run`] itself are not
//! used here: libtest's arguments decide. The run's own retries setting ([`Run::with_retries`])
//! applies (the app layer reads it from `HIL_RETRIES`, since libtest owns the command line).

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use libtest_mimic::{Arguments, Conclusion, Failed, Trial};

use crate::event::{Collector, EventSink, Reporter, RunEvent, Summary, incomplete_reports};
use crate::outcome::{OutcomeKind, TrialId, TrialResult};
use crate::run::{Run, RunError, check_unique_names, summarize};
use crate::session::DutSession;
use crate::trial::{DutSlot, TrialContext, execute_reported};

/// What a libtest run gives back.
pub struct LibtestOutput<D> {
    /// libtest's conclusion; `conclusion.exit()` ends the test binary with its status.
    pub conclusion: Conclusion,
    /// The run summary (`None` with `--list`, when nothing ran).
    pub summary: Option<Summary>,
    /// The DUT sessions, for the caller to close.
    pub duts: Vec<D>,
    /// The reporters, after they saw `RunFinished`.
    pub reporters: Vec<Box<dyn Reporter>>,
}

type SharedSlot<D> = Arc<Mutex<DutSlot<D>>>;
/// The trials not run because the run was stopped.
type NotRun = Arc<Mutex<Vec<TrialId>>>;

/// Runs `run` on `duts` as libtest trials with `args` (usually `Arguments::from_args()`).
pub fn run_libtest<D: DutSession + 'static>(
    run: Run<D>,
    args: &Arguments,
    duts: Vec<D>,
    reporters: Vec<Box<dyn Reporter>>,
) -> Result<LibtestOutput<D>, RunError> {
    check_unique_names(&duts)?;
    let mut args = args.clone();
    if args.test_threads.is_none() {
        args.test_threads = Some(duts.len().max(1));
    }
    let run = Arc::new(run);
    let slots: Vec<SharedSlot<D>> = duts
        .into_iter()
        .map(|d| Arc::new(Mutex::new(DutSlot::new(d))))
        .collect();

    if args.list {
        let trials = build_trials(&run, &slots, &EventSink::null(), &Arc::default());
        let conclusion = libtest_mimic::run(&args, trials);
        return Ok(LibtestOutput {
            conclusion,
            summary: None,
            duts: unwrap_slots(slots).into_iter().map(|s| s.session).collect(),
            reporters,
        });
    }

    let clock = Instant::now();
    let collector = Collector::start(reporters);
    let events = collector.sink();
    let not_run = Arc::new(Mutex::new(Vec::new()));
    let trials = build_trials(&run, &slots, &events, &not_run);

    // What libtest will actually execute, per DUT, for the start events.
    let mut planned_per_dut = vec![0usize; slots.len()];
    for (i, trial) in trials.iter().enumerate() {
        if !args.is_filtered_out(trial) && !args.is_ignored(trial) {
            planned_per_dut[i % slots.len().max(1)] += 1;
        }
    }
    let infos: Vec<_> = slots.iter().map(|s| lock(s).info.clone()).collect();
    events.send(RunEvent::RunStarted {
        info: run.info().clone(),
        duts: infos.clone(),
        planned: planned_per_dut.iter().sum(),
    });
    for (info, planned) in infos.iter().zip(&planned_per_dut) {
        events.send(RunEvent::DutStarted {
            dut: info.clone(),
            planned: *planned,
        });
    }

    let conclusion = libtest_mimic::run(&args, trials);

    let slots = unwrap_slots(slots);
    for slot in &slots {
        events.send(slot.finished_event());
    }
    let not_run = std::mem::take(&mut *not_run.lock().unwrap_or_else(PoisonError::into_inner));
    let mut summary = summarize(&slots, clock, run.stop_flag(), not_run);
    events.send(RunEvent::RunFinished(summary.clone()));
    drop(events);
    let reporters = collector.finish();
    summary.incomplete_reports = incomplete_reports(&reporters);
    Ok(LibtestOutput {
        conclusion,
        summary: Some(summary),
        duts: slots.into_iter().map(|s| s.session).collect(),
        reporters,
    })
}

/// Case-major trials: `case1` on every DUT, then `case2` on every DUT, …
fn build_trials<D: DutSession + 'static>(
    run: &Arc<Run<D>>,
    slots: &[SharedSlot<D>],
    events: &EventSink,
    not_run: &NotRun,
) -> Vec<Trial> {
    let dut_names: Vec<String> = slots.iter().map(|s| lock(s).info.name.clone()).collect();
    let mut trials = Vec::new();
    for (case_index, case) in run.cases().iter().enumerate() {
        for (slot, dut) in slots.iter().zip(&dut_names) {
            let name = TrialId::new(dut.clone(), case.id()).to_string();
            let run = Arc::clone(run);
            let slot = Arc::clone(slot);
            let events = events.clone();
            let not_run = Arc::clone(not_run);
            let trial = Trial::test(name, move || {
                execute_trial_for_libtest(&run, case_index, &slot, &events, &not_run)
            })
            .with_ignored_flag(case.ignored());
            trials.push(trial);
        }
    }
    trials
}

fn execute_trial_for_libtest<D: DutSession>(
    run: &Run<D>,
    case_index: usize,
    slot: &Mutex<DutSlot<D>>,
    events: &EventSink,
    not_run: &Mutex<Vec<TrialId>>,
) -> Result<(), Failed> {
    let mut slot = lock(slot);
    if run.stop_flag().is_requested() {
        let id = TrialId::new(slot.info.name.clone(), run.cases()[case_index].id());
        not_run
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(id);
        return Err(Failed::from("not run: the run was stopped"));
    }
    let ctx = TrialContext {
        expectations: run.expectations(),
        retries: run.retries(),
        stop: run.stop_flag(),
    };
    let case = run.cases()[case_index].as_ref();
    let result = execute_reported(&ctx, &mut slot, case, events);
    drop(slot);
    to_libtest(&result)
}

/// The libtest verdict for a result, printing a note for non-pass `ok`s.
fn to_libtest(result: &TrialResult) -> Result<(), Failed> {
    match verdict(result) {
        Verdict::Failed(message) => Err(Failed::from(message)),
        Verdict::Ok(Some(note)) => {
            eprintln!("{note}");
            Ok(())
        }
        Verdict::Ok(None) => Ok(()),
    }
}

/// What libtest shows for a result: one line each (the outcome's [`Outcome::note`]); the
/// reports keep the full detail.
///
/// [`Outcome::note`]: crate::Outcome::note
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// `ok`, with a `note:` line for non-pass results and retried passes.
    Ok(Option<String>),
    /// `FAILED` with this message.
    Failed(String),
}

fn verdict(result: &TrialResult) -> Verdict {
    let kind = result.outcome.kind();
    let max_attempts = result.max_attempts;
    let attempts = result.attempts.len();
    let retry_note = if result.is_flaky() {
        format!(" (FLAKY: passed on attempt {attempts}/{max_attempts})")
    } else if attempts > 1 {
        format!(" (RERUN: failed {attempts}/{max_attempts} attempts)")
    } else {
        String::new()
    };
    let note = result.outcome.note();
    if kind.is_unexpected() {
        return Verdict::Failed(format!("{}: {note}{retry_note}", kind.label()));
    }
    if kind == OutcomeKind::Pass && retry_note.is_empty() {
        return Verdict::Ok(None);
    }
    let note = if note.is_empty() { "passed" } else { &note };
    Verdict::Ok(Some(format!(
        "note: {}: {}: {note}{retry_note}",
        result.id,
        kind.label()
    )))
}

fn lock<D>(slot: &Mutex<DutSlot<D>>) -> std::sync::MutexGuard<'_, DutSlot<D>> {
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

fn unwrap_slots<D>(slots: Vec<SharedSlot<D>>) -> Vec<DutSlot<D>> {
    slots
        .into_iter()
        .map(|s| match Arc::try_unwrap(s) {
            Ok(m) => m.into_inner().unwrap_or_else(PoisonError::into_inner),
            Err(_) => unreachable!("libtest_mimic::run consumed every trial"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::case::CaseId;
    use crate::outcome::Outcome;

    fn result(outcome: Outcome) -> TrialResult {
        TrialResult {
            id: TrialId::new("dut", CaseId::new("cmng", "digest_crlf")),
            description: String::new(),
            mfw: None,
            outcome,
            attempts: Vec::new(),
            max_attempts: 1,
            started: SystemTime::UNIX_EPOCH,
            duration: Duration::ZERO,
        }
    }

    const PEM_DETAIL: &str = "`AT%CMNG=0,1,0,\"-----BEGIN CERTIFICATE-----\nMIIBhjCCASyg\n-----END CERTIFICATE-----\n\"` was rejected: +CME ERROR: 527";

    #[test]
    fn an_expected_failure_with_a_pem_in_its_detail_is_a_one_line_note() {
        let xfail = result(Outcome::ExpectedFail {
            signature: "+CME ERROR: 527".into(),
            reason: "content validation".into(),
            detail: PEM_DETAIL.into(),
        });
        let Verdict::Ok(Some(note)) = verdict(&xfail) else {
            panic!("an expected failure is ok with a note");
        };
        assert_eq!(note.lines().count(), 1, "{note}");
        assert!(
            note.starts_with("note: dut::cmng::digest_crlf: XFAIL: expected failure +CME ERROR: 527: content validation"),
            "{note}"
        );
        assert!(!note.contains("MIIB") && note.ends_with("(full detail in the reports)"));
    }

    #[test]
    fn a_failure_message_is_one_line_too() {
        let fail = result(Outcome::Fail {
            seen: "+CME ERROR: 527".into(),
            detail: PEM_DETAIL.into(),
            expected: None,
        });
        let Verdict::Failed(message) = verdict(&fail) else {
            panic!("a failure fails");
        };
        assert_eq!(message.lines().count(), 1, "{message}");
        assert!(
            message.starts_with("FAIL: saw +CME ERROR: 527: "),
            "{message}"
        );
        assert_eq!(verdict(&result(Outcome::Pass)), Verdict::Ok(None));
    }
}
