//! `hil doctor`: brings the rack up without flashing or writing anything and checks every DUT
//! (probe attached, port opens, AT answers, identity matches the rack file, supply answers),
//! printing what is wrong and how to fix it. Exit 1 if any check failed.
//!
//! `--dut NAME` is the health check of one board: only it is brought up (even when it is in
//! maintenance), and a credential is also written, listed and deleted on a scratch tag. When
//! every check passes, a board in maintenance is returned to service.

use std::path::PathBuf;

use clap::Args;
use hil_app::nightly::BoardRecord;
use hil_app::{Env, LabRequest, LabSettings};
use hil_lab::RackSource;
use hil_lab::doctor::{Status as CheckStatus, diagnose, health_check};
use hil_lease::StateDirError;

use crate::cli::TimingArg;
use crate::exit::{OrConfig, Status};
use crate::labgrid_args::LabgridArgs;
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

    #[command(flatten)]
    pub labgrid: LabgridArgs,

    /// Health-check only this DUT (also a credential write/list/delete on a scratch tag); when
    /// it passes, a board in maintenance returns to service.
    #[arg(long, value_name = "NAME")]
    pub dut: Option<String>,
}

pub fn run(args: DoctorArgs) -> anyhow::Result<Status> {
    crate::signals::release_places_on_stop()?;
    let request = LabRequest {
        rack: args.rack,
        timing: Some(args.timing.into()),
        flash: false,
        state_dir: args.lease.state_dir.clone(),
        wait_for_boards: args.lease.wait_for_boards,
        program: Some("hil doctor".to_string()),
        labgrid: args.labgrid.request(),
        ..LabRequest::default()
    };
    let env = Env::capture();
    let LabSettings {
        rack: source,
        options: opts,
    } = LabSettings::resolve(request, &env).or_config()?;
    let checks = match &args.dut {
        Some(dut) => health_check(&source, &opts, dut),
        None => diagnose(&source, &opts),
    }
    .or_config_with(|| format!("checking {}", source.describe()))?;
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
    if let (Some(dut), 0) = (&args.dut, failed) {
        let state_dir = hil_app::state_dir(args.lease.state_dir.as_deref(), &env);
        if let Some(record) = health_record(&source, dut, state_dir)? {
            return_to_service(record, dut)?;
        }
    }
    Ok(Status::from_ok(failed == 0))
}

/// The health record of the board `dut` of `source` (a rack board, or a labgrid place —
/// named directly or by a rack file's `labgrid:` section) in `state_dir` (an error only when
/// a record is needed); `None` for a simulated board.
fn health_record(
    source: &RackSource,
    dut: &str,
    state_dir: Result<PathBuf, StateDirError>,
) -> anyhow::Result<Option<BoardRecord>> {
    let dir = || state_dir.clone().or_config();
    let record = match source {
        RackSource::Simulated => return Ok(None),
        RackSource::Labgrid(l) => BoardRecord::open_place(&l.coordinator, dut, &dir()?),
        RackSource::File(path) => {
            let rack = hil_rack::load(path).or_config()?;
            if let Some(l) = hil_lab::labgrid::rack_labgrid_source(&rack, path).or_config()? {
                BoardRecord::open_place(&l.coordinator, dut, &dir()?)
            } else if rack.dut(dut).is_some_and(|d| d.is_simulated()) {
                return Ok(None);
            } else {
                BoardRecord::open(&rack, dut, &dir()?)
            }
        }
    };
    record.map(Some).or_config()
}

/// After a passing health check: the board leaves maintenance and its count is reset.
fn return_to_service(mut record: BoardRecord, dut: &str) -> anyhow::Result<()> {
    let was = record.health.return_to_service();
    record.save().or_config()?;
    if let Some(m) = was {
        eprintln!("DUT `{dut}` returned to service (was {})", m.describe());
    }
    Ok(())
}
