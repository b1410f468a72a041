//! The HTML conformance matrix: one self-contained file (inline CSS, no scripts, no external
//! assets) readable from disk. Rewritten atomically after each DUT finishes (or, with
//! [`Flush::WhenIdle`], when the run's collector is next idle) and at the end; kept under
//! [`crate::budget::FILE_CAP`] by showing less of each result, and embedding fewer plots,
//! when needed.

mod changes;
mod links;
mod matrix;
mod power_plot;
mod render;

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hil_runner::{
    Counts, DutInfo, IncompleteReport, Reporter, RunEvent, RunInfo, Summary, TrialResult,
};

use crate::atomic::{tmp_dir_for, write_atomically_via};
use crate::budget::{self, DETAIL_LEVELS, Detail};
use crate::flush::Flush;
use crate::marks::RunMarks;
use crate::past::PastRuns;
use crate::write_log::FailureLog;

pub use links::{PlotBudget, href, svg_data_uri};
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
    /// The results, with what the page's [`Detail`] level shows of them, in the order they
    /// arrived; grouped by DUT ([`HtmlReporter::group_by_dut`]) before the page is rendered.
    results: Vec<TrialResult>,
    /// Whether `results` are grouped by DUT.
    grouped: bool,
    /// [`budget::floor`] of `results` at the page's level.
    floor: usize,
    finished: Option<Summary>,
    past: Option<Arc<PastRuns>>,
    /// Index into [`DETAIL_LEVELS`]: how much of each result the page shows (and keeps).
    level: usize,
    last_error: Option<io::Error>,
    failures: FailureLog,
    marks: Arc<RunMarks>,
    flush: Flush,
    /// Changes not on the page yet ([`Flush::WhenIdle`]).
    pending: bool,
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
            grouped: true,
            floor: 0,
            finished: None,
            past: None,
            level: 0,
            last_error: None,
            failures: FailureLog::default(),
            marks: Arc::new(RunMarks::default()),
            flush: Flush::default(),
            pending: false,
        }
    }

    /// When the page is rewritten (default: after each DUT finishes).
    pub fn with_flush(mut self, flush: Flush) -> Self {
        self.flush = flush;
        self
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
        if self.grouped {
            return self.render_at(&self.results, DETAIL_LEVELS[self.level]);
        }
        let mut results = self.results.clone();
        group_by_dut(&mut results, &self.duts);
        self.render_at(&results, DETAIL_LEVELS[self.level])
    }

    /// The page of `results` (grouped by DUT, at the page's level) at `detail`.
    fn render_at(&self, results: &[TrialResult], detail: Detail) -> String {
        let slimmed;
        // The results are kept at the page's level; a coarser one is made for this page.
        let results = if detail == DETAIL_LEVELS[self.level] {
            results
        } else {
            slimmed = results
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
            plots: PlotBudget::new(detail.plots),
        })
    }

    /// Rewrites the page atomically, showing less of each result when it would pass
    /// [`crate::budget::FILE_CAP`].
    pub fn write(&mut self) -> io::Result<()> {
        if !self.grouped {
            group_by_dut(&mut self.results, &self.duts);
            self.grouped = true;
        }
        let mut level = self.level;
        let page = budget::fit(&mut level, |detail| self.render_at(&self.results, detail));
        self.keep_at(level);
        write_atomically_via(&self.tmp_dir, &self.path, page.as_bytes())
    }

    /// Keeps a result (slimmed to the page's level), moving the level down when the results
    /// could no longer fit the page at it.
    fn keep(&mut self, result: &TrialResult) {
        let kept = budget::slim(result, DETAIL_LEVELS[self.level]);
        self.floor += budget::floor(&kept, DETAIL_LEVELS[self.level]);
        if let Some(last) = self.results.last() {
            self.grouped &= last.id.dut == kept.id.dut;
        }
        self.results.push(kept);
        if self.floor > budget::FILE_CAP {
            self.keep_at(self.level + 1);
        }
    }

    /// Moves the page, and the results it keeps, to the finest level from `level` on at which
    /// they can fit.
    fn keep_at(&mut self, level: usize) {
        let floor_at = |d| self.results.iter().map(|r| budget::floor(r, d)).sum();
        let level = budget::level_for(level, |l| DETAIL_LEVELS[l], floor_at);
        if level == self.level {
            return;
        }
        let detail = DETAIL_LEVELS[level];
        for r in &mut self.results {
            *r = budget::slim(r, detail);
        }
        self.level = level;
        self.floor = self.results.iter().map(|r| budget::floor(r, detail)).sum();
    }

    fn write_logged(&mut self) {
        self.pending = false;
        match self.write() {
            Ok(()) => {
                self.failures.succeeded("the HTML report", &self.path);
                self.last_error = None;
            }
            Err(e) => {
                self.failures.failed("the HTML report", &self.path, &e);
                self.last_error = Some(e);
            }
        }
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

    fn idle(&mut self) {
        if self.pending {
            self.write_logged();
        }
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
                self.keep(result);
            }
            RunEvent::DutFinished {
                dut, counts, lost, ..
            } => {
                let slot = self.dut_mut(dut);
                slot.1 = *counts;
                slot.2 = lost.clone();
                if self.flush.now(&mut self.pending) {
                    self.write_logged();
                }
            }
            RunEvent::RunFinished(summary) => {
                self.finished = Some(summary.clone());
                self.write_logged();
            }
        }
    }
}

/// Groups `results` by DUT in the rack's order (`duts`), each DUT's own in the order they ran,
/// so the page and its `#r-N` anchors do not depend on how the DUT threads interleaved.
/// Results of a DUT the run did not announce go last. A stable sort once per page write (not
/// an insertion into the middle of thousands of results for each one that arrives).
fn group_by_dut(results: &mut [TrialResult], duts: &[(DutInfo, Counts, Option<String>)]) {
    let rank: HashMap<&str, usize> = duts
        .iter()
        .enumerate()
        .map(|(i, (d, _, _))| (d.name.as_str(), i))
        .collect();
    results.sort_by_cached_key(|r| rank.get(r.id.dut.as_str()).copied().unwrap_or(usize::MAX));
}
