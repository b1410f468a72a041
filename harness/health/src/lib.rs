//! Board health across runs, in the lab's state directory (`<state>/health/`, one small JSON
//! file per board, replaced atomically).
//!
//! LAVA's idea, for a rack that runs every night: a board that keeps failing for reasons that
//! have nothing to do with the modem (no answer, port vanished, supply fault, identity
//! mismatch, flash failure) is taken out of service instead of failing every case every night.
//!
//! - [`state_dir`]: where the lab keeps state (`--state-dir`, `HIL_STATE_DIR`, the per-user
//!   state directory);
//! - [`key`]: which board a record belongs to ([`BoardKey`]: probe, console port, supply or
//!   name — what identifies the hardware, so two rack files naming one board share its record);
//! - [`record`]: what is known about one board ([`BoardHealth`], [`Maintenance`]);
//! - [`verdict`]: what one run says about a board ([`RunVerdict`]) and how it moves the record
//!   ([`Transition`]): N consecutive runs with an infrastructure error put it in maintenance, a
//!   clean run resets the count, a failing case never counts;
//! - [`store`]: reading and writing the records ([`HealthStore`]);
//! - [`error`]: why the state could not be read or written ([`HealthError`]).

#![warn(missing_docs)]

pub mod error;
pub mod key;
pub mod record;
pub mod state_dir;
pub mod store;
pub mod verdict;

pub use error::HealthError;
pub use key::BoardKey;
pub use record::{BoardHealth, Maintenance, MaintenanceCause};
pub use state_dir::{STATE_DIR_ENV, StateDirError};
pub use store::HealthStore;
pub use verdict::{DEFAULT_MAINTENANCE_AFTER, RunVerdict, Transition};
