//! Lab bring-up: turns a rack into live DUT sessions.
//!
//! labgrid calls the pieces resources (what the rack file declares), drivers (what talks to
//! them) and strategies (how a board is brought to a known state). Here:
//! - [`source`]: where the rack comes from (a rack file, `HIL_RACK`, or the simulated rack);
//! - [`simulated`]: starting the simulated DUTs a rack asks for and describing them as rack
//!   entries, plus the adapter that lets the simulated probe flash them;
//! - [`board`]: one live DUT (console, supply, flasher, identity) — the session the runner
//!   schedules cases on;
//! - [`fault`]: why a board or its supply is unusable, as types;
//! - [`identity`]: binding what the board says it is against the rack file;
//! - [`flashing`]: putting the firmware-under-test on a board, skipped when it already runs it;
//! - [`recover`]: bringing a hung board back by power-cycling it through its supply;
//! - [`labgrid`]: boards from a labgrid coordinator's places (held while the lab is up);
//! - [`leasing`]: holding every rack-file board's lease while the lab is up;
//! - [`bringup`]: all of the above for every DUT, in parallel (one board: `board_bringup`);
//! - [`bringup_output`]: the console transcript of a board whose bring-up faulted, kept in its
//!   artifacts folder;
//! - [`plan`]: which boards bring-up would bring up, from the rack alone (nothing touched);
//! - [`shard`]: the stable 1/N of a rack's boards one CI job runs (`--shard K/N`);
//! - [`discover`]: asking the consoles in a directory who they are, and a rack file skeleton;
//! - [`doctor`]: a health check of every DUT with what is wrong and how to fix it.

#![warn(missing_docs)]

pub mod board;
mod board_bringup;
pub mod bringup;
pub mod bringup_output;
pub mod discover;
pub mod doctor;
pub mod error;
pub mod fault;
pub mod flashing;
pub mod identity;
pub mod labgrid;
pub mod leasing;
pub mod plan;
mod pool;
mod rack_lines;
pub mod recover;
pub mod shard;
pub mod simulated;
pub mod source;

pub use board::{Board, BoardState, SupplyState};
pub use board_bringup::throughput_model;
pub use bringup::{BoardSelection, Lab, LabOptions};
pub use error::LabError;
pub use fault::{BoardFault, SupplyFault};
pub use leasing::Leasing;
pub use recover::RecoverError;
pub use shard::Shard;
pub use source::{LabgridSource, RackSource};
