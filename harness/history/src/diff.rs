//! What changed between two runs: every trial whose outcome changed, grouped by what the
//! change means, changed characterization observations, trials that appeared or disappeared,
//! and boards whose modem firmware changed.
//!
//! Each changed trial is in exactly one outcome group, decided by the new outcome first:
//! - new failures: now fail or error, before neither;
//! - new unexpected passes: now an unexpected pass, before not;
//! - new expected failures: now an expected failure, before not;
//! - fixed: before fail, error or unexpected pass, now pass or characterized;
//! - other changes: any other change of outcome (fail -> error, pass -> not applicable, …)
//!   and a changed signature with the same outcome (fail with 518 -> fail with 528).
//!
//! Observations that differ only in timing (latencies in milliseconds) are not changes
//! (`hil_runner::observations`, the rule the HTML report's changes section uses too).

use std::collections::{BTreeMap, BTreeSet};

use hil_runner::{OutcomeKind, observations};
use serde::Serialize;

use crate::error::HistoryError;
use crate::open::History;
use crate::types::{BoardRow, RunId, RunRow, TrialKey, TrialState};

/// A trial whose outcome changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialChange {
    /// The trial.
    pub trial: TrialKey,
    /// What the earlier run recorded.
    pub before: TrialState,
    /// What the later run recorded.
    pub after: TrialState,
}

pub use hil_runner::observations::ValueChange;

/// A trial whose characterization observations changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObservationChange {
    /// The trial.
    pub trial: TrialKey,
    /// The keys whose values differ.
    pub changes: Vec<ValueChange>,
}

/// A trial in only one of the two runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialPresence {
    /// The trial.
    pub trial: TrialKey,
    /// What the run that has it recorded.
    pub state: TrialState,
}

/// A board whose modem firmware differs between the runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FirmwareChange {
    /// The board's name.
    pub dut: String,
    /// The modem firmware in the earlier run.
    pub before: Option<String>,
    /// The modem firmware in the later run.
    pub after: Option<String>,
}

/// The changes from run `from` to run `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunDiff {
    /// The earlier run.
    pub from: RunRow,
    /// The later run.
    pub to: RunRow,
    /// Trials that fail or error now and did neither before.
    pub new_failures: Vec<TrialChange>,
    /// Trials that pass (or are characterized) now after a fail, error or unexpected pass before.
    pub fixed: Vec<TrialChange>,
    /// Trials that are an unexpected pass now and were not before.
    pub new_unexpected_passes: Vec<TrialChange>,
    /// Trials that are an expected failure now and were not before.
    pub new_expected_failures: Vec<TrialChange>,
    /// Every other change of outcome, and changed signatures with the same outcome.
    pub other_changes: Vec<TrialChange>,
    /// Characterization trials whose observations changed.
    pub changed_observations: Vec<ObservationChange>,
    /// Trials only in the later run.
    pub appeared: Vec<TrialPresence>,
    /// Trials only in the earlier run.
    pub disappeared: Vec<TrialPresence>,
    /// Boards whose modem firmware changed.
    pub firmware_changes: Vec<FirmwareChange>,
}

impl RunDiff {
    /// Nothing changed at all.
    pub fn is_empty(&self) -> bool {
        self.changed_trials() == 0 && self.firmware_changes.is_empty()
    }

    /// Trials listed in any group (a trial with a changed outcome and changed observations
    /// counts once).
    pub fn changed_trials(&self) -> usize {
        let mut keys: BTreeSet<&TrialKey> = BTreeSet::new();
        for group in self.outcome_groups() {
            keys.extend(group.1.iter().map(|c| &c.trial));
        }
        keys.extend(self.changed_observations.iter().map(|c| &c.trial));
        keys.extend(self.appeared.iter().map(|c| &c.trial));
        keys.extend(self.disappeared.iter().map(|c| &c.trial));
        keys.len()
    }

    /// The outcome groups with their titles, in reading order.
    pub fn outcome_groups(&self) -> [(&'static str, &[TrialChange]); 5] {
        [
            ("new failures", &self.new_failures),
            ("new unexpected passes", &self.new_unexpected_passes),
            ("new expected failures", &self.new_expected_failures),
            ("fixed", &self.fixed),
            ("other changes", &self.other_changes),
        ]
    }
}

/// Which outcome group a change belongs to (`None`: unchanged).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Group {
    NewFailure,
    NewUnexpectedPass,
    NewExpectedFailure,
    Fixed,
    Other,
}

