//! Why leases could not be taken: a board is leased by someone else (naming the board, its
//! hardware and the holder), there is no state directory, or a lease file cannot be used.

use std::path::PathBuf;
use std::time::Duration;

use crate::holder::LockRecord;
use crate::key::LeaseKey;
use crate::state_dir::StateDirError;

/// Leases could not be taken.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LeaseError {
    /// Someone else holds a board's lease.
    #[error("{}", busy_message(board, key, holder.as_deref(), *waited))]
    Busy {
        /// The board, as the failing command names it (``board `dk-1` ``, or the hardware).
        board: String,
        /// Its hardware that is leased.
        key: LeaseKey,
        /// Who holds it, when recorded (boxed: a record is large).
        holder: Option<Box<LockRecord>>,
        /// How long the command waited (`None`: it was not asked to wait).
        waited: Option<Duration>,
    },
    /// A board needs a lease and there is no state directory to keep it in.
    #[error("{board} needs a lease: {source}")]
    NoStateDir {
        /// The board.
        board: String,
        /// Why there is no state directory.
        source: StateDirError,
    },
    /// A stop was requested (Ctrl-C, SIGTERM) while the command waited for a board.
    #[error("stopped while waiting for {board} (waited {} s); nothing was touched", waited.as_secs())]
    Interrupted {
        /// The board it waited for.
        board: String,
        /// How long it had waited.
        waited: Duration,
    },
    /// A lease file or folder cannot be used.
    #[error("lease file {}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

impl LeaseError {
    pub(crate) fn busy(
        board: String,
        key: LeaseKey,
        holder: Option<Box<LockRecord>>,
        waited: Option<Duration>,
    ) -> LeaseError {
        LeaseError::Busy {
            board,
            key,
            holder,
            waited,
        }
    }
}

fn busy_message(
    board: &str,
    key: &LeaseKey,
    holder: Option<&LockRecord>,
    waited: Option<Duration>,
) -> String {
    let what = crate::acquire::naming(board, key);
    let by = holder.map_or_else(
        || "another process (it has not recorded itself yet)".to_string(),
        ToString::to_string,
    );
    match waited {
        None => format!("{what} is leased by {by}; wait for it with --wait-for-boards SECS"),
        Some(limit) => format!(
            "{what} is still leased by {by} after waiting {} s",
            limit.as_secs()
        ),
    }
}
