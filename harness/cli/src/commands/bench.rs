//! `hil bench`: benchmarks the conformance runner by running `hil run` (this executable) as a
//! child and measuring its wall time and peak resident memory:
//!
//! 1. the full suite on the default simulated rack in fast mode (targets: 20 s, 100 MB);
//! 2. the same cases on generated racks of 1 and of 8 simulated DUTs, all on
//!    `mfw_nrf9160_1.3.6`, in realistic timing (target: 8 DUTs take at most 1.25× as long).
//!
//! A MISS is reported, not fatal, unless `--enforce`. Unexpected test results in a child run
//! are not the benchmark's business (its exit status is shown); a crash, a configuration error
//! or a timeout invalidates the numbers and makes the benchmark fail.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, ValueEnum};
use serde::Serialize;

use crate::bench::child::{self, Ending, Measured};
use crate::bench::racks::{self, BENCH_PROFILE};
use crate::bench::targets::{MAX_FULL_RSS_MB, MAX_FULL_WALL_S, MAX_PARALLEL_RATIO, Verdict};
use crate::exit::{OrConfig, Status};
use crate::output;
use crate::signals;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Run only trials whose name contains PATTERN (repeatable; applies to every run — the
    /// wall-time target is meant for the full suite).
    #[arg(long, value_name = "PATTERN")]
    pub filter: Vec<String>,

    /// Only this part of the benchmark.
    #[arg(long, value_enum)]
    pub only: Option<Part>,

    /// DUTs of the large parallel-efficiency rack.
    #[arg(long, value_name = "N", default_value_t = 8, value_parser = clap::value_parser!(u16).range(2..=64))]
    pub duts: u16,

    /// Run each configuration N times and keep the median wall time (and the highest RSS).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=20))]
    pub repeat: u16,

    /// Deadline of each child run, seconds.
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub timeout: u64,

    /// Machine-readable output (one JSON object on stdout).
    #[arg(long)]
    pub json: bool,

    /// Exit 1 when a target is missed.
    #[arg(long)]
    pub enforce: bool,

    /// Keep the scratch directory (rack files, reports, child logs) and print its path.
    #[arg(long)]
    pub keep: bool,
}

/// The parts of the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Part {
    /// Full suite, default simulated rack, fast mode: wall time and peak RSS.
    Full,
    /// 1 vs N DUTs in realistic timing: parallel efficiency.
    Parallel,
}

/// One configuration that was run.
#[derive(Debug, Clone, Serialize)]
struct RunRecord {
    name: String,
    rack: String,
    duts: Option<usize>,
    timing: &'static str,
    wall_s: f64,
    /// Every repetition's wall time.
    walls_s: Vec<f64>,
    peak_rss_mb: f64,
    exit: String,
    clean: bool,
    log: String,
}

#[derive(Debug, Serialize)]
struct BenchReport {
    build: &'static str,
    cpus: usize,
    filter: Vec<String>,
    runs: Vec<RunRecord>,
    targets: Vec<Verdict>,
    /// No crash and (with `--enforce`) no MISS.
    ok: bool,
}

/// Scratch space, removed on drop unless kept.
struct Scratch {
    dir: PathBuf,
    keep: bool,
}

