//! `hil boards`: every board of a rack with its lease — free, or held by whom (program, pid,
//! host, since when, run id) — and its health (in service, or in maintenance since when and
//! why). Nothing is taken or opened: looking at a lease never disturbs it. `hil boards ready
//! NAME` and `hil boards maintenance NAME --reason TEXT` change a board's health
//! ([`super::boards_health`]).
//!
//! Each board is one [`BoardRow`].

use std::path::PathBuf;

use clap::Args;
use hil_lab::RackSource;
use hil_lease::{BoardClaim, BoardLease, LeaseState, board_leases};
use serde_json::{Value, json};

use super::boards_health::{HealthAction, act, act_on_place, health_cell};
use crate::exit::{OrConfig, Status, config_error};
use crate::labgrid_args::LabgridArgs;
use crate::output;

#[derive(Debug, Args)]
pub struct BoardsArgs {
    /// Rack file (default: `HIL_RACK`).
    #[arg(long, value_name = "FILE", global = true)]
    pub rack: Option<PathBuf>,

    /// Where lab state (board leases) lives (default: `HIL_STATE_DIR`, else the per-user state
    /// directory).
    #[arg(long, value_name = "DIR", global = true)]
    pub state_dir: Option<PathBuf>,

    /// One JSON object per board per line instead of a table.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub labgrid: LabgridArgs,

    /// Change one board's health instead of listing.
    #[command(subcommand)]
    pub action: Option<HealthAction>,
}

/// One board as `hil boards` shows it.
#[derive(Debug)]
pub struct BoardRow {
    /// The DUT's name in the rack file.
    pub dut: String,
    /// Its board lease: what hardware it is, and who holds it.
    pub lease: BoardLease,
    /// Its health: in service, or in maintenance since when and why.
    pub health: String,
}

impl BoardRow {
    /// The table's header, one entry per cell of [`BoardRow::cells`].
    pub const COLUMNS: [&'static str; 4] = ["DUT", "hardware", "lease", "health"];

    /// The table cells.
    pub fn cells(&self) -> [String; 4] {
        [
            self.dut.clone(),
            self.hardware(),
            self.lease.state.to_string(),
            self.health.clone(),
        ]
    }

    /// The JSON line.
    pub fn json(&self) -> Value {
        let lease = match &self.lease.state {
            LeaseState::NotNeeded => json!({ "state": "not-needed" }),
            LeaseState::Free => json!({ "state": "free" }),
            LeaseState::Held { key, holder } => json!({
                "state": "held",
                "hardware": key.to_string(),
                "holder": holder.as_ref().map(|r| &r.holder),
                "holder_calls_it": holder.as_ref().map(|r| &r.board),
            }),
        };
        json!({
            "dut": self.dut,
            "hardware": self.hardware_list(),
            "lease": lease,
            "health": self.health,
        })
    }

    fn hardware_list(&self) -> Vec<String> {
        self.lease
            .claim
            .keys
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    fn hardware(&self) -> String {
        let list = self.hardware_list();
        if list.is_empty() {
            "simulated in-process".to_string()
        } else {
            list.join(", ")
        }
    }
}

pub fn run(args: BoardsArgs) -> anyhow::Result<Status> {
    let env = hil_app::Env::capture();
    let source = hil_app::settings::lab_source(args.rack.clone(), &args.labgrid.request(), &env)
        .or_config()?;
    let path = match source {
        RackSource::Labgrid(source) => return places(&source, args, &env),
        RackSource::File(path) => path,
        RackSource::Simulated => {
            eprintln!(
                "the simulated rack: every run makes its own boards, nothing is leased \
                 (give --rack FILE or set HIL_RACK to list a rack's boards)"
            );
            return Ok(Status::Success);
        }
    };
    let rack = hil_rack::load(&path).or_config()?;
    // A rack file whose boards are labgrid places (its `labgrid:` section).
    if let Some(source) = hil_lab::labgrid::rack_labgrid_source(&rack, &path).or_config()? {
        return places(&source, args, &env);
    }
    let state_dir = hil_app::state_dir(args.state_dir.as_deref(), &env).map_err(config_error)?;
    if let Some(action) = args.action {
        return act(&rack, &state_dir, action);
    }
    let claims: Vec<BoardClaim> = rack.duts.iter().map(BoardClaim::of).collect();
    let rows: Vec<BoardRow> = board_leases(&state_dir, &claims)
        .or_config()?
        .into_iter()
        .zip(&rack.duts)
        .map(|(lease, dut)| BoardRow {
            dut: dut.name.clone(),
            lease,
            health: health_cell(&rack, &dut.name, &state_dir),
        })
        .collect();
    if args.json {
        for row in &rows {
            println!("{}", row.json());
        }
    } else {
        let mut table = output::table(BoardRow::COLUMNS);
        for row in &rows {
            table.add_row(row.cells());
        }
        println!("{table}");
        println!(
            "{}: {} boards, state {}",
            path.display(),
            rows.len(),
            state_dir.display()
        );
    }
    Ok(Status::Success)
}

/// `hil boards` on labgrid places: list them, or change one place's health.
fn places(
    source: &hil_lab::LabgridSource,
    args: BoardsArgs,
    env: &hil_app::Env,
) -> anyhow::Result<Status> {
    let state_dir = hil_app::state_dir(args.state_dir.as_deref(), env).map_err(config_error)?;
    match args.action {
        Some(action) => act_on_place(&source.coordinator, &state_dir, action),
        None => super::boards_labgrid::list(source, &state_dir, args.json),
    }
}
