//! The run history behind `hil run`: where it is (`--state-dir`, `HIL_STATE_DIR`, the
//! platform's per-user state directory), what it says about the rack's earlier runs (for the
//! reports that remember) and recording a finished run. The history never fails a run: any
//! problem with the database becomes one warning line for the summary.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use hil_history::{History, Recorded, RunEnd, RunFilter, RunId, RunRecord, state_dir};
use hil_report::past::STRIP_RUNS;
use hil_report::{Observed, PastRuns};
use hil_runner::{DutInfo, RunInfo, Summary, TrialResult};

use crate::env::Env;

/// Where the run history is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryPlace {
    /// The database file.
    File(PathBuf),
    /// No state directory is known (why); runs are not recorded.
    Unknown(String),
}

impl HistoryPlace {
    /// In the state directory of [`crate::state_dir`] (the one board leases and health use):
    /// `explicit` (`--state-dir`), else `HIL_STATE_DIR`, else the platform's state directory.
    pub fn resolve(explicit: Option<&Path>, env: &Env) -> HistoryPlace {
        match crate::state_dir(explicit, env) {
            Ok(dir) => HistoryPlace::File(state_dir::history_path(&dir)),
            Err(e) => HistoryPlace::Unknown(e.to_string()),
        }
    }
}

/// What recording a run did: one line for the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryNote {
    /// The run is in the history.
    Recorded(Recorded),
    /// The run is not in the history, and why (a warning; the run's results stand).
    NotRecorded(String),
}

impl HistoryNote {
    /// True when the run is in the history.
    pub fn recorded(&self) -> bool {
        matches!(self, HistoryNote::Recorded(_))
    }
}

impl fmt::Display for HistoryNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HistoryNote::Recorded(recorded) => write!(f, "{recorded}"),
            HistoryNote::NotRecorded(why) => {
                write!(f, "warning: {why}; this run is not in the run history")
            }
        }
    }
}

/// What a finished run gives the history.
#[derive(Debug, Clone, Copy)]
pub struct FinishedRun<'a> {
    /// The run (its rack is the history's key for "the previous run").
    pub info: &'a RunInfo,
    /// The boards as they reported at the start.
    pub duts: &'a [DutInfo],
    /// Every result.
    pub results: &'a [TrialResult],
    /// The counts and how the run ended.
    pub summary: &'a Summary,
}

/// The run history, opened once before a run (a damaged file is moved aside then) and used
/// for the earlier runs and then for recording.
pub enum RunHistory {
    /// Open.
    Open(Box<History>),
    /// Not usable (why); the run goes on without it.
    Unusable(String),
}

impl RunHistory {
    /// Opens the history at `place` (creating it if needed).
    pub fn open(place: &HistoryPlace) -> RunHistory {
        match place {
            HistoryPlace::File(path) => match History::open(path) {
                Ok(history) => RunHistory::Open(Box::new(history)),
                Err(e) => RunHistory::Unusable(e.to_string()),
            },
            HistoryPlace::Unknown(why) => RunHistory::Unusable(why.clone()),
        }
    }

    /// The earlier runs of `rack`: each trial's outcomes from the latest completed run back,
    /// over at most [`STRIP_RUNS`]` - 1` runs, and what that run saw of each trial (signature,
    /// observations). `None` without a completed earlier run.
    pub fn past(&self, rack: &str) -> Option<PastRuns> {
        let RunHistory::Open(history) = self else {
            return None;
        };
        let filter = RunFilter {
            rack: Some(rack.to_string()),
            limit: STRIP_RUNS - 1,
            ..RunFilter::default()
        };
        let view = match history.history(&filter) {
            Ok(view) => view,
            Err(e) => {
                eprintln!("warning: reading the run history: {e}");
                return None;
            }
        };
        let first = view
            .runs
            .iter()
            .position(|r| r.ended == RunEnd::Completed)?;
        let previous = &view.runs[first];
        Some(PastRuns {
            previous: format!("run {} ({})", previous.id, previous.started),
            trials: view
                .trials
                .iter()
                .map(|t| {
                    let outcomes = t.outcomes.iter().skip(first).map(|o| o.outcome).collect();
                    (t.trial.to_string(), outcomes)
                })
                .collect(),
            observed: observed(history, previous.id),
        })
    }

    /// Records `run`; never fails (a problem is a [`HistoryNote::NotRecorded`]).
    pub fn record(self, run: FinishedRun<'_>) -> HistoryNote {
        let mut history = match self {
            RunHistory::Open(history) => history,
            RunHistory::Unusable(why) => return HistoryNote::NotRecorded(why),
        };
        let record = RunRecord::finished(run.info, run.duts, run.results, run.summary);
        match history.record_run(&record) {
            Ok(recorded) => HistoryNote::Recorded(recorded),
            Err(e) => HistoryNote::NotRecorded(e.to_string()),
        }
    }
}

/// What run `id` saw of each trial (signature, observations); empty, with a warning, when the
/// history cannot say (the page then compares outcomes only, and says so).
fn observed(history: &History, id: RunId) -> BTreeMap<String, Observed> {
    match history.trials(id) {
        Ok(trials) => trials
            .into_iter()
            .map(|(key, state)| {
                let seen = Observed {
                    signature: state.signature,
                    observations: state.observations,
                };
                (key.to_string(), seen)
            })
            .collect(),
        Err(e) => {
            eprintln!("warning: reading the previous run's observations from the run history: {e}");
            BTreeMap::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::env::HIL_STATE_DIR;

    #[test]
    fn the_option_wins_over_the_variable() {
        let env = Env::default().with_var(HIL_STATE_DIR, "from-env");
        assert_eq!(
            HistoryPlace::resolve(Some(Path::new("opt")), &env),
            HistoryPlace::File(PathBuf::from("opt/history.sqlite"))
        );
        assert_eq!(
            HistoryPlace::resolve(None, &env),
            HistoryPlace::File(PathBuf::from("from-env/history.sqlite"))
        );
    }

    #[test]
    fn an_unknown_place_is_a_warning_not_an_error() {
        let note = HistoryNote::NotRecorded("no state directory: none".into());
        assert!(!note.recorded());
        assert_eq!(
            note.to_string(),
            "warning: no state directory: none; this run is not in the run history"
        );
    }
}
