//! `hil report merge DIR... --out DIR`: one report directory from several (one per shard or
//! rack host): one JUnit file with a testsuite per DUT, one HTML matrix with every board,
//! transcripts and artifacts in the merged directory with their links intact. A DUT in two
//! inputs is refused.
//!
//! Exit status: 0 when every input completed; 1 when one did not (killed, aborted, stopped,
//! or with reports it could not write: the summary line says which, and the merged JUnit is
//! red); 2 when the inputs cannot be merged.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use hil_runner::RunStatus;

use crate::exit::{Status, config_error};

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    pub command: ReportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge report directories of `hil run` (e.g. one per `--shard`) into one.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Report directories to merge (each written by `hil run`).
    #[arg(value_name = "DIR", required = true)]
    pub inputs: Vec<PathBuf>,

    /// The merged report directory (created).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

pub fn run(args: ReportArgs) -> anyhow::Result<Status> {
    match args.command {
        ReportCommand::Merge(args) => merge(args),
    }
}

fn merge(args: MergeArgs) -> anyhow::Result<Status> {
    let env = hil_app::Env::capture();
    let merged = hil_report::merge(&args.inputs, &args.out, env.cwd()).map_err(config_error)?;
    let complete = merged.summary.status() == RunStatus::Completed;
    let state = if complete {
        String::new()
    } else {
        format!(
            "; NOT COMPLETE: {}",
            hil_report::summary::verdict(&merged.summary)
        )
    };
    eprintln!(
        "merged {} report directories: {} DUTs, {} trials{state}",
        args.inputs.len(),
        merged.duts,
        merged.trials
    );
    eprintln!("{}", hil_app::reports_line(&merged.report));
    Ok(Status::from_ok(complete))
}
