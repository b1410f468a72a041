//! The app layer: what `hil run` and `cargo test --test hil` share.
//!
//! Library crates take values; this crate is where the process environment is read, once:
//! - [`env`](mod@env): a snapshot of the environment the harness reads ([`Env`]: its variables,
//!   the current directory, the executable, the temporary and the per-user state directory) —
//!   no library crate calls `std::env` outside test support behind a feature (the `testkit` of
//!   hil-labgrid and hil-rfc2217), and the CLI itself reads only `RUST_LOG`, for its log filter;
//! - [`settings`]: one [`Settings`] value built from what the command line gave and the
//!   environment (command line, then environment variable, then default);
//! - [`target_dir`]: the cargo target directory, where `cargo test --test hil` reports go;
//! - [`provenance`]: the workspace root, git commit and host recorded with a run;
//! - [`leases`]: the state directory and the board-lease request of a command;
//! - [`lab`]: bringing the lab up and printing what bring-up did;
//! - [`history`]: where the run history is, and recording a finished run in it;
//! - [`plan`]: what a run would do, from the rack alone (boards a filter gives trials, the
//!   trial list), before any board is touched;
//! - [`run`]: the run of every suite, its reporters, executing it and what it concluded;
//! - [`libtest`]: the `cargo test --test hil` entry point;
//! - [`nightly`]: board health and the quarantine around a `hil run`;
//! - [`error`]: why a run could not start ([`AppError`]).

#![warn(missing_docs)]

pub mod env;
pub mod error;
pub mod history;
pub mod lab;
pub mod leases;
pub mod libtest;
pub mod nightly;
pub mod plan;
pub mod provenance;
pub mod run;
pub mod settings;
pub mod target_dir;

pub use env::Env;
pub use error::AppError;
pub use history::{HistoryNote, HistoryPlace};
pub use lab::{BoardFault, board_faults, bring_up, print_lab};
pub use leases::{lease_request, state_dir};
pub use libtest::libtest_main;
pub use nightly::Nightly;
pub use plan::{PlannedBoards, boards_for, narrow_to_filter, plan_run, planned_boards};
pub use run::{
    Finished, build_run, check_selection, create_report_dir, discard_reports, execute,
    execute_marked, planned_trials, print_plan, report_problem, reporters, reports_line,
    reports_line_of,
};
pub use settings::{
    Frontend, LabRequest, LabSettings, LabgridRequest, NightlyRequest, RunRequest, Settings,
    SettingsError,
};
