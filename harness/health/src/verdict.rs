//! What one run says about a board, and how it moves the board's record: an infrastructure
//! error counts, a clean run resets the count, a board that was not exercised (stopped run,
//! nothing selected) leaves it as it was. A failing case — the modem behaving differently —
//! is a result about the modem, never about the board's health.

use chrono::{DateTime, Utc};

use crate::record::{BoardHealth, Maintenance, MaintenanceCause};

/// Consecutive runs with an infrastructure error after which a board goes into maintenance.
pub const DEFAULT_MAINTENANCE_AFTER: u32 = 3;

/// What a run says about one board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunVerdict {
    /// The board came up and no result on it was an infrastructure error.
    Clean,
    /// Bring-up faulted, its supply failed, or a result on it was an error; one line why.
    InfraError(String),
    /// The run did not exercise the board (stopped before it, nothing selected for it).
    NotExercised,
}

/// What a verdict did to a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// Nothing changed that anyone needs to hear about.
    Unchanged,
    /// A clean run after `previous` bad ones: the count is back to 0.
    Recovered {
        /// The count before.
        previous: u32,
    },
    /// One more bad run, `count` in a row, below the threshold.
    Counted {
        /// Consecutive bad runs now.
        count: u32,
    },
    /// The threshold was reached: the board is in maintenance from now on.
    EnteredMaintenance(Maintenance),
}

impl BoardHealth {
    /// Applies `verdict` of a run that ended at `now`; `after` is the threshold (at least 1).
    pub fn apply(&mut self, verdict: &RunVerdict, after: u32, now: DateTime<Utc>) -> Transition {
        match verdict {
            RunVerdict::NotExercised => Transition::Unchanged,
            RunVerdict::Clean => {
                self.last_run = Some(now);
                let previous = std::mem::take(&mut self.failed_runs);
                self.last_error = None;
                if previous == 0 {
                    Transition::Unchanged
                } else {
                    Transition::Recovered { previous }
                }
            }
            RunVerdict::InfraError(why) => {
                self.last_run = Some(now);
                self.failed_runs = self.failed_runs.saturating_add(1);
                self.last_error = Some(why.clone());
                if self.failed_runs < after.max(1) || self.in_maintenance() {
                    return Transition::Counted {
                        count: self.failed_runs,
                    };
                }
                let maintenance = Maintenance {
                    since: now,
                    cause: MaintenanceCause::Automatic,
                    reason: format!(
                        "{} consecutive runs with an infrastructure error; last: {why}",
                        self.failed_runs
                    ),
                };
                self.maintenance = Some(maintenance.clone());
                Transition::EnteredMaintenance(maintenance)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::BoardKey;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2025-03-04T05:06:07Z")
            .unwrap()
            .to_utc()
    }

    fn record() -> BoardHealth {
        BoardHealth::new(&BoardKey::from_text("port:/dev/x"), "dk-1")
    }

    #[test]
    fn the_third_bad_run_in_a_row_takes_the_board_out() {
        let mut h = record();
        let bad = RunVerdict::InfraError("no answer".into());
        assert_eq!(h.apply(&bad, 3, now()), Transition::Counted { count: 1 });
        assert_eq!(h.apply(&bad, 3, now()), Transition::Counted { count: 2 });
        let Transition::EnteredMaintenance(m) = h.apply(&bad, 3, now()) else {
            panic!("not in maintenance: {h:?}");
        };
        assert_eq!(m.cause, MaintenanceCause::Automatic);
        assert!(m.reason.contains("3 consecutive") && m.reason.contains("no answer"));
        assert!(h.in_maintenance());
        assert!(
            m.describe().contains("since 2025-03-04T05:06:07Z"),
            "{}",
            m.describe()
        );
    }

    #[test]
    fn a_clean_run_resets_the_count_and_an_unexercised_one_changes_nothing() {
        let mut h = record();
        let bad = RunVerdict::InfraError("port vanished".into());
        h.apply(&bad, 3, now());
        h.apply(&bad, 3, now());
        assert_eq!(
            h.apply(&RunVerdict::NotExercised, 3, now()),
            Transition::Unchanged
        );
        assert_eq!(h.failed_runs, 2);
        assert_eq!(
            h.apply(&RunVerdict::Clean, 3, now()),
            Transition::Recovered { previous: 2 }
        );
        assert_eq!((h.failed_runs, h.last_error.as_deref()), (0, None));
        assert_eq!(h.apply(&bad, 3, now()), Transition::Counted { count: 1 });
    }

    #[test]
    fn return_to_service_clears_everything_and_by_hand_is_recorded() {
        let mut h = record();
        h.take_out("probe cable loose", now());
        assert_eq!(
            h.maintenance.as_ref().map(|m| m.cause),
            Some(MaintenanceCause::ByHand)
        );
        let left = h.return_to_service().unwrap();
        assert_eq!(left.reason, "probe cable loose");
        assert!(!h.in_maintenance() && h.failed_runs == 0);
    }
}
