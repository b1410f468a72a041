//! Whether each board's lease is free or whom it is held by, for `hil boards`. Looking does
//! not take anything: a lock file that does not exist is free, and an existing one is tried
//! with a shared lock that is let go at once.

use std::fmt;
use std::path::Path;

use crate::acquire::BoardClaim;
use crate::error::LeaseError;
use crate::holder::LockRecord;
use crate::key::LeaseKey;
use crate::lock;
use crate::state_dir::leases_dir;

/// The lease of one board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseState {
    /// Simulated in-process: every run makes its own, nothing to lease.
    NotNeeded,
    /// Nobody holds it.
    Free,
    /// Someone holds (part of) its hardware.
    Held {
        /// The hardware that is held.
        key: LeaseKey,
        /// Who holds it, when recorded.
        holder: Option<LockRecord>,
    },
}

impl fmt::Display for LeaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaseState::NotNeeded => f.write_str("not needed (simulated)"),
            LeaseState::Free => f.write_str("free"),
            LeaseState::Held { key, holder: None } => {
                write!(f, "held ({key}) by a process that has not recorded itself")
            }
            LeaseState::Held {
                key,
                holder: Some(record),
            } => write!(f, "held ({key}) by {record}"),
        }
    }
}

/// One board and its lease.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardLease {
    /// The board's claim (name and hardware).
    pub claim: BoardClaim,
    /// Its lease.
    pub state: LeaseState,
}

/// The lease of every board in `claims`, in order, as the state directory `state_dir` says.
pub fn board_leases(
    state_dir: &Path,
    claims: &[BoardClaim],
) -> Result<Vec<BoardLease>, LeaseError> {
    let dir = leases_dir(state_dir);
    claims
        .iter()
        .map(|claim| {
            Ok(BoardLease {
                claim: claim.clone(),
                state: state_of(&dir, &claim.keys)?,
            })
        })
        .collect()
}

fn state_of(dir: &Path, keys: &[LeaseKey]) -> Result<LeaseState, LeaseError> {
    if keys.is_empty() {
        return Ok(LeaseState::NotNeeded);
    }
    for key in keys {
        if let Some(holder) = lock::peek(dir, key)? {
            return Ok(LeaseState::Held {
                key: key.clone(),
                holder,
            });
        }
    }
    Ok(LeaseState::Free)
}
