//! Why a run could not start, with the step that failed in the message.

use std::path::PathBuf;

use hil_lab::LabError;
use hil_runner::RunError;

use crate::nightly::NightlyError;
use crate::settings::SettingsError;

/// Why the app could not start or finish a run. Every variant is a configuration problem of
/// the rack, the environment or the command line (`hil run` exits 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// An environment variable is not valid.
    #[error(transparent)]
    Settings(#[from] SettingsError),
    /// The report directory cannot take the run's reports (not creatable, not writable, full).
    #[error("the report directory {} cannot be written: {source}", path.display())]
    ReportDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: hil_report::ReportDirError,
    },
    /// The filter selects no trial: a run of nothing is not a pass.
    #[error("no trial matches the filter {filter}; `hil run --list` shows the trial names")]
    NothingSelected {
        /// The filter, as given.
        filter: String,
    },
    /// `--quarantine-verify`, but the quarantine covers no trial of the boards brought up.
    #[error(
        "--quarantine-verify: no entry of {} covers a trial of this rack's boards: nothing to verify",
        quarantine.display()
    )]
    NothingToVerify {
        /// The quarantine file.
        quarantine: PathBuf,
    },
    /// `--shard K/N` leaves no board: the rack has fewer than K boards.
    #[error(
        "shard {shard} has no board: the rack has {rack_boards} (shard K/N takes boards K, K+N, … in name order)"
    )]
    EmptyShard {
        /// The shard asked for.
        shard: hil_lab::shard::Shard,
        /// How many boards the rack has (those in maintenance left out).
        rack_boards: usize,
    },
    /// The lab did not come up (bad rack file, bad image, simulator not starting).
    #[error("bringing up {rack}: {source}")]
    BringUp {
        /// Which rack ("the simulated rack", "rack file …").
        rack: String,
        /// Why (boxed: a lab error is large).
        source: Box<LabError>,
    },
    /// The run could not be prepared (expectations, duplicate case ids).
    #[error("preparing the run: {0}")]
    Prepare(RunError),
    /// The run could not be started (duplicate DUT names).
    #[error("starting the run: {0}")]
    Start(RunError),
    /// Board health or the quarantine could not be read or written (state directory, health
    /// record, quarantine file); the message names the file and the problem.
    #[error(transparent)]
    Nightly(#[from] NightlyError),
}
