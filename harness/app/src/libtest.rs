//! `cargo test --test hil`: every case × DUT as libtest trials named `<dut>::<suite>::<case>`,
//! on the rack of `HIL_RACK` (else the simulated rack); libtest owns the command line, so the
//! other settings come from the environment ([`crate::settings`]).

use std::process::ExitCode;

use hil_runner::{Filter, IgnoredMode, run_libtest};
use libtest_mimic::Arguments;

use crate::env::Env;
use crate::error::AppError;
use crate::lab::{bring_up, print_lab};
use crate::plan::boards_for;
use crate::run::{build_run, create_report_dir, report_problem, reporters, reports_line_of};
use crate::settings::{Frontend, RunRequest, Settings};

/// The `main` of the `hil` test target: exit status 2 when the run cannot start.
pub fn libtest_main() -> ExitCode {
    let args = Arguments::from_args();
    match libtest(&args, &Env::capture()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Runs the suites as libtest trials with `args` and the settings from `env`.
pub fn libtest(args: &Arguments, env: &Env) -> Result<ExitCode, AppError> {
    let request = RunRequest {
        list: args.list,
        ..RunRequest::default()
    };
    let mut settings = Settings::resolve(Frontend::Libtest, request, env)?;
    // Boards the filter gives no trial are not touched (libtest's behaviour stays: a filter
    // matching nothing runs nothing and passes).
    if !settings.list
        && let Some(boards) = boards_for(&settings, &filter_of(args))?
    {
        let options = &mut settings.lab.options;
        options.boards = options.boards.narrowed_to(&boards);
    }
    // The report directory is checked before bring-up: a run whose reports cannot be written
    // does not start.
    let report = if settings.list {
        None
    } else {
        Some(create_report_dir(&settings)?)
    };
    let lab = bring_up(&settings.lab)?;
    if !settings.list {
        print_lab(&lab);
    }
    let run = build_run(&lab, &settings)?;
    let (boards, _guard) = lab.into_parts();
    let reporters = match report {
        Some(_) => reporters(&settings),
        None => Vec::new(),
    };
    let out = run_libtest(run, args, boards, reporters).map_err(AppError::Start)?;
    let Some(report) = report else {
        return Ok(out.conclusion.exit_code());
    };
    report.tidy();
    let incomplete = out
        .summary
        .as_ref()
        .map(|s| s.incomplete_reports.clone())
        .unwrap_or_default();
    eprintln!("{}", reports_line_of(&report, &incomplete));
    match report_problem(&incomplete) {
        // libtest's verdict only knows the trials; reports that could not be written make
        // the run an infrastructure error whatever it says.
        Some(problem) => {
            eprintln!("error: {problem}");
            Ok(ExitCode::from(2))
        }
        None => Ok(out.conclusion.exit_code()),
    }
}

/// libtest's trial filter as the runner's [`Filter`] (the same substring, `--exact`, `--skip`
/// and ignored rules).
fn filter_of(args: &Arguments) -> Filter {
    let ignored = if args.ignored {
        IgnoredMode::Only
    } else if args.include_ignored {
        IgnoredMode::Include
    } else {
        IgnoredMode::Exclude
    };
    let mut filter = Filter::all().exact(args.exact).ignored(ignored);
    if let Some(pattern) = &args.filter {
        filter = filter.pattern(pattern.clone());
    }
    for skip in &args.skip {
        filter = filter.skip(skip.clone());
    }
    filter
}
