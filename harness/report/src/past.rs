//! What the run history says about earlier runs, for the reports that remember: each trial's
//! outcomes in the rack's previous runs, and what the previous run saw of it (deviation
//! signature, observations). The app builds it from the run history before a run (this crate
//! does not read the history database); reports without it look as before.
//!
//! From it the reports show: the HTML "Changes since the previous run" section (outcome changes,
//! a changed signature under the same outcome, changed observations — grouped as `hil diff`
//! groups them, observations compared by `hil_runner::observations`, hil diff's rule), the
//! strip of a trial's last outcomes with its flakiness figure (outcome changes over the strip),
//! and the JUnit `previous_outcome` property where the outcome differs from the previous run's.

use std::collections::BTreeMap;

use hil_runner::observations::{self, ValueChange};
use hil_runner::{OutcomeKind, TrialResult};

/// The HTML strip shows this many outcomes: the previous runs' and this run's.
pub const STRIP_RUNS: usize = 10;

/// Earlier runs of the rack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastRuns {
    /// The previous run, as the page names it (e.g. `run 41 (2026-03-01T06:00:00Z)`).
    pub previous: String,
    /// Per trial name (`<dut>::<suite>::<case>`): its outcomes in the earlier runs, most recent
    /// first, the first being the previous run's; `None` where a run did not have the trial.
    pub trials: BTreeMap<String, Vec<Option<OutcomeKind>>>,
    /// Per trial name: what the previous run saw of it. A trial not here is compared by its
    /// outcome only (empty: the history gave no observations).
    pub observed: BTreeMap<String, Observed>,
}

/// What the previous run saw of a trial, beyond its outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// The deviation signature (the AT result or error code a failure saw, an expected
    /// failure's signature, a characterization's deviation).
    pub signature: Option<String>,
    /// The observations of a characterization case, by key.
    pub observations: Vec<(String, String)>,
}

impl PastRuns {
    /// The trial's outcome in the previous run; `None` when that run did not have it.
    pub fn previous_outcome(&self, trial: &str) -> Option<OutcomeKind> {
        self.trials
            .get(trial)
            .and_then(|o| o.first().copied().flatten())
    }

    /// The trial's last [`STRIP_RUNS`] outcomes, oldest first, ending with `now`.
    pub fn strip(&self, trial: &str, now: OutcomeKind) -> Strip {
        let past = self.trials.get(trial).map(Vec::as_slice).unwrap_or(&[]);
        let mut outcomes: Vec<Option<OutcomeKind>> =
            past.iter().take(STRIP_RUNS - 1).rev().copied().collect();
        outcomes.push(Some(now));
        Strip { outcomes }
    }

    /// What changed since the previous run for each of `results` whose outcome differs, or
    /// whose deviation signature differs under the same outcome ([`PastRuns::change`]).
    pub fn changes<'a>(&self, results: &'a [TrialResult]) -> Vec<Change<'a>> {
        results.iter().filter_map(|r| self.change(r)).collect()
    }

    /// What changed since the previous run for `result`: its outcome, or its deviation signature
    /// under the same outcome (`hil diff`'s "other changes", e.g. fail with `+CME ERROR: 518`
    /// -> fail with `+CME ERROR: 528`); `None` when neither did.
    pub fn change<'a>(&self, result: &'a TrialResult) -> Option<Change<'a>> {
        let name = result.id.to_string();
        let before = self.previous_outcome(&name);
        let after = result.outcome.kind();
        let difference = if before != Some(after) {
            Difference::Outcome
        } else {
            let was = &self.observed.get(&name)?.signature;
            if was.as_deref() == result.outcome.signature() {
                return None;
            }
            Difference::Signature {
                before: was.clone(),
            }
        };
        Some(Change {
            group: ChangeGroup::of(before, after),
            before,
            difference,
            result,
        })
    }

    /// Each of `results` the previous run had whose observations differ from that run's
    /// ([`PastRuns::observation_change`]).
    pub fn observation_changes<'a>(
        &self,
        results: &'a [TrialResult],
    ) -> Vec<ObservationChange<'a>> {
        results
            .iter()
            .filter_map(|r| self.observation_change(r))
            .collect()
    }

    /// How `result`'s observations differ from the previous run's, whatever its outcome did
    /// (`hil diff`'s "changed observations"; timing aside); `None` when the previous run did
    /// not observe the trial or saw the same.
    pub fn observation_change<'a>(&self, result: &'a TrialResult) -> Option<ObservationChange<'a>> {
        let was = self.observed.get(&result.id.to_string())?;
        let changes = observations::changes(&was.observations, &result.log().observations);
        (!changes.is_empty()).then_some(ObservationChange { result, changes })
    }
}