fn group(before: &TrialState, after: &TrialState) -> Option<Group> {
    use OutcomeKind::*;
    let (old, new) = (before.outcome, after.outcome);
    if old == new {
        return (before.signature != after.signature).then_some(Group::Other);
    }
    let failing = |k| matches!(k, Fail | Error);
    Some(match new {
        _ if failing(new) && !failing(old) => Group::NewFailure,
        UnexpectedPass => Group::NewUnexpectedPass,
        ExpectedFail => Group::NewExpectedFailure,
        Pass | Characterized if old.is_unexpected() => Group::Fixed,
        _ => Group::Other,
    })
}

/// Computes the diff of two runs' trials and boards.
pub fn compare(
    from: RunRow,
    to: RunRow,
    before: &BTreeMap<TrialKey, TrialState>,
    after: &BTreeMap<TrialKey, TrialState>,
    boards_before: &[BoardRow],
    boards_after: &[BoardRow],
) -> RunDiff {
    let mut diff = RunDiff {
        from,
        to,
        new_failures: Vec::new(),
        fixed: Vec::new(),
        new_unexpected_passes: Vec::new(),
        new_expected_failures: Vec::new(),
        other_changes: Vec::new(),
        changed_observations: Vec::new(),
        appeared: Vec::new(),
        disappeared: Vec::new(),
        firmware_changes: firmware_changes(before, after, boards_before, boards_after),
    };
    for (key, old) in before {
        let Some(new) = after.get(key) else {
            diff.disappeared.push(presence(key, old));
            continue;
        };
        let observed = observations::changes(&old.observations, &new.observations);
        if !observed.is_empty() {
            diff.changed_observations.push(ObservationChange {
                trial: key.clone(),
                changes: observed,
            });
        }
        let Some(group) = group(old, new) else {
            continue;
        };
        let change = TrialChange {
            trial: key.clone(),
            before: old.clone(),
            after: new.clone(),
        };
        match group {
            Group::NewFailure => diff.new_failures.push(change),
            Group::NewUnexpectedPass => diff.new_unexpected_passes.push(change),
            Group::NewExpectedFailure => diff.new_expected_failures.push(change),
            Group::Fixed => diff.fixed.push(change),
            Group::Other => diff.other_changes.push(change),
        }
    }
    for (key, new) in after {
        if !before.contains_key(key) {
            diff.appeared.push(presence(key, new));
        }
    }
    diff
}

fn presence(key: &TrialKey, state: &TrialState) -> TrialPresence {
    TrialPresence {
        trial: key.clone(),
        state: state.clone(),
    }
}

/// Boards in both runs whose modem firmware differs (from the boards table, else from the
/// firmware their trials recorded).
fn firmware_changes(
    before: &BTreeMap<TrialKey, TrialState>,
    after: &BTreeMap<TrialKey, TrialState>,
    boards_before: &[BoardRow],
    boards_after: &[BoardRow],
) -> Vec<FirmwareChange> {
    let old = board_firmware(before, boards_before);
    let new = board_firmware(after, boards_after);
    old.iter()
        .filter_map(|(dut, was)| {
            let now = new.get(dut)?;
            (was != now).then(|| FirmwareChange {
                dut: dut.clone(),
                before: was.clone(),
                after: now.clone(),
            })
        })
        .collect()
}

fn board_firmware(
    trials: &BTreeMap<TrialKey, TrialState>,
    boards: &[BoardRow],
) -> BTreeMap<String, Option<String>> {
    let mut out: BTreeMap<String, Option<String>> = boards
        .iter()
        .map(|b| (b.dut.clone(), b.modem_firmware.clone()))
        .collect();
    for (key, state) in trials {
        out.entry(key.dut.clone())
            .or_insert_with(|| state.modem_firmware.clone());
    }
    out
}

impl History {
    /// What changed from run `from` to run `to`.
    pub fn diff(&self, from: RunId, to: RunId) -> Result<RunDiff, HistoryError> {
        Ok(compare(
            self.run(from)?,
            self.run(to)?,
            &self.trials(from)?,
            &self.trials(to)?,
            &self.boards(from)?,
            &self.boards(to)?,
        ))
    }
}

#[cfg(test)]
mod tests;
