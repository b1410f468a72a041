//! What can go wrong with the history database, and how a damaged one was dealt with.
//!
//! Recording callers treat every [`HistoryError`] as a warning: they print it with the run's
//! summary and the run's results and exit status stay what they were.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::types::RunId;

/// Why a database file cannot be used as the run history (it is moved aside, never deleted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// SQLite does not recognise the file (not a database, or its header was cut off).
    NotADatabase,
    /// SQLite found the file corrupt (e.g. truncated): its integrity check says this.
    Corrupt(String),
    /// A database, but not one this crate wrote (foreign tables, missing tables or columns).
    WrongSchema(String),
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::NotADatabase => f.write_str("not an SQLite database"),
            Damage::Corrupt(detail) => write!(f, "corrupt: {detail}"),
            Damage::WrongSchema(detail) => write!(f, "not a run-history schema: {detail}"),
        }
    }
}

/// A damaged history database that was moved aside and replaced by a new, empty one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repaired {
    pub damage: Damage,
    /// Where the damaged file is now (`<name>.damaged-<timestamp>`).
    pub moved_to: PathBuf,
}

impl fmt::Display for Repaired {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the history database was damaged ({}); it was moved aside to {} and a new one started",
            self.damage,
            self.moved_to.display()
        )
    }
}

/// A problem with the run history. For recording it is a warning, never a failed run.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(
        "run history {}: locked by another process for more than {waited:?}",
        path.display()
    )]
    Locked { path: PathBuf, waited: Duration },
    #[error(
        "run history {}: {damage}; the next open moves it aside and starts a new one",
        path.display()
    )]
    Damaged { path: PathBuf, damage: Damage },
    #[error(
        "run history {}: schema version {found} is newer than this harness knows (up to \
         {supported}); upgrade the harness or use another state directory",
        path.display()
    )]
    NewerSchema {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("run history {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("run history {}: {message}", path.display())]
    Database { path: PathBuf, message: String },
    #[error("run {0} is not in the run history")]
    UnknownRun(RunId),
    #[error("{0}")]
    NotEnoughRuns(String),
    #[error("no state directory: {0}")]
    NoStateDir(String),
    #[error("--since {text:?}: {problem}")]
    BadSince { text: String, problem: String },
}

impl HistoryError {
    /// True for errors about what the user asked for (unknown run, bad date), as opposed to
    /// problems of the database or the machine.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            HistoryError::UnknownRun(_) | HistoryError::BadSince { .. }
        )
    }
}
