//! `hil boards` health part: each board's health (consecutive runs with an infrastructure
//! error, maintenance), `hil boards ready NAME` returning a board to service and
//! `hil boards maintenance NAME --reason TEXT` taking one out by hand. Records live in the
//! state directory (`--state-dir`, else `HIL_STATE_DIR`, else the per-user state directory),
//! keyed by the board's hardware, so every rack file naming the board sees the same record.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use hil_app::nightly::BoardRecord;
use hil_app::{Env, settings::rack_source};
use hil_lab::RackSource;

use crate::exit::{OrConfig, Status, config_error};
use crate::output;

#[derive(Debug, Args)]
pub struct BoardsArgs {
    /// Rack file (default: `HIL_RACK`); the simulated rack keeps no health.
    #[arg(long, value_name = "FILE", global = true)]
    pub rack: Option<PathBuf>,

    /// Where board health is kept (default: `HIL_STATE_DIR`, else the per-user state directory).
    #[arg(long, value_name = "DIR", global = true)]
    pub state_dir: Option<PathBuf>,

    #[command(subcommand)]
    pub action: Option<HealthAction>,
}

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

pub fn run(args: BoardsArgs) -> anyhow::Result<Status> {
    let env = Env::capture();
    let rack_path = match rack_source(args.rack, &env) {
        RackSource::File(path) => path,
        RackSource::Simulated => {
            return Err(config_error(
                "hil boards needs a rack file (--rack or HIL_RACK): the simulated rack keeps no board health",
            ));
        }
    };
    let rack = hil_rack::load(&rack_path).or_config()?;
    let state_dir = args
        .state_dir
        .or_else(|| env.path(hil_app::env::HIL_STATE_DIR));
    match args.action {
        None => list(&rack, state_dir.as_deref()),
        Some(HealthAction::Ready { name }) => {
            let mut record = BoardRecord::open(&rack, &name, state_dir.as_deref()).or_config()?;
            let was = record.health.return_to_service();
            record.save().or_config()?;
            match was {
                Some(m) => println!("DUT `{name}` returned to service (was {})", m.describe()),
                None => println!("DUT `{name}` is in service (count of bad runs reset)"),
            }
            Ok(Status::Success)
        }
        Some(HealthAction::Maintenance { name, reason }) => {
            if reason.trim().is_empty() {
                return Err(config_error("--reason must say why the board is taken out"));
            }
            let mut record = BoardRecord::open(&rack, &name, state_dir.as_deref()).or_config()?;
            record.health.take_out(reason, chrono::Utc::now());
            record.save().or_config()?;
            let m = record.health.maintenance.as_ref().expect("just taken out");
            println!("DUT `{name}` is {}", m.describe());
            Ok(Status::Success)
        }
    }
}

/// One row per board: its health (the lead merges these columns into the lease listing).
fn list(rack: &hil_rack::RackFile, state_dir: Option<&std::path::Path>) -> anyhow::Result<Status> {
    let mut table = output::table(["DUT", "health", "bad runs", "last error"]);
    for dut in &rack.duts {
        let row = match BoardRecord::open(rack, &dut.name, state_dir) {
            Ok(record) => {
                let h = &record.health;
                let health = match &h.maintenance {
                    Some(m) => format!("MAINTENANCE since {}: {}", m.since_text(), m.reason),
                    None => "in service".to_string(),
                };
                [
                    dut.name.clone(),
                    health,
                    h.failed_runs.to_string(),
                    h.last_error.clone().unwrap_or_default(),
                ]
            }
            Err(e) => [
                dut.name.clone(),
                format!("{e}"),
                String::new(),
                String::new(),
            ],
        };
        table.add_row(row);
    }
    println!("{table}");
    Ok(Status::Success)
}
