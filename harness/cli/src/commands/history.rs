//! `hil history`: recent runs from the run history (filters: rack, DUT, case pattern, since)
//! and each trial's outcomes over those runs. Also the `--state-dir` option every command that
//! reads the history shares.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use clap::Args;
use hil_history::{History, HistoryError, HistoryView, RunFilter, render, state_dir};

use crate::exit::{Status, config_error};

/// Where the run history lives.
#[derive(Debug, Args)]
pub struct StateDirArgs {
    /// State directory holding the run history (default: `HIL_STATE_DIR`, else the per-user
    /// state directory, e.g. ~/.local/state/hil).
    #[arg(long, value_name = "DIR")]
    pub state_dir: Option<PathBuf>,
}

impl StateDirArgs {
    /// The history database path, in the state directory of [`hil_app::state_dir`] (the one
    /// `hil run` records in, and board leases and health use).
    pub fn history_path(&self, env: &hil_app::Env) -> anyhow::Result<PathBuf> {
        let dir = hil_app::state_dir(self.state_dir.as_deref(), env).map_err(config_error)?;
        Ok(state_dir::history_path(&dir))
    }
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only runs of this rack.
    #[arg(long, value_name = "RACK")]
    pub rack: Option<String>,

    /// Only runs with this DUT, and only its trials.
    #[arg(long, value_name = "DUT")]
    pub dut: Option<String>,

    /// Only trials whose `<suite>::<case>` contains PATTERN (`*` and `?` make it a glob).
    #[arg(long, value_name = "PATTERN")]
    pub case: Option<String>,

    /// Only runs started since DATE: `2026-03-01`, `2026-03-01T06:00:00Z`, or an age (`36h`, `7d`).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,

    /// At most N runs, the most recent.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,

    /// List every selected trial, not only those whose outcome changed (implied by --dut and --case).
    #[arg(long)]
    pub all_trials: bool,

    /// JSON (runs and per-trial outcomes) instead of text.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub state: StateDirArgs,
}

pub fn run(args: HistoryArgs) -> anyhow::Result<Status> {
    let filter = filter(&args)?;
    let path = args.state.history_path(&hil_app::Env::capture())?;
    let view = match open_existing(&path)? {
        Some(history) => history.history(&filter)?,
        None => {
            eprintln!("no run history yet at {}", path.display());
            HistoryView {
                runs: Vec::new(),
                trials: Vec::new(),
            }
        }
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
    } else {
        let all = args.all_trials || args.dut.is_some() || args.case.is_some();
        print!("{}", render::history_text(&view, all));
    }
    Ok(Status::Success)
}

fn filter(args: &HistoryArgs) -> anyhow::Result<RunFilter> {
    let since = args
        .since
        .as_deref()
        .map(|text| hil_history::parse_since(text, SystemTime::now()))
        .transpose()
        .map_err(config_error)?;
    Ok(RunFilter {
        rack: args.rack.clone(),
        dut: args.dut.clone(),
        case: args.case.clone(),
        since,
        until: None,
        limit: args.limit,
    })
}

/// Opens the history if the file exists (a read never creates one). A damaged file is moved
/// aside by the open; that is said on stderr.
pub fn open_existing(path: &Path) -> anyhow::Result<Option<History>> {
    if !path.exists() {
        return Ok(None);
    }
    let history = History::open(path)?;
    if let Some(repaired) = history.repaired() {
        eprintln!("warning: {repaired}");
    }
    Ok(Some(history))
}

/// A history error as a CLI error: bad input (unknown run, bad date) exits 2.
pub fn cli_error(e: HistoryError) -> anyhow::Error {
    if e.is_bad_input() {
        config_error(e)
    } else {
        e.into()
    }
}
