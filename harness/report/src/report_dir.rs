//! The standard report directory layout and the reporters that fill it.

use std::path::{Path, PathBuf};

use hil_runner::Reporter;

use crate::html::HtmlReporter;
use crate::jsonl::JsonLinesReporter;
use crate::junit::{JunitOptions, JunitReporter};
use crate::progress::ProgressReporter;
use crate::summary::SummaryReporter;
use crate::transcripts::{TRANSCRIPTS_DIR, TranscriptWriter};

/// `<dir>/junit.xml`, `<dir>/conformance.html`, `<dir>/transcripts/`, `<dir>/events.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDir {
    pub dir: PathBuf,
    pub junit: PathBuf,
    pub html: PathBuf,
    pub transcripts: PathBuf,
    pub events: PathBuf,
}

impl ReportDir {
    pub fn new(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref().to_path_buf();
        ReportDir {
            junit: dir.join("junit.xml"),
            html: dir.join("conformance.html"),
            transcripts: dir.join(TRANSCRIPTS_DIR),
            events: dir.join("events.jsonl"),
            dir,
        }
    }

    /// Transcript files, JUnit, HTML (in that order, so files exist before they are
    /// referenced), the event log, then live progress (`progress`) and the summary on stdout
    /// (`summary`).
    pub fn reporters(&self, progress: bool, summary: bool) -> Vec<Box<dyn Reporter>> {
        let mut reporters: Vec<Box<dyn Reporter>> = vec![
            Box::new(TranscriptWriter::new(&self.dir)),
            Box::new(JunitReporter::new(
                &self.junit,
                JunitOptions {
                    transcripts_root: Some(self.transcripts.clone()),
                    ..JunitOptions::default()
                },
            )),
            Box::new(HtmlReporter::new(
                &self.html,
                Some(self.transcripts.clone()),
            )),
        ];
        match JsonLinesReporter::create(&self.events) {
            Ok(r) => reporters.push(Box::new(r)),
            Err(e) => tracing::error!(path = %self.events.display(), "no event log: {e}"),
        }
        if progress {
            reporters.push(Box::new(ProgressReporter::auto()));
        }
        if summary {
            reporters.push(Box::new(SummaryReporter::stdout()));
        }
        reporters
    }
}