impl Scratch {
    fn create(keep: bool) -> anyhow::Result<Self> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!("hil-bench-{}-{stamp}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("creating scratch directory {}", dir.display()))?;
        Ok(Scratch { dir, keep })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

struct Job<'a> {
    name: String,
    rack: Option<PathBuf>,
    duts: Option<usize>,
    timing: &'static str,
    args: &'a BenchArgs,
}

pub fn run(args: BenchArgs) -> anyhow::Result<Status> {
    let exe = std::env::current_exe().context("finding the hil executable")?;
    let scratch = Scratch::create(args.keep)?;
    // Ctrl-C / SIGTERM: the running child is stopped and the scratch directory removed.
    let stop = Arc::new(AtomicBool::new(false));
    signals::register(&stop)?;
    let mut runs = Vec::new();

    if args.only != Some(Part::Parallel) {
        runs.push(measure_job(
            &exe,
            &scratch.dir,
            Job {
                name: if args.filter.is_empty() {
                    "full suite, default rack, fast".into()
                } else {
                    "filtered suite, default rack, fast".into()
                },
                rack: None,
                duts: None,
                timing: "fast",
                args: &args,
            },
            &stop,
        )?);
    }
    if args.only != Some(Part::Full) {
        for n in [1, usize::from(args.duts)] {
            let rack = racks::write_rack(&scratch.dir, n).or_config()?;
            runs.push(measure_job(
                &exe,
                &scratch.dir,
                Job {
                    name: format!("{n} DUT{} on {BENCH_PROFILE}, realistic", plural(n)),
                    rack: Some(rack),
                    duts: Some(n),
                    timing: "realistic",
                    args: &args,
                },
                &stop,
            )?);
        }
    }

    let targets = verdicts(&runs, &args);
    let crashed: Vec<RunRecord> = runs.iter().filter(|r| !r.clean).cloned().collect();
    let missed = targets.iter().any(|t| t.pass == Some(false));
    let ok = crashed.is_empty() && !(args.enforce && missed);
    let report = BenchReport {
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        cpus: std::thread::available_parallelism().map_or(1, |n| n.get()),
        filter: args.filter.clone(),
        runs,
        targets,
        ok,
    };
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, &args);
    }
    if args.keep {
        eprintln!("scratch directory kept: {}", scratch.dir.display());
    }
    for run in &crashed {
        eprintln!(
            "error: run `{}` ended with {}; last lines of its log:\n{}",
            run.name,
            run.exit,
            tail(Path::new(&run.log), 15)
        );
    }
    if !crashed.is_empty() {
        anyhow::bail!(
            "{} benchmark run(s) crashed or timed out; the numbers are not valid",
            crashed.len()
        );
    }
    Ok(Status::from_ok(ok))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Runs one configuration `--repeat` times.
fn measure_job(
    exe: &Path,
    scratch: &Path,
    job: Job<'_>,
    stop: &AtomicBool,
) -> anyhow::Result<RunRecord> {
    let mut measured: Vec<Measured> = Vec::new();
    let slug = job.rack.as_ref().map_or("default".to_string(), |_| {
        format!("{}dut", job.duts.unwrap_or(0))
    });
    let log = scratch.join(format!("{slug}.log"));
    for i in 0..job.args.repeat {
        eprintln!("bench: {} ({}/{})...", job.name, i + 1, job.args.repeat);
        let report_dir = scratch.join(format!("report-{slug}-{i}"));
        let cmd = child_command(exe, &job, &report_dir, &log)?;
        let m = child::measure(cmd, Duration::from_secs(job.args.timeout), stop)
            .with_context(|| format!("running `{}`", job.name))?;
        eprintln!(
            "bench:   {:.2} s, {:.1} MB peak RSS, {}",
            m.wall.as_secs_f64(),
            mb(m.peak_rss),
            m.ending.describe()
        );
        if m.ending == Ending::Interrupted {
            anyhow::bail!("benchmark interrupted during `{}`", job.name);
        }
        let clean = m.ending.is_clean();
        measured.push(m);
        if !clean {
            break;
        }
    }
    let mut walls: Vec<f64> = measured.iter().map(|m| m.wall.as_secs_f64()).collect();
    let peak = measured.iter().map(|m| m.peak_rss).max().unwrap_or(0);
    let worst = measured
        .iter()
        .find(|m| !m.ending.is_clean())
        .or(measured.last())
        .map(|m| m.ending);
    let record_walls = walls.clone();
    walls.sort_by(f64::total_cmp);
    Ok(RunRecord {
        name: job.name,
        rack: job
            .rack
            .as_ref()
            .map_or("default simulated rack".to_string(), |p| {
                p.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default()
            }),
        duts: job.duts,
        timing: job.timing,
        wall_s: walls.get(walls.len() / 2).copied().unwrap_or(0.0),
        walls_s: record_walls,
        peak_rss_mb: mb(peak),
        exit: worst.map_or("not run".to_string(), |e| e.describe()),
        clean: worst.is_some_and(|e| e.is_clean()),
        log: log.display().to_string(),
    })
}

