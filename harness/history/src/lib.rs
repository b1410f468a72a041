//! Run history: every `hil run` and every trial in an embedded SQLite database in the state
//! directory, and the questions a nightly run is read with: what ran recently, what each case
//! did over the last runs, and what changed since the previous run.
//!
//! Recording is one call after a run, and never makes the run fail:
//!
//! ```no_run
//! # fn demo(info: &hil_runner::RunInfo, duts: &[hil_runner::DutInfo],
//! #         results: &[hil_runner::TrialResult], summary: &hil_runner::Summary,
//! #         state_dir_option: Option<&std::path::Path>, state_dir_env: Option<&std::path::Path>) {
//! // `--state-dir`, `HIL_STATE_DIR` and the platform directory as the caller read them (the
//! // library reads no environment).
//! let platform = hil_lease::state_dir::platform_dir();
//! let path = hil_history::state_dir::resolve_from(state_dir_option, state_dir_env, platform)
//!     .map(|dir| hil_history::state_dir::history_path(&dir));
//! match path.and_then(|p| hil_history::History::open(p)?.record(info, duts, results, summary)) {
//!     Ok(recorded) => println!("{recorded}"),
//!     Err(warning) => println!("warning: {warning}; this run is not in the history"),
//! }
//! # }
//! ```
//!
//! The pieces, one job each:
//! - [`state_dir`]: where the harness keeps state (`--state-dir`, `HIL_STATE_DIR`, platform);
//! - [`schema`]: the tables and their versioned migrations;
//! - [`open`]: opening (WAL, busy timeout, integrity check, migrations);
//! - [`repair`]: moving a damaged file aside and starting a new one;
//! - [`record`]: one transaction per run;
//! - [`query`]: recent runs and each trial's recent outcomes;
//! - [`diff`]: what changed between two runs, grouped;
//! - [`flaky`]: outcome strips and the number of outcome changes;
//! - [`render`]: the text `hil history` and `hil diff` print;
//! - [`since`]: parsing `--since`;
//! - [`sample`]: runner results built without a rack (tests, benchmark).

#![warn(missing_docs)]

pub mod diff;
pub mod error;
pub mod flaky;
pub mod open;
pub mod query;
pub mod record;
pub mod render;
pub mod repair;
pub mod sample;
pub mod schema;
pub mod since;
pub mod state_dir;
pub mod types;

pub use diff::{
    FirmwareChange, ObservationChange, RunDiff, TrialChange, TrialPresence, ValueChange,
};
pub use error::{Damage, HistoryError, Repaired};
pub use flaky::{RunOutcome, TrialHistory};
pub use open::{History, OpenOptions};
pub use query::{HistoryView, RunFilter};
pub use record::{Recorded, RunRecord, run_end};
pub use since::parse_since;
pub use types::{BoardRow, RunEnd, RunId, RunRow, Timestamp, TrialKey, TrialState};
