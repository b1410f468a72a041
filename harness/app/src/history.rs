//! The run history behind `hil run`: where it is (`--state-dir`, `HIL_STATE_DIR`, the
//! platform's per-user state directory) and recording a finished run. Recording never fails
//! the run: any problem with the database becomes one warning line for the summary.

use std::fmt;
use std::path::{Path, PathBuf};

use hil_history::{History, Recorded, RunRecord, state_dir};
use hil_runner::{DutInfo, RunInfo, Summary, TrialResult};

use crate::env::{Env, HIL_STATE_DIR};

/// Where the run history is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryPlace {
    /// The database file.
    File(PathBuf),
    /// No state directory is known (why); runs are not recorded.
    Unknown(String),
}

impl HistoryPlace {
    /// `explicit` (`--state-dir`), else `HIL_STATE_DIR`, else the platform's state directory.
    pub fn resolve(explicit: Option<&Path>, env: &Env) -> HistoryPlace {
        let dir = explicit
            .map(Path::to_path_buf)
            .or_else(|| env.path(HIL_STATE_DIR));
        match state_dir::resolve(dir.as_deref()) {
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

/// Records `run` at `place`; never fails (a problem is a [`HistoryNote::NotRecorded`]).
pub fn record(place: &HistoryPlace, run: FinishedRun<'_>) -> HistoryNote {
    let path = match place {
        HistoryPlace::File(path) => path,
        HistoryPlace::Unknown(why) => return HistoryNote::NotRecorded(why.clone()),
    };
    let record = RunRecord::finished(run.info, run.duts, run.results, run.summary);
    match History::open(path).and_then(|mut history| history.record_run(&record)) {
        Ok(recorded) => HistoryNote::Recorded(recorded),
        Err(e) => HistoryNote::NotRecorded(e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
