//! Why the health state could not be read or written.

use std::path::PathBuf;

/// A health record could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HealthError {
    /// Reading, creating or replacing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A record is not valid JSON of the expected shape (edited by hand?).
    #[error("{}: not a board health record ({source}); fix or delete the file", path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        #[source]
        source: serde_json::Error,
    },
}
