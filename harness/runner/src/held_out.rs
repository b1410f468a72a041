//! Boards held out of a run (a board in maintenance): nothing touches them, and the run still
//! reports them — each selected case as skipped with the reason, plus one error trial
//! `<dut>::health::maintenance` so a dashboard shows the board is out — instead of dropping
//! them silently.

use std::time::{Duration, SystemTime};

use crate::case::CaseId;
use crate::event::{Counts, DutInfo, EventSink, RunEvent};
use crate::outcome::{Outcome, TrialId, TrialResult};

/// The suite of the trial that says a board is held out.
pub const HEALTH_SUITE: &str = "health";
/// The case of the trial that says a board is held out.
pub const MAINTENANCE_CASE: &str = "maintenance";

/// A board the run does not touch, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldOut {
    /// The board as reports show it (no firmware is read: it is not touched).
    pub dut: DutInfo,
    /// Why, one line (e.g. `in maintenance since 2025-03-04T05:06:07Z (…): …`).
    pub reason: String,
    /// How an engineer returns it to service, e.g. ``hil boards ready dk-1``.
    pub how_to_return: String,
}

impl HeldOut {
    /// The board `name`, held out for `reason`; `how_to_return` names the command that returns
    /// it to service (the app layer knows which one applies).
    pub fn new(
        name: impl Into<String>,
        reason: impl Into<String>,
        how_to_return: impl Into<String>,
    ) -> Self {
        HeldOut {
            dut: DutInfo {
                name: name.into(),
                firmware: None,
                properties: Vec::new(),
            },
            reason: reason.into(),
            how_to_return: how_to_return.into(),
        }
    }

    /// The id of the error trial that says the board is out: `<dut>::health::maintenance`.
    pub fn trial_id(&self) -> TrialId {
        TrialId::new(
            self.dut.name.clone(),
            CaseId::new(HEALTH_SUITE, MAINTENANCE_CASE),
        )
    }
}

/// Reports `held` with its selected cases (`(id, description)`) skipped, then the maintenance
/// error; returns its counts and results.
pub(crate) fn report_held_out(
    held: &HeldOut,
    selected: &[(CaseId, String)],
    events: &EventSink,
) -> (Counts, Vec<TrialResult>) {
    events.send(RunEvent::DutStarted {
        dut: held.dut.clone(),
        planned: selected.len() + 1,
    });
    let skipped = selected.iter().map(|(case, description)| {
        let id = TrialId::new(held.dut.name.clone(), case.clone());
        let reason = format!("not run: the board is {}", held.reason);
        result(id, description.clone(), Outcome::NotApplicable { reason })
    });
    let error = result(
        held.trial_id(),
        "the board is in maintenance: the run did not touch it".to_string(),
        Outcome::Error {
            message: format!(
                "the board is {reason}; return it with {how}",
                reason = held.reason,
                how = held.how_to_return,
            ),
        },
    );
    let mut counts = Counts::default();
    let mut results = Vec::new();
    for r in skipped.chain(std::iter::once(error)) {
        events.send(RunEvent::CaseStarted {
            id: r.id.clone(),
            description: r.description.clone(),
        });
        counts.add(&r);
        events.send(RunEvent::CaseFinished(Box::new(r.clone())));
        results.push(r);
    }
    events.send(RunEvent::DutFinished {
        dut: held.dut.clone(),
        counts,
        duration: Duration::ZERO,
        lost: None,
    });
    (counts, results)
}

fn result(id: TrialId, description: String, outcome: Outcome) -> TrialResult {
    TrialResult {
        id,
        description,
        mfw: None,
        outcome,
        attempts: Vec::new(),
        max_attempts: 1,
        started: SystemTime::now(),
        duration: Duration::ZERO,
    }
}
