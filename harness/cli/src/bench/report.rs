//! What `hil bench` found: one record per configuration run, the verdicts, and how they are
//! printed — the runs, the rack-host scaling (1 to 64 boards served by `hil sim`) and the
//! targets.

use serde::Serialize;

use super::targets::Verdict;
use crate::output;

/// Where a configuration's boards come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Setup {
    /// The default simulated rack (no rack file).
    DefaultRack,
    /// A rack file of simulated DUTs, simulated inside the measured `hil run`.
    InProcess,
    /// A rack file naming boards a separate `hil sim` process serves (a rack host).
    HilSim,
}

/// What a `hil sim` process serving a configuration used over its whole life.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SimUsage {
    /// Highest peak RSS of the repetitions, MB (10^6 bytes).
    pub peak_rss_mb: f64,
    /// CPU time (user + system) of the median repetition's simulator, seconds.
    pub cpu_s: f64,
}

/// One configuration that was run.
#[derive(Debug, Clone, Serialize)]
pub struct RunRecord {
    pub name: String,
    pub setup: Setup,
    pub rack: String,
    pub duts: Option<usize>,
    pub timing: &'static str,
    /// Median wall time of the repetitions.
    pub wall_s: f64,
    /// Every repetition's wall time.
    pub walls_s: Vec<f64>,
    /// Highest peak RSS of the repetitions (the measured `hil run` only).
    pub peak_rss_mb: f64,
    /// CPU time (user + system) of the measured `hil run` in the median repetition.
    pub cpu_s: f64,
    /// The simulator's usage, when it ran in a process of its own.
    pub sim: Option<SimUsage>,
    pub exit: String,
    pub clean: bool,
    pub log: String,
}

impl RunRecord {
    /// Peak RSS per board, MB.
    pub fn rss_per_board_mb(&self) -> Option<f64> {
        self.duts
            .filter(|&n| n > 0)
            .map(|n| self.peak_rss_mb / n as f64)
    }
}

/// Everything `hil bench --json` prints.
#[derive(Debug, Serialize)]
pub struct BenchReport {
    pub build: &'static str,
    pub cpus: usize,
    pub filter: Vec<String>,
    pub runs: Vec<RunRecord>,
    pub targets: Vec<Verdict>,
    /// No crash and (with `--enforce`) no MISS.
    pub ok: bool,
}

/// The report as tables on stdout.
pub fn print(report: &BenchReport) {
    println!(
        "hil bench: {} build, {} CPUs{}",
        report.build,
        report.cpus,
        if report.filter.is_empty() {
            String::new()
        } else {
            format!(", filter {:?}", report.filter)
        }
    );
    println!("{}", runs_table(&report.runs));
    if let Some(table) = rack_host_table(&report.runs) {
        println!("rack host: the harness measured alone, the boards served by `hil sim`");
        println!("{table}");
    }
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
    println!(
        "note: wall times on a machine shared with other work vary; compare medians (--repeat N)"
    );
}

fn runs_table(runs: &[RunRecord]) -> comfy_table::Table {
    let mut table = output::table([
        "run",
        "DUTs",
        "timing",
        "wall",
        "peak RSS",
        "CPU",
        "child exit",
    ]);
    for r in runs {
        table.add_row([
            r.name.clone(),
            r.duts.map_or("default".to_string(), |n| n.to_string()),
            r.timing.to_string(),
            wall(r),
            format!("{:.1} MB", r.peak_rss_mb),
            format!("{:.2} s", r.cpu_s),
            r.exit.clone(),
        ]);
    }
    table
}

fn wall(r: &RunRecord) -> String {
    if r.walls_s.len() > 1 {
        format!("{:.2} s (median of {})", r.wall_s, r.walls_s.len())
    } else {
        format!("{:.2} s", r.wall_s)
    }
}

/// The rack-host runs side by side: the harness's wall time against one board's, its memory
/// per board, and what the simulator used in its own process.
fn rack_host_table(runs: &[RunRecord]) -> Option<comfy_table::Table> {
    let hosted: Vec<&RunRecord> = runs.iter().filter(|r| r.setup == Setup::HilSim).collect();
    if hosted.is_empty() {
        return None;
    }
    let one = hosted
        .iter()
        .find(|r| r.duts == Some(1) && r.clean)
        .map(|r| r.wall_s);
    let mut table = output::table([
        "boards",
        "harness wall",
        "× 1 board",
        "harness peak RSS",
        "per board",
        "harness CPU",
        "hil sim peak RSS",
        "hil sim CPU",
    ]);
    for r in hosted {
        let ratio = match one {
            Some(one) if one > 0.0 && r.clean => format!("{:.2}×", r.wall_s / one),
            _ => "-".to_string(),
        };
        table.add_row([
            r.duts.map_or("-".to_string(), |n| n.to_string()),
            wall(r),
            ratio,
            format!("{:.1} MB", r.peak_rss_mb),
            r.rss_per_board_mb()
                .map_or("-".to_string(), |m| format!("{m:.2} MB")),
            format!("{:.2} s", r.cpu_s),
            r.sim
                .map_or("-".to_string(), |s| format!("{:.1} MB", s.peak_rss_mb)),
            r.sim
                .map_or("-".to_string(), |s| format!("{:.2} s", s.cpu_s)),
        ]);
    }
    Some(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(setup: Setup, duts: usize, wall_s: f64, rss: f64) -> RunRecord {
        RunRecord {
            name: format!("{duts}"),
            setup,
            rack: "r".into(),
            duts: Some(duts),
            timing: "realistic",
            wall_s,
            walls_s: vec![wall_s],
            peak_rss_mb: rss,
            cpu_s: 1.0,
            sim: Some(SimUsage {
                peak_rss_mb: 30.0,
                cpu_s: 2.0,
            }),
            exit: "exit 0".into(),
            clean: true,
            log: "l".into(),
        }
    }

    #[test]
    fn the_rack_host_table_relates_every_size_to_one_board() {
        let runs = vec![
            record(Setup::InProcess, 8, 99.0, 99.0),
            record(Setup::HilSim, 1, 40.0, 14.0),
            record(Setup::HilSim, 64, 44.0, 64.0),
        ];
        let text = rack_host_table(&runs).unwrap().to_string();
        assert!(text.contains("1.10×"), "{text}");
        assert!(text.contains("1.00 MB"), "64 MB over 64 boards: {text}");
        assert!(
            !text.contains("99"),
            "in-process runs are not rack-host runs: {text}"
        );
        assert!(rack_host_table(&runs[..1]).is_none());
    }
}