fn child_command(
    exe: &Path,
    job: &Job<'_>,
    report_dir: &Path,
    log: &Path,
) -> anyhow::Result<Command> {
    let mut cmd = Command::new(exe);
    cmd.arg("run")
        .arg("--report-dir")
        .arg(report_dir)
        .args(["--timing", job.timing]);
    if let Some(rack) = &job.rack {
        cmd.arg("--rack").arg(rack);
    }
    for f in &job.args.filter {
        cmd.arg("--filter").arg(f);
    }
    // The child's own settings come from the arguments only.
    for var in ["HIL_RACK", "HIL_TIMING", "HIL_REPORT_DIR", "HIL_RETRIES"] {
        cmd.env_remove(var);
    }
    let out = File::options()
        .create(true)
        .append(true)
        .open(log)
        .with_context(|| format!("creating {}", log.display()))?;
    let err = out.try_clone()?;
    cmd.env("CI", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err));
    Ok(cmd)
}

/// Megabytes (10^6 bytes).
fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn verdicts(runs: &[RunRecord], args: &BenchArgs) -> Vec<Verdict> {
    let mut out = Vec::new();
    let clean = |r: &&RunRecord| r.clean;
    if args.only != Some(Part::Parallel) {
        let full = runs.iter().find(|r| r.duts.is_none()).filter(clean);
        out.push(Verdict::at_most(
            "suite wall time (default rack, fast)",
            MAX_FULL_WALL_S,
            "s",
            full.map(|r| r.wall_s),
        ));
        out.push(Verdict::at_most(
            "suite peak RSS (default rack, fast)",
            MAX_FULL_RSS_MB,
            "MB",
            full.map(|r| r.peak_rss_mb),
        ));
    }
    if args.only != Some(Part::Full) {
        let one = runs.iter().find(|r| r.duts == Some(1)).filter(clean);
        let many = runs
            .iter()
            .find(|r| r.duts == Some(usize::from(args.duts)))
            .filter(clean);
        let ratio = match (one, many) {
            (Some(a), Some(b)) if a.wall_s > 0.0 => Some(b.wall_s / a.wall_s),
            _ => None,
        };
        out.push(Verdict::at_most(
            if args.duts == 8 {
                "wall 8 DUTs / wall 1 DUT (realistic)"
            } else {
                "wall N DUTs / wall 1 DUT (realistic)"
            },
            MAX_PARALLEL_RATIO,
            "×",
            ratio,
        ));
    }
    out
}

fn print_report(report: &BenchReport, args: &BenchArgs) {
    println!(
        "hil bench: {} build, {} CPUs{}",
        report.build,
        report.cpus,
        if args.filter.is_empty() {
            String::new()
        } else {
            format!(", filter {:?}", args.filter)
        }
    );
    let mut runs = output::table(["run", "DUTs", "timing", "wall", "peak RSS", "child exit"]);
    for r in &report.runs {
        let wall = if r.walls_s.len() > 1 {
            format!("{:.2} s (median of {})", r.wall_s, r.walls_s.len())
        } else {
            format!("{:.2} s", r.wall_s)
        };
        runs.add_row([
            r.name.clone(),
            r.duts.map_or("default".to_string(), |n| n.to_string()),
            r.timing.to_string(),
            wall,
            format!("{:.1} MB", r.peak_rss_mb),
            r.exit.clone(),
        ]);
    }
    println!("{runs}");
    let mut targets = output::table(["target", "limit", "measured", "verdict"]);
    for t in &report.targets {
        targets.add_row([
            t.target.to_string(),
            format!("≤ {} {}", t.limit, t.unit),
            t.measured
                .map_or("-".to_string(), |m| format!("{m:.2} {}", t.unit)),
            t.label().to_string(),
        ]);
    }
    println!("{targets}");
    if report.build == "debug" {
        println!(
            "note: a debug build; the targets are meant for `cargo run --release --bin hil -- bench`"
        );
    }
}

/// The last `n` lines of a file (for a crashed child's log).
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
