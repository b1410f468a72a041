//! `hil bench`: benchmarks the conformance runner by running `hil run` (this executable) as a
//! child and measuring its wall time, peak resident memory and CPU time:
//!
//! 1. the full suite on the default simulated rack in fast mode (targets: 20 s, 100 MB);
//! 2. the same cases on generated racks of 1 and of 8 simulated DUTs, all on
//!    `mfw_nrf9160_1.3.6`, in realistic timing (target: 8 DUTs take at most 1.25× as long);
//! 3. a rack host: 1, 8, 32 and 64 boards served by a `hil sim` process of their own in
//!    realistic timing, so the numbers are the harness's alone (targets at 64 boards: at most
//!    1.25× the wall time of one board, at most 1 MB of peak RSS per board).
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

use crate::bench::child::{self, Ending, Measured};
use crate::bench::racks::{self, BENCH_PROFILE};
use crate::bench::report::{self, BenchReport, RunRecord, Setup, SimUsage};
use crate::bench::served::ServedRack;
use crate::bench::targets::{
    MAX_FULL_RSS_MB, MAX_FULL_WALL_S, MAX_PARALLEL_RATIO, MAX_RACK_RATIO, MAX_RSS_PER_BOARD_MB,
    RACK_SIZES, Verdict,
};
use crate::exit::{OrConfig, Status};
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

    /// Board counts of the rack-host runs (comma-separated; the targets are judged at the
    /// largest against 1).
    #[arg(long, value_name = "N,N,...", value_delimiter = ',', default_values_t = RACK_SIZES, value_parser = clap::value_parser!(u16).range(1..=128))]
    pub rack_boards: Vec<u16>,

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
    /// A rack host: 1 to 64 boards served by a `hil sim` process, realistic timing.
    Rack,
}

impl BenchArgs {
    fn runs(&self, part: Part) -> bool {
        self.only.is_none_or(|only| only == part)
    }

    /// The rack-host sizes, ascending, each once.
    fn rack_sizes(&self) -> Vec<usize> {
        let mut sizes: Vec<usize> = self.rack_boards.iter().map(|&n| usize::from(n)).collect();
        sizes.sort_unstable();
        sizes.dedup();
        sizes
    }
}

/// Scratch space, removed on drop unless kept.
struct Scratch {
    dir: PathBuf,
    keep: bool,
}

impl Scratch {
    /// A new directory under `temp` (the temporary directory).
    fn create(temp: &Path, keep: bool) -> anyhow::Result<Self> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let dir = temp.join(format!("hil-bench-{}-{stamp}", std::process::id()));
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

/// Where a job's boards come from.
enum Boards {
    /// The default simulated rack.
    Default,
    /// A rack file of `n` simulated DUTs (simulated inside the measured run).
    RackFile(PathBuf, usize),
    /// This many boards served by a `hil sim` process started for each repetition.
    Served(usize),
}

struct Job<'a> {
    name: String,
    boards: Boards,
    timing: &'static str,
    args: &'a BenchArgs,
}

impl Job<'_> {
    fn duts(&self) -> Option<usize> {
        match self.boards {
            Boards::Default => None,
            Boards::RackFile(_, n) | Boards::Served(n) => Some(n),
        }
    }

    fn setup(&self) -> Setup {
        match self.boards {
            Boards::Default => Setup::DefaultRack,
            Boards::RackFile(..) => Setup::InProcess,
            Boards::Served(_) => Setup::HilSim,
        }
    }

    /// Names the files of this job in the scratch directory.
    fn slug(&self) -> String {
        match self.boards {
            Boards::Default => "default".to_string(),
            Boards::RackFile(_, n) => format!("{n}dut"),
            Boards::Served(n) => format!("host{n}"),
        }
    }
}