/// A trial's recent outcomes, oldest first (`None`: not in that run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Strip {
    /// One entry per recent run, oldest first; `None` where the trial was not in that run.
    pub outcomes: Vec<Option<OutcomeKind>>,
}

impl Strip {
    fn present(&self) -> Vec<OutcomeKind> {
        self.outcomes.iter().filter_map(|o| *o).collect()
    }

    /// How many times the outcome changed from one run (that had the trial) to the next.
    pub fn changes(&self) -> usize {
        self.present().windows(2).filter(|w| w[0] != w[1]).count()
    }

    /// Flaky: it went between passing and failing more than once — one change alone is a
    /// regression or a fix, and infrastructure errors are no flips (the rule of `hil history`,
    /// [`hil_runner::flaky`]).
    pub fn is_flaky(&self) -> bool {
        hil_runner::flaky::is_flaky(self.present())
    }
}

/// How a trial changed, as `hil diff` groups it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeGroup {
    /// Now fails or errors; before it did neither.
    NewFailure,
    /// Now an unexpected pass.
    NewUnexpectedPass,
    /// Now an expected failure.
    NewExpectedFailure,
    /// Before a failure, error or unexpected pass; now a pass or characterized.
    Fixed,
    /// Not in the previous run.
    New,
    /// Any other change of outcome.
    Other,
}

impl ChangeGroup {
    /// The group of a change from `before` to `after`.
    pub fn of(before: Option<OutcomeKind>, after: OutcomeKind) -> ChangeGroup {
        use OutcomeKind::*;
        let Some(before) = before else {
            return ChangeGroup::New;
        };
        let was_failure = matches!(before, Fail | Error);
        match after {
            Fail | Error if !was_failure => ChangeGroup::NewFailure,
            UnexpectedPass => ChangeGroup::NewUnexpectedPass,
            ExpectedFail => ChangeGroup::NewExpectedFailure,
            Pass | Characterized if was_failure || before == UnexpectedPass => ChangeGroup::Fixed,
            _ => ChangeGroup::Other,
        }
    }

    /// The heading of the group.
    pub fn title(self) -> &'static str {
        match self {
            ChangeGroup::NewFailure => "new failures",
            ChangeGroup::NewUnexpectedPass => "new unexpected passes",
            ChangeGroup::NewExpectedFailure => "new expected failures",
            ChangeGroup::Fixed => "fixed",
            ChangeGroup::New => "not in the previous run",
            ChangeGroup::Other => "other changes",
        }
    }
}

/// One trial whose outcome (or, under the same outcome, deviation signature) differs from the
/// previous run's.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<'a> {
    /// Which kind of change it is (new failure, fixed, ...).
    pub group: ChangeGroup,
    /// The previous run's outcome (`None`: it did not have the trial).
    pub before: Option<OutcomeKind>,
    /// What differs.
    pub difference: Difference,
    /// This run's result.
    pub result: &'a TrialResult,
}

/// What differs from the previous run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The outcome.
    Outcome,
    /// The same outcome with another deviation signature.
    Signature {
        /// The previous run's signature.
        before: Option<String>,
    },
}

