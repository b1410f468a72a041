//! Execute one trial (one case on one DUT): expectation lookup, attempts with retries,
//! recovery after a hang or infrastructure error, classification.
//!
//! This is the single execution path: the scheduler ([`crate::run`]) and the libtest adapter
//! ([`crate::libtest`]) both go through [`execute_reported`], so classification, retries and
//! reporter events are the same whichever way a run is started.
//!
//! A case's words about the modem (its hang message, the expectation's reason) stand only when
//! the DUT is known to be alive afterwards: when recovery fails, the attempt is an error saying
//! the DUT was lost, and the DUT's remaining cases are "not run" with that one cause (cases the
//! expectation data skips stay not-applicable). A DUT that never came up runs no case at all:
//! each is "not run: the board did not come up" with its bring-up fault, and no recovery is
//! tried on it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant, SystemTime};

use crate::bound::bounded_message;
use crate::case::{Case, CaseLog, Problem};
use crate::classify::classify;
use crate::event::{Counts, DutInfo, EventSink, RunEvent};
use crate::expectations::{Expectation, Expectations};
use crate::outcome::{Attempt, Outcome, TrialId, TrialResult, one_line};

/// Most characters of the cause repeated in each case a lost DUT did not run.
const LOST_NOTE_CHARS: usize = 240;
use crate::session::DutSession;
use crate::stop::StopFlag;

/// The most extra attempts a run may give a trial (`--retries`, `HIL_RETRIES`): a failing case
/// on a slow board already takes minutes per attempt.
pub const MAX_RETRIES: u32 = 10;

/// What every trial of a run shares.
#[derive(Debug, Clone, Copy)]
pub struct TrialContext<'a> {
    /// The expectation data outcomes are looked up in.
    pub expectations: &'a Expectations,
    /// Extra attempts for a failed or errored trial (`--retries N`).
    pub retries: u32,
    /// No retry starts once a stop is requested.
    pub stop: &'a StopFlag,
}

/// A trial's result and what it did to the DUT.
#[derive(Debug, Clone)]
pub struct TrialExecution {
    /// The trial's result.
    pub result: TrialResult,
    /// Set when recovery failed: the DUT is lost and its remaining cases are not run (errors).
    pub dut_lost: Option<String>,
}

/// Executes `case` on `dut`: looks up the expectation for the DUT's firmware, runs attempts
/// (a failed or errored attempt is re-run up to `ctx.retries` times), recovers the DUT after a
/// hang, an infrastructure error or a panic, and classifies. Emits no events.
pub fn execute_trial<D: DutSession>(
    ctx: &TrialContext<'_>,
    dut: &mut D,
    case: &dyn Case<D>,
) -> TrialExecution {
    let id = TrialId::new(dut.name(), case.id());
    let mfw = dut.firmware().cloned();
    let expectation = ctx
        .expectations
        .lookup(&id.case, mfw.as_ref())
        .map(|entry| &entry.expect);
    let trial_started = SystemTime::now();
    let clock = Instant::now();
    let max_attempts = ctx.retries.saturating_add(1);
    let mut result = TrialResult {
        id,
        description: case.description().to_string(),
        mfw,
        outcome: Outcome::Pass,
        attempts: Vec::new(),
        max_attempts,
        started: trial_started,
        duration: Duration::ZERO,
    };

    if let Some(Expectation::Skip { reason }) = expectation {
        result.outcome = Outcome::NotApplicable {
            reason: reason.clone(),
        };
        return TrialExecution {
            result,
            dut_lost: None,
        };
    }
    let case_id = case.id();

    let mut dut_lost = None;
    for number in 1..=max_attempts {
        let started = SystemTime::now();
        let attempt_clock = Instant::now();
        let mut log = CaseLog::new();
        let problem = run_case(case, dut, &mut log).map_err(Problem::bounded);
        log.bound();
        let duration = attempt_clock.elapsed();
        let recovery = match &problem {
            Err(p) if p.needs_recovery() => Some(recover(dut).map_err(|why| bounded_message(&why))),
            _ => None,
        };
        let outcome = match (&recovery, &problem) {
            (Some(Err(why)), Err(p)) => {
                dut_lost = Some(format!(
                    "recovery of {} after {case_id} failed: {why}",
                    dut.name()
                ));
                lost_during(p, why)
            }
            _ => classify(expectation, &problem),
        };
        let retry = outcome.kind().is_retryable()
            && dut_lost.is_none()
            && number < max_attempts
            && !ctx.stop.is_requested();
        result.attempts.push(Attempt {
            number,
            outcome,
            started,
            duration,
            log,
            recovery,
        });
        if !retry {
            break;
        }
        tracing::info!(trial = %result.id, attempt = number, "retrying");
    }
    result.outcome = result
        .attempts
        .last()
        .map(|a| a.outcome.clone())
        .unwrap_or(Outcome::Pass);
    result.duration = clock.elapsed();
    TrialExecution { result, dut_lost }
}

/// The outcome of an attempt after which the DUT could not be recovered: an error that says so.
/// A hang's message is left out — it explains the silence as modem or console behaviour, which
/// nothing supports once the DUT itself is gone; an infrastructure message is kept.
fn lost_during(problem: &Problem, why: &str) -> Outcome {
    let message = match problem {
        Problem::Hang(_) => format!(
            "the DUT stopped answering during this case and could not be recovered ({why}); \
             nothing is concluded about the modem"
        ),
        // A DUT that never came up fails recovery for the reason the case already gives.
        Problem::Infra(m) if why.contains(m.as_str()) => format!("{problem} (not recoverable)"),
        other => format!("{other}; then the DUT could not be recovered ({why})"),
    };
    // The problem and the recovery error are each bounded; so is what they make together.
    Outcome::Error {
        message: bounded_message(&message),
    }
}

