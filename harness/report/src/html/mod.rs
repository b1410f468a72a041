//! The HTML conformance matrix: one self-contained file (inline CSS, no scripts, no external
//! assets) readable from disk. Rewritten atomically after each DUT finishes and at the end;
//! kept under [`crate::budget::FILE_CAP`] by showing less of each result when needed.

mod changes;
mod links;
mod matrix;
mod power_plot;
mod render;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hil_runner::{
    Counts, DutInfo, IncompleteReport, Reporter, RunEvent, RunInfo, Summary, TrialResult,
};

use crate::atomic::{tmp_dir_for, write_atomically_via};
use crate::budget::{self, DETAIL_LEVELS, Detail};
use crate::marks::RunMarks;
use crate::past::PastRuns;

pub use links::{href, svg_data_uri};
pub use matrix::{Column, Matrix, Row};
pub use render::{Page, render_page};

/// Collects results and writes the page.
pub struct HtmlReporter {
    path: PathBuf,
    tmp_dir: PathBuf,
    page_dir: PathBuf,
    transcripts_root: Option<PathBuf>,
    run: Option<RunInfo>,
    duts: Vec<(DutInfo, Counts, Option<String>)>,
    /// The results, with what the finest [`Detail`] level shows of them.
    results: Vec<TrialResult>,
    finished: Option<Summary>,
    past: Option<Arc<PastRuns>>,
    /// Index into [`DETAIL_LEVELS`]: how much of each result the page shows.
    level: usize,
    last_error: Option<io::Error>,
    marks: Arc<RunMarks>,
}

impl HtmlReporter {
    /// A page at `path`; `transcripts_root` (when transcript files are written) is linked from
    /// each result.
    pub fn new(path: impl Into<PathBuf>, transcripts_root: Option<PathBuf>) -> Self {
        let path = path.into();
        let page_dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        HtmlReporter {
            tmp_dir: tmp_dir_for(&path),
            path,
            page_dir,
            transcripts_root,
            run: None,
            duts: Vec::new(),
            results: Vec::new(),
            finished: None,
            past: None,
            level: 0,
            last_error: None,
            marks: Arc::new(RunMarks::default()),
        }
    }

    /// With what the run history says about earlier runs: the page then shows the changes
    /// since the previous run and each trial's recent outcomes.
    pub fn with_past(mut self, past: Option<Arc<PastRuns>>) -> Self {
        self.past = past;
        self
    }

    /// Temporary files go to `tmp_dir` (default: [`crate::atomic::TMP_DIR`] beside the page).
    pub fn with_tmp_dir(mut self, tmp_dir: impl Into<PathBuf>) -> Self {
        self.tmp_dir = tmp_dir.into();
        self
    }

    /// With quarantine and maintenance marks: a badge on each quarantined result and a
    /// status line saying what the run did not test or did not count.
    pub fn with_marks(mut self, marks: Arc<RunMarks>) -> Self {
        self.marks = marks;
        self
    }

    /// Where the page is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The error of the last write, if it failed: the page on disk is missing or older.
    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    /// The page as it stands, at the level of detail the last write used.
    pub fn render(&self) -> String {
        self.render_at(DETAIL_LEVELS[self.level])
    }

    fn render_at(&self, detail: Detail) -> String {
        let slimmed;
        // The results are kept at the finest level; a coarser one is made for this page.
        let results = if detail == DETAIL_LEVELS[0] {
            &self.results
        } else {
            slimmed = self
                .results
                .iter()
                .map(|r| budget::slim(r, detail))
                .collect::<Vec<_>>();
            &slimmed
        };
        render_page(&Page {
            run: self.run.as_ref(),
            duts: &self.duts,
            results,
            finished: self.finished.as_ref(),
            page_dir: &self.page_dir,
            transcripts_root: self.transcripts_root.as_ref(),
            past: self.past.as_deref(),
            marks: &self.marks,
        })
    }

    /// Rewrites the page atomically, showing less of each result when it would pass
    /// [`crate::budget::FILE_CAP`].
    pub fn write(&mut self) -> io::Result<()> {
        let mut level = self.level;
        let page = budget::fit(&mut level, |detail| self.render_at(detail));
        self.level = level;
        write_atomically_via(&self.tmp_dir, &self.path, page.as_bytes())
    }

    fn write_logged(&mut self) {
        match self.write() {
            Ok(()) => self.last_error = None,
            Err(e) => {
                tracing::error!(path = %self.path.display(), "cannot write the HTML report: {e}");
                self.last_error = Some(e);
            }
        }
    }

    /// Keeps results grouped by DUT in the rack's order (each DUT's own in the order they ran),
    /// so the page and its `#r-N` anchors do not depend on how the DUT threads interleaved.
    fn insert_in_dut_order(&mut self, result: TrialResult) {
        let rank = |duts: &[(DutInfo, Counts, Option<String>)], name: &str| {
            duts.iter()
                .position(|(d, _, _)| d.name == name)
                .unwrap_or(usize::MAX)
        };
        let mine = rank(&self.duts, &result.id.dut);
        let at = self
            .results
            .iter()
            .rposition(|r| rank(&self.duts, &r.id.dut) <= mine)
            .map_or(0, |i| i + 1);
        self.results.insert(at, result);
    }

    fn dut_mut(&mut self, dut: &DutInfo) -> &mut (DutInfo, Counts, Option<String>) {
        match self.duts.iter().position(|(d, _, _)| d.name == dut.name) {
            Some(i) => &mut self.duts[i],
            None => {
                self.duts.push((dut.clone(), Counts::default(), None));
                self.duts.last_mut().expect("just pushed")
            }
        }
    }
}

impl Reporter for HtmlReporter {
    fn incomplete(&self) -> Option<IncompleteReport> {
        self.last_error
            .as_ref()
            .map(|e| IncompleteReport::new("HTML", &self.path, e))
    }

    fn on_event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::RunStarted { info, duts, .. } => {
                self.run = Some(info.clone());
                self.duts = duts
                    .iter()
                    .map(|d| (d.clone(), Counts::default(), None))
                    .collect();
            }
            RunEvent::DutStarted { dut, .. } => self.dut_mut(dut).0 = dut.clone(),
            RunEvent::CaseStarted { .. } => {}
            RunEvent::CaseFinished(result) => {
                let name = result.id.dut.clone();
                if let Some(slot) = self.duts.iter_mut().find(|(d, _, _)| d.name == name) {
                    slot.1.add(result);
                }
                self.insert_in_dut_order(budget::slim(result, DETAIL_LEVELS[0]));
            }
            RunEvent::DutFinished {
                dut, counts, lost, ..
            } => {
                let slot = self.dut_mut(dut);
                slot.1 = *counts;
                slot.2 = lost.clone();
                self.write_logged();
            }
            RunEvent::RunFinished(summary) => {
                self.finished = Some(summary.clone());
                self.write_logged();
            }
        }
    }
}