pub fn run(args: BenchArgs) -> anyhow::Result<Status> {
    let env = hil_app::Env::capture();
    let exe = env
        .exe()
        .context("finding the hil executable")?
        .to_path_buf();
    let temp = env.temp_dir().context("finding the temporary directory")?;
    let scratch = Scratch::create(temp, args.keep)?;
    // Ctrl-C / SIGTERM: the running child is stopped and the scratch directory removed.
    let stop = Arc::new(AtomicBool::new(false));
    signals::register(&stop)?;
    let mut runs = Vec::new();

    if args.runs(Part::Full) {
        runs.push(measure_job(
            &exe,
            &scratch.dir,
            Job {
                name: if args.filter.is_empty() {
                    "full suite, default rack, fast".into()
                } else {
                    "filtered suite, default rack, fast".into()
                },
                boards: Boards::Default,
                timing: "fast",
                args: &args,
            },
            &stop,
        )?);
    }
    if args.runs(Part::Parallel) {
        for n in [1, usize::from(args.duts)] {
            let rack = racks::write_rack(&scratch.dir, n).or_config()?;
            runs.push(measure_job(
                &exe,
                &scratch.dir,
                Job {
                    name: format!("{n} DUT{} on {BENCH_PROFILE}, realistic", plural(n)),
                    boards: Boards::RackFile(rack, n),
                    timing: "realistic",
                    args: &args,
                },
                &stop,
            )?);
        }
    }
    if args.runs(Part::Rack) {
        for n in args.rack_sizes() {
            runs.push(measure_job(
                &exe,
                &scratch.dir,
                Job {
                    name: format!("rack host, {n} board{} served by `hil sim`", plural(n)),
                    boards: Boards::Served(n),
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
        report::print(&report);
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
    let mut measured: Vec<(Measured, Option<Measured>)> = Vec::new();
    let log = scratch.join(format!("{}.log", job.slug()));
    for i in 0..job.args.repeat {
        eprintln!("bench: {} ({}/{})...", job.name, i + 1, job.args.repeat);
        let (m, sim) = measure_once(exe, scratch, &job, i, &log, stop)?;
        eprintln!(
            "bench:   {:.2} s, {:.1} MB peak RSS, {:.2} s CPU, {}{}",
            m.wall.as_secs_f64(),
            mb(m.peak_rss),
            m.cpu.as_secs_f64(),
            m.ending.describe(),
            sim.map_or(String::new(), |s| format!(
                "; hil sim: {:.1} MB peak RSS, {:.2} s CPU",
                mb(s.peak_rss),
                s.cpu.as_secs_f64()
            ))
        );
        if m.ending == Ending::Interrupted {
            anyhow::bail!("benchmark interrupted during `{}`", job.name);
        }
        let clean = m.ending.is_clean();
        measured.push((m, sim));
        if !clean {
            break;
        }
    }
    Ok(record(&job, &measured, &log))
}

/// One repetition: the `hil sim` process first when the job needs one (stopped and measured
/// after the run), then the measured `hil run`.
fn measure_once(
    exe: &Path,
    scratch: &Path,
    job: &Job<'_>,
    repetition: u16,
    log: &Path,
    stop: &AtomicBool,
) -> anyhow::Result<(Measured, Option<Measured>)> {
    let slug = job.slug();
    let served = match job.boards {
        Boards::Served(n) => Some(ServedRack::start(
            exe,
            n,
            BENCH_PROFILE,
            &scratch.join(format!("{slug}-sim.log")),
        )?),
        _ => None,
    };
    let rack = match (&job.boards, &served) {
        (Boards::RackFile(path, _), _) => Some(path.clone()),
        (Boards::Served(_), Some(served)) => {
            let path = scratch.join(format!("rack-host-{}.yaml", served.boards.len()));
            std::fs::write(
                &path,
                racks::served_rack_yaml(&served.boards, BENCH_PROFILE),
            )
            .with_context(|| format!("writing {}", path.display()))?;
            Some(path)
        }
        _ => None,
    };
    let dirs = ChildDirs {
        report: scratch.join(format!("report-{slug}-{repetition}")),
        state: scratch.join(format!("state-{slug}-{repetition}")),
        log: log.to_path_buf(),
    };
    let cmd = child_command(exe, job, rack.as_deref(), &dirs)?;
    let m = child::measure(cmd, Duration::from_secs(job.args.timeout), stop)
        .with_context(|| format!("running `{}`", job.name))?;
    let sim = served.map(ServedRack::stop).transpose()?;
    Ok((m, sim))
}

/// The record of a job's repetitions: median wall and CPU time, highest peak RSS, the first
/// unclean ending (or the last ending).
fn record(job: &Job<'_>, measured: &[(Measured, Option<Measured>)], log: &Path) -> RunRecord {
    let walls: Vec<f64> = measured.iter().map(|(m, _)| m.wall.as_secs_f64()).collect();
    let mut by_wall: Vec<&(Measured, Option<Measured>)> = measured.iter().collect();
    by_wall.sort_by_key(|(m, _)| m.wall);
    let median = by_wall.get(by_wall.len() / 2).copied();
    let peak = measured.iter().map(|(m, _)| m.peak_rss).max().unwrap_or(0);
    let worst = measured
        .iter()
        .map(|(m, _)| m.ending)
        .find(|e| !e.is_clean())
        .or(measured.last().map(|(m, _)| m.ending));
    let sim_peak = measured
        .iter()
        .filter_map(|(_, s)| s.map(|s| s.peak_rss))
        .max();
    let sim = median.and_then(|(_, s)| *s).map(|median_sim| SimUsage {
        peak_rss_mb: mb(sim_peak.unwrap_or(median_sim.peak_rss)),
        cpu_s: median_sim.cpu.as_secs_f64(),
    });
    RunRecord {
        name: job.name.clone(),
        setup: job.setup(),
        rack: match &job.boards {
            Boards::Default => "default simulated rack".to_string(),
            Boards::RackFile(p, _) => p
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            Boards::Served(n) => format!("rack-host-{n}.yaml"),
        },
        duts: job.duts(),
        timing: job.timing,
        wall_s: median.map_or(0.0, |(m, _)| m.wall.as_secs_f64()),
        walls_s: walls,
        peak_rss_mb: mb(peak),
        cpu_s: median.map_or(0.0, |(m, _)| m.cpu.as_secs_f64()),
        sim,
        exit: worst.map_or("not run".to_string(), |e| e.describe()),
        clean: worst.is_some_and(|e| e.is_clean()),
        log: log.display().to_string(),
    }
}

/// Where a child run writes.
struct ChildDirs {
    report: PathBuf,
    /// Its own state directory: leases, health and run history of the benchmark's runs stay
    /// in the scratch directory, never in the user's.
    state: PathBuf,
    log: PathBuf,
}

fn child_command(
    exe: &Path,
    job: &Job<'_>,
    rack: Option<&Path>,
    dirs: &ChildDirs,
) -> anyhow::Result<Command> {
    let mut cmd = Command::new(exe);
    cmd.arg("run")
        .arg("--report-dir")
        .arg(&dirs.report)
        .arg("--state-dir")
        .arg(&dirs.state)
        .args(["--timing", job.timing]);
    if let Some(rack) = rack {
        cmd.arg("--rack").arg(rack);
    }
    if let Boards::Served(_) = job.boards {
        // Boards named by port and supply have no probe: nothing to flash.
        cmd.arg("--no-flash");
    }
    for f in &job.args.filter {
        cmd.arg("--filter").arg(f);
    }
    // The child's own settings come from the arguments only.
    for var in [
        "HIL_RACK",
        "HIL_TIMING",
        "HIL_REPORT_DIR",
        "HIL_RETRIES",
        "HIL_STATE_DIR",
    ] {
        cmd.env_remove(var);
    }
    let out = File::options()
        .create(true)
        .append(true)
        .open(&dirs.log)
        .with_context(|| format!("creating {}", dirs.log.display()))?;
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
    if args.runs(Part::Full) {
        let full = runs
            .iter()
            .find(|r| r.setup == Setup::DefaultRack)
            .filter(clean);
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
    if args.runs(Part::Parallel) {
        let in_process = |n: usize| {
            runs.iter()
                .find(|r| r.setup == Setup::InProcess && r.duts == Some(n))
                .filter(clean)
        };
        out.push(Verdict::at_most(
            if args.duts == 8 {
                "wall 8 DUTs / wall 1 DUT (realistic)"
            } else {
                "wall N DUTs / wall 1 DUT (realistic)"
            },
            MAX_PARALLEL_RATIO,
            "×",
            ratio(in_process(1), in_process(usize::from(args.duts))),
        ));
    }
    if args.runs(Part::Rack) {
        out.extend(rack_verdicts(runs, &args.rack_sizes()));
    }
    out
}

/// The rack-host targets, judged at the largest size against one board.
fn rack_verdicts(runs: &[RunRecord], sizes: &[usize]) -> [Verdict; 2] {
    let largest = sizes.last().copied().unwrap_or(0);
    let hosted = |n: usize| {
        runs.iter()
            .find(|r| r.setup == Setup::HilSim && r.duts == Some(n) && r.clean)
    };
    let at_64 = largest == 64;
    [
        Verdict::at_most(
            if at_64 {
                "harness wall 64 boards / 1 board (rack host)"
            } else {
                "harness wall, most boards / 1 board (rack host)"
            },
            MAX_RACK_RATIO,
            "×",
            ratio(hosted(1), hosted(largest)),
        ),
        Verdict::at_most(
            if at_64 {
                "harness peak RSS per board at 64 boards (rack host)"
            } else {
                "harness peak RSS per board, most boards (rack host)"
            },
            MAX_RSS_PER_BOARD_MB,
            "MB",
            hosted(largest).and_then(RunRecord::rss_per_board_mb),
        ),
    ]
}

fn ratio(one: Option<&RunRecord>, many: Option<&RunRecord>) -> Option<f64> {
    match (one, many) {
        (Some(a), Some(b)) if a.wall_s > 0.0 => Some(b.wall_s / a.wall_s),
        _ => None,
    }
}

/// The last `n` lines of a file (for a crashed child's log).
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}