/// Runs the case body; a panic is an error (a harness bug) that also needs recovery.
fn run_case<D>(case: &dyn Case<D>, dut: &mut D, log: &mut CaseLog) -> Result<(), Problem> {
    match catch_unwind(AssertUnwindSafe(|| case.run(dut, log))) {
        Ok(result) => result,
        Err(payload) => Err(Problem::Infra(format!(
            "the case panicked: {}",
            panic_text(payload.as_ref())
        ))),
    }
}

fn recover<D: DutSession>(dut: &mut D) -> Result<(), String> {
    tracing::warn!(dut = dut.name(), "recovering DUT");
    match catch_unwind(AssertUnwindSafe(|| dut.recover())) {
        Ok(result) => result.map_err(|e| error_text(&e)),
        Err(payload) => Err(format!(
            "recovery panicked: {}",
            panic_text(payload.as_ref())
        )),
    }
}

/// An error and its causes on one line (`a: b: c`), without repeating a cause whose text the
/// message above it already contains.
fn error_text(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let more = c.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        cause = c.source();
    }
    text
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(non-string panic payload)".to_string())
}

/// Why a DUT runs no more cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Lost {
    /// It never came up (bring-up stopped at this fault): no case ran, no recovery was tried.
    NotUp(String),
    /// Recovery failed after a case (the trial and the cause).
    Recovery(String),
}

impl Lost {
    /// What a case the DUT does not run says: the cause once, short, so a long one is not
    /// repeated in every case (it is told in full once per board: the suite's `dut_lost`).
    fn not_run(&self) -> String {
        match self {
            Lost::NotUp(fault) => format!(
                "not run: the board did not come up: {}",
                one_line(fault, LOST_NOTE_CHARS)
            ),
            Lost::Recovery(why) => format!(
                "not run: the DUT is lost ({})",
                one_line(why, LOST_NOTE_CHARS)
            ),
        }
    }

    /// The cause in full (bounded), for the DUT's finished event.
    fn cause(&self) -> String {
        match self {
            Lost::NotUp(fault) => format!("the board did not come up: {fault}"),
            Lost::Recovery(why) => why.clone(),
        }
    }
}

/// A DUT as the scheduler holds it: the session, whether it is lost, and its counts so far.
pub(crate) struct DutSlot<D> {
    pub session: D,
    pub info: DutInfo,
    pub lost: Option<Lost>,
    pub counts: Counts,
    pub busy: Duration,
}

impl<D: DutSession> DutSlot<D> {
    /// A slot for `session`; a DUT that did not come up is lost from the start.
    pub fn new(session: D) -> Self {
        let info = DutInfo::of(&session);
        let lost = session
            .bring_up_fault()
            .map(|fault| Lost::NotUp(bounded_message(&fault)));
        DutSlot {
            session,
            info,
            lost,
            counts: Counts::default(),
            busy: Duration::ZERO,
        }
    }

    pub fn finished_event(&self) -> RunEvent {
        RunEvent::DutFinished {
            dut: self.info.clone(),
            counts: self.counts,
            duration: self.busy,
            lost: self.lost.as_ref().map(Lost::cause),
        }
    }
}

/// Executes one trial on a scheduled DUT and reports it: `CaseStarted`, then `CaseFinished`
/// with the full result. On a lost DUT the case is not run and is reported as an error.
pub(crate) fn execute_reported<D: DutSession>(
    ctx: &TrialContext<'_>,
    slot: &mut DutSlot<D>,
    case: &dyn Case<D>,
    events: &EventSink,
) -> TrialResult {
    let id = TrialId::new(slot.session.name(), case.id());
    events.send(RunEvent::CaseStarted {
        id: id.clone(),
        description: case.description().to_string(),
    });
    let mfw = slot.session.firmware().cloned();
    let skipped = ctx
        .expectations
        .lookup(&id.case, mfw.as_ref())
        .and_then(|entry| match &entry.expect {
            Expectation::Skip { reason } => Some(reason.clone()),
            _ => None,
        });
    let result = match &slot.lost {
        Some(lost) => TrialResult {
            id,
            description: case.description().to_string(),
            mfw,
            // A case the data skips would not have run anyway: it stays not-applicable.
            outcome: match skipped {
                Some(reason) => Outcome::NotApplicable { reason },
                None => Outcome::Error {
                    message: lost.not_run(),
                },
            },
            attempts: Vec::new(),
            max_attempts: ctx.retries.saturating_add(1),
            started: SystemTime::now(),
            duration: Duration::ZERO,
        },
        None => {
            let execution = execute_trial(ctx, &mut slot.session, case);
            if let Some(why) = execution.dut_lost {
                tracing::error!(dut = slot.session.name(), "{why}");
                slot.lost = Some(Lost::Recovery(why));
            }
            execution.result
        }
    };
    slot.counts.add(&result);
    slot.busy += result.duration;
    events.send(RunEvent::CaseFinished(Box::new(result.clone())));
    result
}

#[cfg(test)]
mod tests {
    use super::error_text;

    #[derive(Debug, thiserror::Error)]
    #[error("power cycle: {0}")]
    struct Repeats(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("power cycle failed")]
    struct Hides(#[source] std::io::Error);

    #[test]
    fn a_cause_is_shown_once() {
        let inner = || std::io::Error::other("supply does not answer");
        assert_eq!(
            error_text(&Repeats(inner())),
            "power cycle: supply does not answer"
        );
        assert_eq!(
            error_text(&Hides(inner())),
            "power cycle failed: supply does not answer"
        );
    }
}
