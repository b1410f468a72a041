//! The run-history benchmark: 100 recorded runs of a default-rack-sized result set (6 DUTs ×
//! 31 cases), then the queries `hil diff` and `hil history` make on that database.
//! Targets: each query < 200 ms, database < 20 MB.
//!
//! `cargo bench -p hil-history --bench history`

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use hil_history::sample::{self, CASES, DEFAULT_RACK};
use hil_history::{History, RunFilter};

const RUNS: u32 = 100;
const RACK: &str = "sim";

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    seed(&path);

    let mut c = Criterion::default().configure_from_args();
    let history = History::open(&path).expect("open");
    c.bench_function("diff: last two completed runs of the rack", |b| {
        b.iter(|| {
            let (from, to) = history.latest_pair(Some(RACK)).expect("pair");
            black_box(history.diff(from, to).expect("diff"))
        })
    });
    c.bench_function("list_runs: 20 most recent", |b| {
        b.iter(|| black_box(history.list_runs(&RunFilter::default()).expect("runs")))
    });
    c.bench_function("history: 20 runs with every trial's outcomes", |b| {
        b.iter(|| black_box(history.history(&RunFilter::default()).expect("view")))
    });
    let one_case = RunFilter {
        case: Some("case_02".into()),
        limit: 100,
        ..RunFilter::default()
    };
    c.bench_function("history: --case over all 100 runs", |b| {
        b.iter(|| black_box(history.history(&one_case).expect("view")))
    });
    c.bench_function("open: integrity check and schema check", |b| {
        b.iter(|| black_box(History::open(&path).expect("open")))
    });
    c.final_summary();
}

/// Records the runs and prints how long it took and how large the database is.
fn seed(path: &Path) {
    let runs: Vec<_> = (0..RUNS)
        .map(|night| sample::default_rack_run(RACK, night))
        .collect();
    let start = Instant::now();
    let mut history = History::open(path).expect("open");
    for run in &runs {
        history
            .record(&run.info, &run.duts, &run.results, &run.summary)
            .expect("record");
    }
    let elapsed = start.elapsed();
    drop(history); // the last connection checkpoints the WAL into the file
    let size = file_size(path) + file_size(&path.with_extension("sqlite-wal"));
    println!(
        "recorded {RUNS} runs x {} trials in {:.2} s ({:.1} ms per run); database {:.2} MB \
         (target < 20 MB)",
        DEFAULT_RACK.len() * CASES,
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / f64::from(RUNS),
        size as f64 / 1_000_000.0
    );
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}
