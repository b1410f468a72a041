//! `hil run`: the main job. Brings the rack up (flashing the firmware-under-test unless it is
//! already there), runs every selected conformance case on every DUT in parallel and writes
//! JUnit, the HTML conformance matrix, transcripts and an event log into the report directory.
//!
//! Exit status: 0 when every result is as expected, 1 on an unexpected result or a stopped run,
//! 2 on a usage or configuration error — including a DUT that could not be brought up (port
//! missing, identity mismatch, flash failure), after the reports are written.
//!
//! Ctrl-C (or SIGTERM) lets each DUT finish its current case, then the reports are written and
//! the summary says the run was stopped; a second Ctrl-C aborts at once (the JUnit file is
//! rewritten atomically after every result, so it stays valid).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use hil_lab::{Lab, LabOptions, RackSource};
use hil_report::ReportDir;
use hil_runner::{Filter, IgnoredMode, Selection, StopFlag};
use hil_suites::entry::{build_run, print_lab};

use crate::cli::TimingArg;
use crate::exit::{OrConfig, Status, config_error};
use crate::signals;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Rack file (default: `HIL_RACK`, else the simulated rack).
    #[arg(long, value_name = "PATH")]
    pub rack: Option<PathBuf>,

    /// Run only trials whose name `<dut>::<suite>::<case>` contains PATTERN (repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Vec<String>,

    /// More filter patterns, as with `cargo test`.
    #[arg(value_name = "FILTER")]
    pub filters: Vec<String>,

    /// Skip trials whose name contains PATTERN (repeatable).
    #[arg(long, value_name = "PATTERN")]
    pub skip: Vec<String>,

    /// Patterns must match the whole trial name.
    #[arg(long)]
    pub exact: bool,

    /// Also run ignored cases.
    #[arg(long, conflicts_with = "ignored")]
    pub include_ignored: bool,

    /// Run only ignored cases.
    #[arg(long)]
    pub ignored: bool,

    /// Where reports go.
    #[arg(
        long,
        value_name = "DIR",
        env = "HIL_REPORT_DIR",
        default_value = "hil-report"
    )]
    pub report_dir: PathBuf,

    /// Extra attempts for a failed or errored trial.
    #[arg(long, value_name = "N", env = "HIL_RETRIES", default_value_t = 0)]
    pub retries: u32,

    /// Timing of simulated DUTs.
    #[arg(long, value_enum, env = "HIL_TIMING", default_value_t = TimingArg::Fast)]
    pub timing: TimingArg,

    /// Firmware-under-test image (ELF or HEX); default `FUT_ELF`, the rack file, the CI build.
    #[arg(long, value_name = "PATH", conflicts_with = "no_flash")]
    pub firmware: Option<PathBuf>,

    /// Do not flash; run on whatever the boards have.
    #[arg(long)]
    pub no_flash: bool,

    /// List the trials that would run, and do not run them.
    #[arg(long)]
    pub list: bool,
}

impl RunArgs {
    fn filter(&self) -> Filter {
        let mut filter = Filter::all().exact(self.exact).ignored(if self.ignored {
            IgnoredMode::Only
        } else if self.include_ignored {
            IgnoredMode::Include
        } else {
            IgnoredMode::Exclude
        });
        for p in self.filter.iter().chain(&self.filters) {
            filter = filter.pattern(p.clone());
        }
        for p in &self.skip {
            filter = filter.skip(p.clone());
        }
        filter
    }
}

pub fn run(args: RunArgs) -> anyhow::Result<Status> {
    let source = RackSource::resolve(args.rack.clone());
    let report = ReportDir::new(&args.report_dir);
    let opts = LabOptions {
        timing: args.timing.into(),
        firmware: args.firmware.clone(),
        flash: !(args.no_flash || args.list),
        artifacts_dir: Some(report.dir.join("artifacts")),
        ..LabOptions::default()
    };

    if !args.list {
        std::fs::create_dir_all(&report.dir)
            .with_context(|| format!("creating the report directory {}", report.dir.display()))
            .or_config()?;
    }

    // Signals first: a Ctrl-C during bring-up stops the run before its first case.
    let stop = StopFlag::new();
    signals::register(&stop.as_atomic())?;
    let _notice = signals::Notice::start(
        stop.as_atomic(),
        "stop requested: finishing the current cases, then writing reports (again to abort)",
    );

    let lab = Lab::bring_up(&source, &opts)
        .or_config_with(|| format!("bringing up {}", source.describe()))?;
    if !args.list {
        print_lab(&lab);
    }
    let run = build_run(&lab, &opts, args.retries)
        .or_config_with(|| "preparing the run".to_string())?
        .with_filter(args.filter())
        .with_stop_flag(stop);

    if args.list {
        let mut listed = 0;
        for board in &lab.boards {
            for (id, selection) in run.plan_for(board.name()) {
                match selection {
                    Selection::Run => println!("{id}"),
                    Selection::Ignored => println!("{id} (ignored)"),
                    Selection::FilteredOut => continue,
                }
                listed += 1;
            }
        }
        eprintln!("{listed} trials");
        return Ok(Status::Success);
    }

    // Boards that did not come up still get their cases reported (as errors), but the exit
    // status says the lab itself is not right.
    let faults: Vec<String> = lab
        .boards
        .iter()
        .filter_map(|b| b.fault().map(|f| format!("DUT `{}`: {f}", b.name())))
        .collect();

    let (boards, guard) = lab.into_parts();
    let output = run
        .execute(boards, report.reporters(true, true))
        .or_config_with(|| "starting the run".to_string())?;
    drop(output.duts);
    drop(guard);

    eprintln!(
        "reports: {} (JUnit), {} (HTML), {}",
        report.junit.display(),
        report.html.display(),
        report.transcripts.display()
    );
    if !faults.is_empty() {
        return Err(config_error(format!(
            "{}: {} of {} DUTs could not be brought up (their cases are reported as errors): {}",
            source.describe(),
            faults.len(),
            output.summary.per_dut.len(),
            faults.join("; ")
        )));
    }
    Ok(Status::from_ok(output.summary.exit_code() == 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        run: RunArgs,
    }

    #[test]
    fn filters_combine_like_libtest() {
        let w = Wrap::parse_from([
            "x",
            "--filter",
            "cmng",
            "--skip",
            "crlf",
            "identity",
            "--include-ignored",
        ]);
        let f = w.run.filter();
        assert_eq!(f.patterns, ["cmng", "identity"]);
        assert_eq!(f.skip, ["crlf"]);
        assert_eq!(f.ignored, IgnoredMode::Include);
        assert!(f.matches_name("d::cmng::write") && !f.matches_name("d::cmng::write_crlf"));
    }
}
