//! A trial's recent outcomes and how often they changed (the flakiness figure of the HTML
//! matrix).

use hil_runner::{OutcomeKind, flaky};
use serde::Serialize;

use crate::error::HistoryError;
use crate::open::History;
use crate::query::RunFilter;
use crate::types::{RunId, TrialKey};

/// A trial's outcome in one run; `None` when the run did not have the trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RunOutcome {
    /// The run.
    pub run: RunId,
    /// The trial's outcome in that run, `None` if it did not run there.
    pub outcome: Option<OutcomeKind>,
}

impl RunOutcome {
    /// The run did not have the trial.
    pub fn absent(run: RunId) -> Self {
        RunOutcome { run, outcome: None }
    }
}

/// One trial's outcomes over a series of runs, most recent first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialHistory {
    /// The trial.
    pub trial: TrialKey,
    /// Its outcome in each run, most recent first.
    pub outcomes: Vec<RunOutcome>,
}

impl TrialHistory {
    /// The outcomes of the runs that had the trial, most recent first.
    pub fn present(&self) -> impl Iterator<Item = OutcomeKind> + '_ {
        self.outcomes.iter().filter_map(|o| o.outcome)
    }

    /// How many times the outcome changed from one run (that had the trial) to the next.
    pub fn changes(&self) -> usize {
        let kinds: Vec<_> = self.present().collect();
        kinds.windows(2).filter(|w| w[0] != w[1]).count()
    }

    /// How many times it went between passing and failing, the runs where it ended in an
    /// infrastructure error left out ([`hil_runner::flaky`]).
    pub fn pass_fail_flips(&self) -> usize {
        flaky::pass_fail_flips(self.present())
    }

    /// Flaky: it went between passing and failing more than once (one change alone is a
    /// regression or a fix, not flakiness; infrastructure errors are no flips).
    pub fn is_flaky(&self) -> bool {
        flaky::is_flaky(self.present())
    }
}

impl History {
    /// Every trial of `rack`'s last `runs` runs (up to and including `until`, when given), each
    /// with its outcomes in those runs: what the HTML report's outcome strip shows.
    pub fn flakiness(
        &self,
        rack: &str,
        until: Option<RunId>,
        runs: usize,
    ) -> Result<Vec<TrialHistory>, HistoryError> {
        let filter = RunFilter {
            rack: Some(rack.to_string()),
            until,
            limit: runs,
            ..RunFilter::default()
        };
        Ok(self.history(&filter)?.trials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutcomeKind::*;

    fn history(kinds: &[Option<OutcomeKind>]) -> TrialHistory {
        TrialHistory {
            trial: TrialKey {
                dut: "d".into(),
                suite: "s".into(),
                case: "c".into(),
            },
            outcomes: kinds
                .iter()
                .enumerate()
                .map(|(i, k)| RunOutcome {
                    run: RunId(i as i64),
                    outcome: *k,
                })
                .collect(),
        }
    }

    #[test]
    fn a_steady_trial_has_no_changes() {
        let h = history(&[Some(Pass), Some(Pass), None, Some(Pass)]);
        assert_eq!(h.changes(), 0);
        assert!(!h.is_flaky());
    }

    #[test]
    fn absent_runs_are_skipped_when_counting() {
        let h = history(&[Some(Fail), None, Some(Pass), Some(Pass)]);
        assert_eq!(h.changes(), 1);
        assert_eq!(h.pass_fail_flips(), 1);
        assert!(!h.is_flaky(), "one change is a regression, not flakiness");
    }

    #[test]
    fn flipping_between_pass_and_fail_is_flaky() {
        let h = history(&[Some(Pass), Some(Fail), Some(Pass), Some(Error)]);
        assert_eq!(h.changes(), 3);
        // The error is an infrastructure problem, not a flip.
        assert_eq!(h.pass_fail_flips(), 2);
        assert!(h.is_flaky());
    }

    #[test]
    fn infrastructure_errors_do_not_make_a_trial_flaky() {
        // A board with a bad supply: every other night an error.
        let h = history(&[Some(Pass), Some(Error), Some(Pass), Some(Error), Some(Pass)]);
        assert_eq!(h.changes(), 4);
        assert_eq!(h.pass_fail_flips(), 0);
        assert!(!h.is_flaky());
    }

    #[test]
    fn changes_between_other_outcomes_are_not_flips() {
        let h = history(&[
            Some(ExpectedFail),
            Some(UnexpectedPass),
            Some(ExpectedFail),
            Some(NotApplicable),
        ]);
        assert_eq!(h.changes(), 3);
        assert_eq!(h.pass_fail_flips(), 0);
        assert!(!h.is_flaky());
    }
}