/// A trial whose observations differ from the previous run's.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationChange<'a> {
    /// This run's result.
    pub result: &'a TrialResult,
    /// The keys whose values differ, sorted by key.
    pub changes: Vec<ValueChange>,
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use hil_runner::{Attempt, CaseId, CaseLog, Outcome, TrialId};

    use super::*;
    use OutcomeKind::*;

    fn past(outcomes: &[Option<OutcomeKind>]) -> PastRuns {
        PastRuns {
            previous: "run 1".into(),
            trials: [("d::s::c".to_string(), outcomes.to_vec())].into(),
            observed: BTreeMap::new(),
        }
    }

    #[test]
    fn the_strip_is_oldest_first_and_ends_with_this_run() {
        let p = past(&[Some(Fail), None, Some(Pass)]);
        assert_eq!(p.previous_outcome("d::s::c"), Some(Fail));
        let s = p.strip("d::s::c", Pass);
        assert_eq!(s.outcomes, [Some(Pass), None, Some(Fail), Some(Pass)]);
        assert_eq!(s.changes(), 2);
        assert!(s.is_flaky());
        assert_eq!(p.strip("x::y::z", Pass).outcomes, [Some(Pass)]);
    }

    #[test]
    fn the_strip_holds_ten_runs() {
        let p = past(&[Some(Pass); 20]);
        let s = p.strip("d::s::c", Fail);
        assert_eq!(s.outcomes.len(), STRIP_RUNS);
        assert_eq!(s.changes(), 1);
        assert!(!s.is_flaky(), "one change is a regression");
    }

    #[test]
    fn infrastructure_errors_in_the_strip_are_no_flips() {
        let p = past(&[Some(Error), Some(Pass), Some(Error)]);
        let s = p.strip("d::s::c", Pass);
        assert_eq!(s.changes(), 3);
        assert!(!s.is_flaky(), "a board with a bad supply is not flaky");
    }

    /// A result of `d::s::c` with `outcome` and `observations` (one attempt).
    fn result(outcome: Outcome, observations: &[(&str, &str)]) -> TrialResult {
        let mut log = CaseLog::default();
        for (k, v) in observations {
            log.observe(*k, *v);
        }
        let attempt = Attempt {
            number: 1,
            outcome: outcome.clone(),
            started: UNIX_EPOCH,
            duration: Duration::ZERO,
            log,
            recovery: None,
        };
        TrialResult {
            id: TrialId::new("d", CaseId::new("s", "c")),
            description: String::new(),
            mfw: None,
            outcome,
            attempts: vec![attempt],
            max_attempts: 1,
            started: UNIX_EPOCH,
            duration: Duration::ZERO,
        }
    }

    fn fail(seen: &str) -> Outcome {
        Outcome::Fail {
            seen: seen.into(),
            detail: String::new(),
            expected: None,
        }
    }

    fn seen(signature: Option<&str>, observations: &[(&str, &str)]) -> PastRuns {
        let mut p = past(&[Some(Fail)]);
        p.observed.insert(
            "d::s::c".into(),
            Observed {
                signature: signature.map(str::to_string),
                observations: observations
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            },
        );
        p
    }

    #[test]
    fn a_new_signature_under_the_same_outcome_is_another_change() {
        let now = [result(fail("+CME ERROR: 528"), &[])];
        let changes = seen(Some("+CME ERROR: 518"), &[]).changes(&now);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].group, ChangeGroup::Other);
        assert_eq!(
            changes[0].difference,
            Difference::Signature {
                before: Some("+CME ERROR: 518".into())
            }
        );
        assert!(seen(Some("+CME ERROR: 528"), &[]).changes(&now).is_empty());
        // Without what the previous run saw, only outcomes are compared.
        assert!(past(&[Some(Fail)]).changes(&now).is_empty());
    }

    #[test]
    fn observations_are_compared_timing_aside() {
        let fact = || Outcome::Characterized {
            fact: "what clears the warning".into(),
            deviation: None,
        };
        let now = [result(
            fact(),
            &[("cleared by", "CFUN=1"), ("latency ms", "12.0")],
        )];
        let p = seen(
            None,
            &[("cleared by", "power cycle"), ("latency ms", "10.3")],
        );
        let changes = p.observation_changes(&now);
        assert_eq!(changes.len(), 1);
        assert_eq!(
            changes[0].changes,
            [ValueChange {
                key: "cleared by".into(),
                before: Some("power cycle".into()),
                after: Some("CFUN=1".into()),
            }]
        );
        let same = seen(None, &[("cleared by", "CFUN=1"), ("latency ms", "99")]);
        assert!(same.observation_changes(&now).is_empty());
        assert!(
            past(&[Some(Characterized)])
                .observation_changes(&now)
                .is_empty(),
            "a trial the previous run did not observe is not compared"
        );
    }

    #[test]
    fn changes_are_grouped_like_hil_diff() {
        assert_eq!(ChangeGroup::of(Some(Pass), Fail), ChangeGroup::NewFailure);
        assert_eq!(ChangeGroup::of(Some(Fail), Error), ChangeGroup::Other);
        assert_eq!(ChangeGroup::of(Some(Fail), Pass), ChangeGroup::Fixed);
        assert_eq!(
            ChangeGroup::of(Some(UnexpectedPass), Pass),
            ChangeGroup::Fixed
        );
        assert_eq!(
            ChangeGroup::of(Some(ExpectedFail), UnexpectedPass),
            ChangeGroup::NewUnexpectedPass
        );
        assert_eq!(
            ChangeGroup::of(Some(Pass), ExpectedFail),
            ChangeGroup::NewExpectedFailure
        );
        assert_eq!(ChangeGroup::of(None, Pass), ChangeGroup::New);
        assert_eq!(
            ChangeGroup::of(Some(Pass), NotApplicable),
            ChangeGroup::Other
        );
    }
}
