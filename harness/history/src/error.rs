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
    /// What was wrong with the database.
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
#[non_exhaustive]
pub enum HistoryError {
    #[error(
        "run history {}: locked by another process for more than {waited:?}",
        path.display()
    )]
    /// Another process held the database lock for too long.
    Locked {
        /// The database file.
        path: PathBuf,
        /// How long the lock was waited for.
        waited: Duration,
    },
    #[error(
        "run history {}: {damage}; the next open moves it aside and starts a new one",
        path.display()
    )]
    /// The database file is damaged.
    Damaged {
        /// The database file.
        path: PathBuf,
        /// What is wrong with it.
        damage: Damage,
    },
    #[error(
        "run history {}: schema version {found} is newer than this harness knows (up to \
         {supported}); upgrade the harness or use another state directory",
        path.display()
    )]
    /// The database was written by a newer harness.
    NewerSchema {
        /// The database file.
        path: PathBuf,
        /// The schema version in the file.
        found: i64,
        /// The newest schema version this harness knows.
        supported: i64,
    },
    #[error("run history {}: {source}", path.display())]
    /// Reading or writing the database's files failed.
    Io {
        /// The database file.
        path: PathBuf,
        #[source]
        /// The underlying I/O error.
        source: std::io::Error,
    },
    #[error("run history {}: {message}", path.display())]
    /// Any other database error.
    Database {
        /// The database file.
        path: PathBuf,
        /// SQLite's error message.
        message: String,
    },
    #[error("run {0} is not in the run history")]
    /// The run id names no recorded run.
    UnknownRun(RunId),
    #[error("{0}")]
    /// A comparison needs more runs than the history has (the text says which).
    NotEnoughRuns(String),
    #[error(transparent)]
    /// No state directory could be found for the history.
    NoStateDir(#[from] hil_lease::StateDirError),
    #[error("--since {text:?}: {problem}")]
    /// A `--since` value that is not a time or duration.
    BadSince {
        /// The value as given.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
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
