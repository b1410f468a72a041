//! `hil diff [RUN_A] [RUN_B]`: what changed between two recorded runs — new failures, fixes,
//! new unexpected passes, new expected failures, other outcome changes, changed
//! characterization observations, trials that appeared or disappeared, and boards whose modem
//! firmware changed. Without runs: the last two completed runs of the rack (`--rack`, else the
//! rack of the latest completed run); with one run: that run against the completed run of its
//! rack before it.

use clap::Args;
use hil_history::{RunId, render};

use crate::commands::history::{StateDirArgs, cli_error, open_existing};
use crate::exit::Status;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier run (or, alone, the run to compare with its predecessor).
    #[arg(value_name = "RUN_A")]
    pub run_a: Option<i64>,

    /// The later run.
    #[arg(value_name = "RUN_B", requires = "run_a")]
    pub run_b: Option<i64>,

    /// Without runs: the last two completed runs of this rack.
    #[arg(long, value_name = "RACK", conflicts_with = "run_a")]
    pub rack: Option<String>,

    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub state: StateDirArgs,
}

pub fn run(args: DiffArgs) -> anyhow::Result<Status> {
    let path = args.state.history_path(&hil_app::Env::capture())?;
    let Some(history) = open_existing(&path)? else {
        anyhow::bail!(
            "no run history at {} (every `hil run` records one)",
            path.display()
        );
    };
    let (from, to) = match (args.run_a.map(RunId), args.run_b.map(RunId)) {
        (Some(a), Some(b)) => (a, b),
        (Some(b), None) => (history.previous_of(b).map_err(cli_error)?, b),
        _ => history
            .latest_pair(args.rack.as_deref())
            .map_err(cli_error)?,
    };
    let diff = history.diff(from, to).map_err(cli_error)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&diff)?);
    } else {
        print!("{}", render::diff_text(&diff));
    }
    Ok(Status::Success)
}
