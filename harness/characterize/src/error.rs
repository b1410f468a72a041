//! Why a characterization stopped.

use hil_at::{AtError, BootError};
use hil_power::PowerError;

/// Why a characterization could not go on (the board is restored before this is returned).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("console: {0}")]
    /// The AT console failed.
    At(#[from] AtError),
    #[error("boot: {0}")]
    /// The board did not boot.
    Boot(#[from] BootError),
    #[error("supply: {0}")]
    /// The bench supply failed.
    Power(#[from] PowerError),
    #[error("board `{board}` is not usable: {why}")]
    /// The board cannot be characterized (which board, and why).
    Board {
        /// The board's name.
        board: String,
        /// What makes it unusable.
        why: String,
    },
    #[error("{0}")]
    /// The scratch sec_tags are unusable (the text says why).
    Scratch(String),
    #[error("journal {path}: {why}")]
    /// The journal of a run could not be read or written (its path, and why).
    Journal {
        /// The journal file.
        path: String,
        /// What went wrong.
        why: String,
    },

    /// Stopped on purpose after a step (tests of the journal: an interrupted run).
    #[error("interrupted after step `{0}`")]
    Interrupted(String),
    #[error("board did not behave as measured before: {0}")]
    /// A re-measured fact differs from what was measured earlier in the run.
    Unexpected(String),
}
