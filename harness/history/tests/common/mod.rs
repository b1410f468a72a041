//! Shared helpers: a history in a temporary directory, and recording sample runs.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use hil_history::sample::{self, SampleRun};
use hil_history::{History, OpenOptions, Recorded};

/// A temporary state directory and the history path inside it.
pub struct Temp {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

pub fn temp() -> Temp {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("history.sqlite");
    Temp { dir, path }
}

/// Short busy timeout so lock tests do not wait long.
pub fn quick() -> OpenOptions {
    OpenOptions {
        busy_timeout: Duration::from_millis(200),
    }
}

pub fn record(history: &mut History, run: &SampleRun) -> Recorded {
    history
        .record(&run.info, &run.duts, &run.results, &run.summary)
        .expect("recorded")
}

/// Records nights `0..nights` of the default-rack sample.
pub fn seed(path: &std::path::Path, rack: &str, nights: u32) -> History {
    let mut history = History::open(path).expect("open");
    for night in 0..nights {
        record(&mut history, &sample::default_rack_run(rack, night));
    }
    history
}

/// The files in the temporary directory, sorted.
pub fn files(temp: &Temp) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(temp.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
