//! `hil run`: the main job. Brings the rack up (flashing the firmware-under-test unless it is
//! already there), runs every selected conformance case on every DUT in parallel and writes
//! JUnit, the HTML conformance matrix, transcripts and an event log into the report directory.
//!
//! Exit status: 0 when every result is as expected, 1 on an unexpected result or a stopped run,
//! 2 on a usage or configuration error — a filter that selects no trial, a report directory
//! that cannot be written, a DUT that could not be brought up (port missing, identity
//! mismatch, flash failure), a report that could not be written during the run (the last two
//! after the reports are written, as far as they can be).
//!
//! A rack file's boards have a health record in the state directory: a board in maintenance is
//! not touched (its cases are reported skipped, plus one `<dut>::health::maintenance` error), and
//! after the run each board's infrastructure errors are counted. Quarantined trials run and are
//! reported, but their unexpected results do not set the exit status until the entry expires.
//!
//! Ctrl-C (or SIGTERM) lets each DUT finish its current case, then the reports are written and
//! the summary says the run was stopped (`STOPPED: …`, and JUnit's `run::stopped`); a second
//! Ctrl-C, at least [`signals::ABORT_AFTER`] after the first (copies of one stop arriving
//! together count as one), aborts at once with one line saying where the partial reports are
//! (the JUnit file is rewritten atomically after every result, so it stays valid and red).
//!
//! Every run is recorded in the run history in the state directory (`--state-dir`,
//! `HIL_STATE_DIR`, else the per-user state directory; the one leases and health use) for
//! `hil history` and `hil diff`; a locked or damaged history database is a warning line, never
//! a different result or exit status.

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;
use hil_app::{Env, Frontend, LabRequest, Nightly, NightlyRequest, RunRequest, Settings};
use hil_lab::Shard;
use hil_runner::{Filter, IgnoredMode, StopFlag};

use crate::cli::TimingArg;
use crate::exit::{OrConfig, Status, config_error};
use crate::labgrid_args::LabgridArgs;
use crate::lease_args::LeaseArgs;
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

    /// Where reports go (default: `HIL_REPORT_DIR`, else `hil-report`).
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,

    /// Extra attempts for a failed or errored trial, 0 to 10 (default: `HIL_RETRIES`, else 0).
    #[arg(
        long,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=i64::from(hil_runner::MAX_RETRIES))
    )]
    pub retries: Option<u32>,

    /// Timing of simulated DUTs (default: `HIL_TIMING`, else fast).
    #[arg(long, value_enum)]
    pub timing: Option<TimingArg>,

    /// A directory of simulator modem profiles (`*.yaml`, e.g. from `hil characterize`),
    /// repeatable, besides the rack file's `profile_dirs`: a profile there takes the place of
    /// the bundled one of its firmware (the default rack gets a DUT for each new firmware).
    #[arg(long, value_name = "DIR")]
    pub profile_dir: Vec<PathBuf>,

    /// Firmware-under-test image (ELF or HEX); default `FUT_ELF`, the rack file, the CI build.
    #[arg(long, value_name = "PATH", conflicts_with = "no_flash")]
    pub firmware: Option<PathBuf>,

    /// Do not flash; run on whatever the boards have.
    #[arg(long)]
    pub no_flash: bool,

    /// List the trials that would run, and do not run them.
    #[arg(long)]
    pub list: bool,

    /// Run only shard K of N of the rack's boards (by board, stable: boards sorted by name,
    /// board i in shard i mod N + 1), e.g. one CI job per shard; merge with `hil report merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,

    #[command(flatten)]
    pub lease: LeaseArgs,

    #[command(flatten)]
    pub labgrid: LabgridArgs,

    /// Consecutive runs with an infrastructure error before a board goes into maintenance
    /// (default: the rack file's `maintenance_after`, else 3).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub maintenance_after: Option<u32>,

    /// Quarantine file: trials whose unexpected results do not set the exit status until their
    /// entry expires (default: the rack file's `quarantine`).
    #[arg(long, value_name = "FILE")]
    pub quarantine: Option<PathBuf>,

    /// Run only the quarantined trials and say which now pass (their entries can go).
    #[arg(long)]
    pub quarantine_verify: bool,
}

impl RunArgs {
    /// What the command line asked for; the app layer fills in the rest from the environment.
    fn request(&self) -> RunRequest {
        RunRequest {
            lab: LabRequest {
                rack: self.rack.clone(),
                firmware: self.firmware.clone(),
                timing: self.timing.map(Into::into),
                flash: !self.no_flash,
                state_dir: self.lease.state_dir.clone(),
                wait_for_boards: self.lease.wait_for_boards,
                program: None,
                profile_dirs: self.profile_dir.clone(),
                labgrid: self.labgrid.request(),
            },
            report_dir: self.report_dir.clone(),
            retries: self.retries,
            shard: self.shard,
            list: self.list,
            filter: self.filter(),
            nightly: NightlyRequest {
                state_dir: self.lease.state_dir.clone(),
                maintenance_after: self.maintenance_after,
                quarantine: self.quarantine.clone(),
                quarantine_verify: self.quarantine_verify,
            },
        }
    }

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
    let mut settings =
        Settings::resolve(Frontend::Cli, args.request(), &Env::capture()).or_config()?;
    let mut nightly = Nightly::prepare(&settings).or_config()?;
    settings.lab.options.boards = nightly.selection();
    if settings.list
        && let hil_app::PlannedBoards::Named(boards) =
            hil_app::planned_boards(&settings).or_config()?
    {
        // Listing needs the rack's board names, not the boards.
        let run = hil_app::plan_run(&settings).or_config()?;
        hil_app::print_plan(boards.iter().map(String::as_str), &run);
        return Ok(Status::Success);
    }
    if !settings.list && !nightly.verify {
        // Boards the filter gives no trial are not touched; a filter giving none is refused
        // before any board is.
        let held_out: Vec<String> = nightly
            .held_out()
            .into_iter()
            .map(|held| held.dut.name)
            .collect();
        hil_app::narrow_to_filter(&mut settings, &held_out).map_err(config_error)?;
    }
    if !settings.list {
        hil_app::create_report_dir(&settings).or_config()?;
    }

