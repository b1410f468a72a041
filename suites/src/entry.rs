//! Running the suites: the same run behind `hil run` and `cargo test --test hil`.
//!
//! The rack comes from `--rack` / `HIL_RACK`, otherwise the simulated rack; simulated DUTs run
//! in `HIL_TIMING` (`fast` by default); reports go to `--report-dir` / `HIL_REPORT_DIR`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use hil_lab::{Board, Lab, LabOptions, RackSource};
use hil_report::ReportDir;
use hil_runner::{Run, RunError, RunInfo};
use hil_sim::timing::Timing;

/// Environment variable choosing the simulated rack's timing (`fast` or `realistic`).
pub const HIL_TIMING_ENV: &str = "HIL_TIMING";
/// Environment variable naming the report directory.
pub const HIL_REPORT_DIR_ENV: &str = "HIL_REPORT_DIR";

/// `HIL_TIMING`, or fast.
pub fn timing_from_env() -> Result<Timing, String> {
    match std::env::var(HIL_TIMING_ENV) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse()
            .map_err(|e| format!("{HIL_TIMING_ENV}: {e}")),
        _ => Ok(Timing::Fast),
    }
}

/// The git commit of the checkout the harness runs from, when it is one.
pub fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The run of every suite on a lab.
pub fn build_run(lab: &Lab, opts: &LabOptions, retries: u32) -> Result<Run<Board>, RunError> {
    let mut info = RunInfo::new(lab.name.clone());
    if info.git_commit.is_none()
        && let Some(commit) = git_commit(&opts.workspace_root)
    {
        info = info.with_git_commit(commit);
    }
    let expectations = crate::expectations()?;
    Ok(Run::new(info, crate::cases(), expectations)?.with_retries(retries))
}

/// Prints what bring-up did, so a run's log says which image, which boards, what failed.
pub fn print_lab(lab: &Lab) {
    for note in &lab.notes {
        eprintln!("lab: {note}");
    }
    for board in &lab.boards {
        let mfw = board
            .identity()
            .map_or("?".to_string(), |i| i.revision.clone());
        match board.fault() {
            Some(fault) => eprintln!("lab: {} ({mfw}): FAULT: {fault}", board.name()),
            None => eprintln!("lab: {} ({mfw}): ready", board.name()),
        }
        for note in &board.notes {
            eprintln!("lab:   {note}");
        }
    }
}

/// `cargo test --test hil`: libtest-mimic over every case × DUT.
pub fn libtest_main() -> ExitCode {
    let args = libtest_mimic::Arguments::from_args();
    let timing = match timing_from_env() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let opts = LabOptions {
        timing,
        flash: !args.list,
        ..LabOptions::default()
    };
    let report_dir = std::env::var_os(HIL_REPORT_DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| opts.workspace_root.join("target/hil-report"));
    let opts = LabOptions {
        artifacts_dir: Some(report_dir.join("artifacts")),
        ..opts
    };
    let source = RackSource::resolve(None);
    let lab = match Lab::bring_up(&source, &opts) {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("error: bringing up {}: {e}", source.describe());
            return ExitCode::from(2);
        }
    };
    if !args.list {
        print_lab(&lab);
    }
    let run = match build_run(&lab, &opts, hil_runner::libtest::retries_from_env()) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let (boards, _guard) = lab.into_parts();
    let reporters = if args.list {
        Vec::new()
    } else {
        ReportDir::new(&report_dir).reporters(false, true)
    };
    match hil_runner::run_libtest(run, &args, boards, reporters) {
        Ok(out) => {
            if !args.list {
                eprintln!("reports: {}", report_dir.display());
            }
            out.conclusion.exit_code()
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
