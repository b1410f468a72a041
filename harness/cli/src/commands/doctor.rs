//! `hil doctor`: brings the rack up without flashing or writing anything and checks every DUT
//! (probe attached, port opens, AT answers, identity matches the rack file, supply answers),
//! printing what is wrong and how to fix it. Exit 1 if any check failed.

use std::path::PathBuf;

use clap::Args;
use hil_app::{Env, LabRequest, LabSettings};
use hil_lab::doctor::{Status as CheckStatus, diagnose};

use crate::cli::TimingArg;
use crate::exit::{OrConfig, Status};
use crate::lease_args::LeaseArgs;
use crate::output;

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Rack file (default: `HIL_RACK`, else the simulated rack).
    #[arg(long, value_name = "FILE")]
    pub rack: Option<PathBuf>,

    /// Timing of simulated DUTs.
    #[arg(long, value_enum, default_value_t = TimingArg::Fast)]
    pub timing: TimingArg,

    /// One JSON object per check per line instead of a table.
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub lease: LeaseArgs,
}

pub fn run(args: DoctorArgs) -> anyhow::Result<Status> {
    let request = LabRequest {
        rack: args.rack,
        timing: Some(args.timing.into()),
        flash: false,
        state_dir: args.lease.state_dir,
        wait_for_boards: args.lease.wait_for_boards,
        program: Some("hil doctor".to_string()),
        ..LabRequest::default()
    };
    let LabSettings {
        rack: source,
        options: opts,
    } = LabSettings::resolve(request, &Env::capture()).or_config()?;
    let checks =
        diagnose(&source, &opts).or_config_with(|| format!("checking {}", source.describe()))?;
    let failed = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count();
    if args.json {
        for check in &checks {
            println!("{}", serde_json::to_string(check)?);
        }
    } else {
        let mut table = output::table(["DUT", "check", "status", "detail", "fix"]);
        for c in &checks {
            let status = match c.status {
                CheckStatus::Ok => "ok",
                CheckStatus::Fail => "FAIL",
                CheckStatus::Skip => "skip",
            };
            table.add_row([c.dut.as_str(), c.check, status, &c.detail, &c.fix]);
        }
        println!("{table}");
        if failed == 0 {
            println!("{}: all checks passed", source.describe());
        } else {
            println!("{}: {failed} checks failed", source.describe());
        }
    }
    Ok(Status::from_ok(failed == 0))
}