    // Signals first: a Ctrl-C during bring-up stops the run before its first case.
    let stop = StopFlag::new();
    signals::register_with_abort_line(
        &stop.as_atomic(),
        &format!(
            "aborted: the run did not finish; partial reports in {} (junit.xml says `hil.run_status` = running)",
            settings.report_dir.display()
        ),
    )?;
    let _notice = signals::Notice::start(
        stop.as_atomic(),
        "stop requested: finishing the current cases, then writing reports (again to abort)",
    );

    // … boards whose bring-up has not begun are then left alone …
    settings.lab.options.stop = stop.clone();
    // … and a Ctrl-C while waiting for boards (`--wait-for-boards`) ends the wait at once.
    settings
        .lab
        .options
        .leasing
        .interrupt_waits_on(hil_lease::Interrupt::on(stop.as_atomic()));
    let lab = match hil_app::bring_up(&settings.lab) {
        Ok(lab) => lab,
        Err(e) => {
            // Nothing ran (e.g. a board leased by another command): leave no `junit.xml`
            // saying a run is under way.
            if !settings.list {
                hil_app::discard_reports(&settings);
            }
            return Err(e).or_config();
        }
    };
    if settings.list {
        let run = hil_app::build_run(&lab, &settings).or_config()?;
        hil_app::print_plan(lab.boards.iter().map(|b| b.name()), &run);
        return Ok(Status::Success);
    }
    hil_app::print_lab(&lab);
    for held in nightly.held_out() {
        eprintln!("lab: {}: NOT TOUCHED: {}", held.dut.name, held.reason);
    }
    let mut run = hil_app::build_run(&lab, &settings)
        .or_config()?
        .with_held_out(nightly.held_out());
    let mut filter = settings.filter.clone();
    let verify = nightly.verify_filter(&lab, &run).map_err(|e| {
        hil_app::discard_reports(&settings);
        config_error(e)
    })?;
    if let Some(verify) = verify {
        filter = verify.clone();
        run = run.with_filter(verify);
    }
    // Boards in maintenance still report their trials (as skipped), so only a run with every
    // board present can select nothing.
    if nightly.held_out().is_empty()
        && let Err(e) = hil_app::check_selection(&lab, &run, &filter)
    {
        // Nothing ran: leave no `junit.xml` saying a run is under way.
        hil_app::discard_reports(&settings);
        return Err(config_error(e));
    }
    let marks = Arc::new(nightly.marks(&lab, &run));
    if nightly.verify {
        eprintln!(
            "quarantine verify: running only the {} quarantined trials",
            marks.quarantined.len()
        );
    }
    let run = run.with_stop_flag(stop);
    let unflashed = unflashed_places(&lab);
    let finished = hil_app::execute_marked(lab, &run, &settings, marks).or_config()?;
    // A stop after the last case left every board exercised.
    let health = nightly.record(
        &finished.boards,
        &finished.results,
        finished.summary.not_run > 0,
    );
    for line in health.or_config()? {
        eprintln!("{line}");
    }
    if nightly.verify {
        print_verify(&finished);
    }
    eprintln!("{}", finished.reports_line());
    if !unflashed.is_empty() {
        eprintln!(
            "flashing skipped on labgrid places {} (not flashed by this run; JUnit property \
             `flashing` says why)",
            unflashed.join(", ")
        );
    }
    // The history never changes the run's result: a problem there is this warning line.
    eprintln!("{}", finished.history);
    // Reports that could not be written: the results are not all on record, whatever they say.
    if let Some(problem) = finished.report_problem() {
        return Err(config_error(problem));
    }
    // Boards that did not come up still get their cases reported (as errors), but the exit
    // status says the lab itself is not right.
    if let Some(problem) = finished.lab_problem() {
        return Err(config_error(problem));
    }
    Ok(Status::from_ok(finished.as_expected()))
}

/// The labgrid places whose boards this run does not flash.
fn unflashed_places(lab: &hil_lab::Lab) -> Vec<String> {
    lab.boards
        .iter()
        .filter(|b| {
            b.origin
                .iter()
                .any(|(k, v)| k == "flashing" && v.starts_with("skipped"))
        })
        .map(|b| b.name().to_string())
        .collect()
}

/// One line per quarantined trial: whether it now ends as expected (its entry can go).
fn print_verify(finished: &hil_app::Finished) {
    for result in &finished.results {
        let Some(mark) = finished.marks.quarantined.get(&result.id.to_string()) else {
            continue;
        };
        if result.outcome.is_unexpected() {
            println!(
                "quarantine verify: {} still {} ({})",
                result.id,
                result.outcome.kind().label(),
                mark.entry
            );
        } else {
            println!(
                "quarantine verify: {} now {}: {} can be removed",
                result.id,
                result.outcome.kind().label(),
                mark.entry
            );
        }
    }
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
