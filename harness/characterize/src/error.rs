//! Why a characterization stopped.

use hil_at::{AtError, BootError};
use hil_power::PowerError;

/// Why a characterization could not go on (the board is restored before this is returned).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("console: {0}")]
    At(#[from] AtError),
    #[error("boot: {0}")]
    Boot(#[from] BootError),
    #[error("supply: {0}")]
    Power(#[from] PowerError),
    #[error("board `{board}` is not usable: {why}")]
    Board { board: String, why: String },
    #[error("{0}")]
    Scratch(String),
    #[error("journal {path}: {why}")]
    Journal { path: String, why: String },
    /// Stopped on purpose after a step (tests of the journal: an interrupted run).
    #[error("interrupted after step `{0}`")]
    Interrupted(String),
    #[error("board did not behave as measured before: {0}")]
    Unexpected(String),
}
