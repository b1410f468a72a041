//! Board leases: before a command touches a board — console, supply, probe — it holds that
//! board's lease, so two `hil run`s, or a run and `hil psu` by hand, never drive the same
//! hardware at once.
//!
//! - [`state_dir`]: where the lab keeps state (`--state-dir`, `HIL_STATE_DIR`, the per-user
//!   state directory); leases live in its `leases/` folder;
//! - [`key`]: what identifies a piece of hardware (probe serial, the console port's canonical
//!   path, supply address and channel) — one lock file per key, so two rack files naming the
//!   same board share its lease;
//! - [`holder`]: who holds a lease (program, pid, host, start time, run id), written into the
//!   locked file for others to read;
//! - [`lock`]: one key's OS-level file lock, released by the kernel when its holder dies;
//! - [`acquire`]: taking every lease a command needs, all or nothing, in sorted key order,
//!   failing at once or waiting with a progress line;
//! - [`interrupt`]: a stop request (Ctrl-C) that cuts a wait short;
//! - [`status`]: whether a board's lease is free or whom it is held by (`hil boards`);
//! - [`error`]: why a lease could not be taken ([`LeaseError`]).
//!
//! A lease is never a flag in a file: it is the lock itself, so it cannot be orphaned by a
//! killed job, and a reboot frees everything.

#![warn(missing_docs)]

pub mod acquire;
pub mod error;
pub mod holder;
pub mod interrupt;
pub mod key;
mod lock;
pub mod state_dir;
pub mod status;

pub use acquire::{BoardClaim, LeaseRequest, Leases, OnWait, Wait, Waiting};
pub use error::LeaseError;
pub use holder::{Holder, LockRecord};
pub use interrupt::Interrupt;
pub use key::LeaseKey;
pub use state_dir::{STATE_DIR_ENV, StateDirError};
pub use status::{BoardLease, LeaseState, board_leases};
