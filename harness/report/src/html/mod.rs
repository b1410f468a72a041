//! The HTML conformance matrix: one self-contained file (inline CSS, no scripts, no external
//! assets) readable from disk. Rewritten atomically after each DUT finishes and at the end.

mod links;
mod matrix;
mod render;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hil_runner::{Counts, DutInfo, Reporter, RunEvent, RunInfo, Summary, TrialResult};

use crate::atomic::write_atomically;
use crate::marks::RunMarks;

pub use links::{href, svg_data_uri};
pub use matrix::{Column, Matrix, Row};
pub use render::{Page, render_page};

/// Collects results and writes the page.
pub struct HtmlReporter {
    path: PathBuf,
    page_dir: PathBuf,
    transcripts_root: Option<PathBuf>,
    run: Option<RunInfo>,
    duts: Vec<(DutInfo, Counts, Option<String>)>,
    results: Vec<TrialResult>,
    finished: Option<Summary>,
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
            path,
            page_dir,
            transcripts_root,
            run: None,
            duts: Vec::new(),
            results: Vec::new(),
            finished: None,
            last_error: None,
            marks: Arc::new(RunMarks::default()),
        }
    }

    /// With quarantine and maintenance marks: a badge on each quarantined result and a
    /// status line saying what the run did not test or did not count.
    pub fn with_marks(mut self, marks: Arc<RunMarks>) -> Self {
        self.marks = marks;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    /// The page as it stands.
    pub fn render(&self) -> String {
        render_page(&Page {
            run: self.run.as_ref(),
            duts: &self.duts,
            results: &self.results,
            finished: self.finished.as_ref(),
            page_dir: &self.page_dir,
            transcripts_root: self.transcripts_root.as_ref(),
            marks: &self.marks,
        })
    }

    pub fn write(&self) -> io::Result<()> {
        write_atomically(&self.path, self.render().as_bytes())
    }

    fn write_logged(&mut self) {
        if let Err(e) = self.write() {
            tracing::error!(path = %self.path.display(), "cannot write the HTML report: {e}");
            self.last_error = Some(e);
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
                self.results.push(result.as_ref().clone());
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
