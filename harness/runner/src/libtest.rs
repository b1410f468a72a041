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
//! the message. Notes and failure messages are one line each ([`one_line`]): a detail that
//! holds a whole PEM certificate stays in the reports, not on the terminal. Filters of the
//! [`Run`] itself are not used here: libtest's arguments decide. The run's own retries setting
//! ([`Run::with_retries`]) applies (the app layer reads it from `HIL_RETRIES`, since libtest
//! owns the command line).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use libtest_mimic::{Arguments, Conclusion, Failed, Trial};

use crate::event::{Collector, EventSink, Reporter, RunEvent, Summary};
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
    let not_run = Arc::new(AtomicUsize::new(0));
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
    let not_run = not_run.load(Ordering::SeqCst);
    let summary = summarize(&slots, clock, run.stop_flag(), not_run);
    events.send(RunEvent::RunFinished(summary.clone()));
    drop(events);
    let reporters = collector.finish();
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
    not_run: &Arc<AtomicUsize>,
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
    not_run: &AtomicUsize,
) -> Result<(), Failed> {
    let mut slot = lock(slot);
    if run.stop_flag().is_requested() {
        not_run.fetch_add(1, Ordering::SeqCst);
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
    if kind.is_unexpected() {
        return Err(Failed::from(format!(
            "{}: {}{retry_note}",
            kind.label(),
            one_line(&result.outcome.message())
        )));
    }
    if kind != OutcomeKind::Pass || !retry_note.is_empty() {
        let message = result.outcome.message();
        let message = if message.is_empty() {
            "passed".to_string()
        } else {
            one_line(&message)
        };
        eprintln!(
            "note: {}: {}: {message}{retry_note}",
            result.id,
            kind.label()
        );
    }
    Ok(())
}

/// Longest message shown on a libtest line, in characters.
pub const LINE_LIMIT: usize = 200;

/// `message` as one terminal line: its first line, cut at [`LINE_LIMIT`] characters, with a
/// pointer to the reports when anything was left out (e.g. the PEM text a case sent).
pub fn one_line(message: &str) -> String {
    let first = message.lines().next().unwrap_or("").trim_end();
    let cut: String = first.chars().take(LINE_LIMIT).collect();
    if cut.len() == message.trim_end().len() {
        cut
    } else {
        format!("{cut} … (full text in the reports)")
    }
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
    use super::*;

    #[test]
    fn a_one_line_message_is_kept_as_it_is() {
        assert_eq!(one_line("saw +CME ERROR: 527"), "saw +CME ERROR: 527");
        assert_eq!(one_line("trailing\n"), "trailing");
    }

    #[test]
    fn a_multi_line_message_keeps_its_first_line_and_points_at_the_reports() {
        let pem = "expected failure +CME ERROR: 527: CRLF refused: wrote -----BEGIN CERTIFICATE-----\n\
                   MIIBszCCAVmgAwIBAgIUJ\n-----END CERTIFICATE-----";
        let line = one_line(pem);
        assert_eq!(
            line,
            "expected failure +CME ERROR: 527: CRLF refused: wrote -----BEGIN CERTIFICATE----- \
             … (full text in the reports)"
        );
        assert!(!line.contains('\n') && !line.contains("MIIB"), "{line}");
    }

    #[test]
    fn a_long_line_is_cut_on_a_character_boundary() {
        let long = "é".repeat(LINE_LIMIT + 10);
        let line = one_line(&long);
        assert!(line.starts_with(&"é".repeat(LINE_LIMIT)), "{line}");
        assert!(line.ends_with("(full text in the reports)"), "{line}");
    }
}
