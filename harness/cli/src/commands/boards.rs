//! `hil boards`: every board of a rack with its lease — free, or held by whom (program, pid,
//! host, since when, run id). Nothing is taken or opened: looking at a lease never disturbs it.
//!
//! Each board is one [`BoardRow`]; more board state (health, maintenance) is another field
//! there and another entry in [`BoardRow::COLUMNS`] and [`BoardRow::cells`].

use std::path::PathBuf;

use clap::Args;
use hil_lab::RackSource;
use hil_lease::{BoardClaim, BoardLease, LeaseState, board_leases};
use serde_json::{Value, json};

use crate::exit::{OrConfig, Status, config_error};
use crate::output;

#[derive(Debug, Args)]
pub struct BoardsArgs {
    /// Rack file (default: `HIL_RACK`).
    #[arg(long, value_name = "FILE")]
    pub rack: Option<PathBuf>,

    /// Where lab state (board leases) lives (default: `HIL_STATE_DIR`, else the per-user state
    /// directory).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,

    /// One JSON object per board per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// One board as `hil boards` shows it.
#[derive(Debug)]
pub struct BoardRow {
    /// The DUT's name in the rack file.
    pub dut: String,
    /// Its board lease: what hardware it is, and who holds it.
    pub lease: BoardLease,
}

impl BoardRow {
    /// The table's header, one entry per cell of [`BoardRow::cells`].
    pub const COLUMNS: [&'static str; 3] = ["DUT", "hardware", "lease"];

    /// The table cells.
    pub fn cells(&self) -> [String; 3] {
        [
            self.dut.clone(),
            self.hardware(),
            self.lease.state.to_string(),
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
        json!({ "dut": self.dut, "hardware": self.hardware_list(), "lease": lease })
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
    let path = match hil_app::settings::rack_source(args.rack.clone(), &env) {
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
    let claims: Vec<BoardClaim> = rack.duts.iter().map(BoardClaim::of).collect();
    let state_dir = hil_app::state_dir(args.state_dir.as_deref(), &env).map_err(config_error)?;
    let rows: Vec<BoardRow> = board_leases(&state_dir, &claims)
        .or_config()?
        .into_iter()
        .zip(&rack.duts)
        .map(|(lease, dut)| BoardRow {
            dut: dut.name.clone(),
            lease,
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
