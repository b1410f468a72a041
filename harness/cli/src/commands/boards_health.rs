//! `hil boards` health part: each board's health (consecutive runs with an infrastructure
//! error, maintenance), `hil boards ready NAME` returning a board to service and
//! `hil boards maintenance NAME --reason TEXT` taking one out by hand. Records live in the
//! state directory (`hil_app::state_dir`: `--state-dir`, else `HIL_STATE_DIR`, else the
//! per-user state directory),
//! keyed by the board's hardware, so every rack file naming the board sees the same record.

use std::path::Path;

use clap::Subcommand;
use hil_app::nightly::BoardRecord;

use crate::exit::{OrConfig, Status, config_error};

/// What to do to one board's health.
#[derive(Debug, Subcommand)]
pub enum HealthAction {
    /// Return a board to service: out of maintenance, its count of bad runs reset.
    Ready {
        /// The DUT's name in the rack file.
        name: String,
    },
    /// Take a board out of service by hand: runs leave it alone until it is ready again.
    Maintenance {
        /// The DUT's name in the rack file.
        name: String,
        /// Why (shown in every report while it is out).
        #[arg(long, value_name = "TEXT")]
        reason: String,
    },
}

/// Applies `action` to a board of `rack`.
pub fn act(
    rack: &hil_rack::RackFile,
    state_dir: &Path,
    action: HealthAction,
) -> anyhow::Result<Status> {
    apply(action, |name| BoardRecord::open(rack, name, state_dir))
}

/// Applies `action` to a labgrid place's board (`hil boards … --labgrid HOST:PORT`).
pub fn act_on_place(
    coordinator: &hil_labgrid::Address,
    state_dir: &Path,
    action: HealthAction,
) -> anyhow::Result<Status> {
    apply(action, |name| {
        BoardRecord::open_place(coordinator, name, state_dir)
    })
}

fn apply(
    action: HealthAction,
    open: impl Fn(&str) -> Result<BoardRecord, hil_app::AppError>,
) -> anyhow::Result<Status> {
    match action {
        HealthAction::Ready { name } => {
            let mut record = open(&name).or_config()?;
            let was = record.health.return_to_service();
            record.save().or_config()?;
            match was {
                Some(m) => println!("DUT `{name}` returned to service (was {})", m.describe()),
                None => println!("DUT `{name}` is in service (count of bad runs reset)"),
            }
            Ok(Status::Success)
        }
        HealthAction::Maintenance { name, reason } => {
            if reason.trim().is_empty() {
                return Err(config_error("--reason must say why the board is taken out"));
            }
            let mut record = open(&name).or_config()?;
            record.health.take_out(reason, chrono::Utc::now());
            record.save().or_config()?;
            if let Some(m) = record.health.maintenance.as_ref() {
                println!("DUT `{name}` is {}", m.describe());
            }
            Ok(Status::Success)
        }
    }
}

/// A board's health as one cell of the `hil boards` table: in service (with its count of
/// consecutive bad runs and the last error), or in maintenance since when and why.
pub fn health_cell(rack: &hil_rack::RackFile, name: &str, state_dir: &Path) -> String {
    describe(BoardRecord::open(rack, name, state_dir))
}

/// [`health_cell`] of a labgrid place.
pub fn place_health_cell(
    coordinator: &hil_labgrid::Address,
    place: &str,
    state_dir: &Path,
) -> String {
    describe(BoardRecord::open_place(coordinator, place, state_dir))
}

fn describe(record: Result<BoardRecord, hil_app::AppError>) -> String {
    match record {
        Ok(record) => {
            let h = &record.health;
            match &h.maintenance {
                Some(m) => format!("MAINTENANCE since {}: {}", m.since_text(), m.reason),
                None if h.failed_runs == 0 => "in service".to_string(),
                None => format!(
                    "in service, {} bad run(s), last: {}",
                    h.failed_runs,
                    h.last_error.as_deref().unwrap_or("?")
                ),
            }
        }
        Err(e) => format!("unknown: {e}"),
    }
}
