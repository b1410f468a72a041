//! Flakiness across runs: how often a trial's outcome went between passing and failing — the
//! one rule behind `hil history` and the HTML report's outcome strip.
//!
//! An infrastructure error (an `error` outcome: no console, a supply that does not answer)
//! says nothing about the modem, so a run in which the trial ended in one is left out, as a
//! run without the trial is: a board with a bad supply does not make every case flaky.

use crate::outcome::OutcomeKind;

/// How many times the outcomes (one per run, in run order) went between pass and fail, the
/// runs that ended in an infrastructure error left out.
pub fn pass_fail_flips(outcomes: impl IntoIterator<Item = OutcomeKind>) -> usize {
    let verdicts: Vec<OutcomeKind> = outcomes
        .into_iter()
        .filter(|kind| *kind != OutcomeKind::Error)
        .collect();
    verdicts
        .windows(2)
        .filter(|w| {
            matches!(
                (w[0], w[1]),
                (OutcomeKind::Pass, OutcomeKind::Fail) | (OutcomeKind::Fail, OutcomeKind::Pass)
            )
        })
        .count()
}

/// Flaky: it went between passing and failing more than once ([`pass_fail_flips`]); one
/// change alone is a regression or a fix.
pub fn is_flaky(outcomes: impl IntoIterator<Item = OutcomeKind>) -> bool {
    pass_fail_flips(outcomes) >= 2
}

#[cfg(test)]
mod tests {
    use super::*;
    use OutcomeKind::*;

    #[test]
    fn passing_and_failing_in_turn_is_flaky() {
        assert_eq!(pass_fail_flips([Pass, Fail, Pass]), 2);
        assert!(is_flaky([Fail, Pass, Fail]));
        assert!(!is_flaky([Pass, Pass, Fail]), "one change is a regression");
    }

    #[test]
    fn infrastructure_errors_are_not_flips() {
        // A board with a bad supply: every other run an error.
        assert_eq!(pass_fail_flips([Pass, Error, Pass, Error, Pass]), 0);
        assert!(!is_flaky([Error, Pass, Error, Pass]));
        // An error between a pass and a fail is left out, not a flip of its own.
        assert_eq!(pass_fail_flips([Pass, Error, Fail]), 1);
    }

    #[test]
    fn other_outcomes_are_not_flips() {
        assert_eq!(
            pass_fail_flips([ExpectedFail, UnexpectedPass, NotApplicable]),
            0
        );
    }
}
