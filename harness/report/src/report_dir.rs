//! The standard report directory layout and the reporters that fill it.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hil_runner::Reporter;

use crate::html::HtmlReporter;
use crate::jsonl::JsonLinesReporter;
use crate::junit::{JunitOptions, JunitReporter};
use crate::marks::RunMarks;
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
    /// The layout under `dir`.
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
    /// referenced) and the event log, then what `options` add: live progress on stderr and the
    /// summary table on stdout.
    pub fn reporters(&self, options: ReporterOptions) -> Vec<Box<dyn Reporter>> {
        self.marked_reporters(options, Arc::new(RunMarks::default()))
    }

    /// [`ReportDir::reporters`] for a run with quarantined trials or boards held out: JUnit,
    /// HTML and the summary show `marks`.
    pub fn marked_reporters(
        &self,
        options: ReporterOptions,
        marks: Arc<RunMarks>,
    ) -> Vec<Box<dyn Reporter>> {
        let mut reporters: Vec<Box<dyn Reporter>> = vec![
            Box::new(TranscriptWriter::new(&self.dir)),
            Box::new(
                JunitReporter::new(
                    &self.junit,
                    JunitOptions {
                        transcripts_root: Some(self.transcripts.clone()),
                        ..JunitOptions::default()
                    },
                )
                .with_marks(marks.clone()),
            ),
            Box::new(
                HtmlReporter::new(&self.html, Some(self.transcripts.clone()))
                    .with_marks(marks.clone()),
            ),
        ];
        match JsonLinesReporter::create(&self.events) {
            Ok(r) => reporters.push(Box::new(r)),
            Err(e) => tracing::error!(path = %self.events.display(), "no event log: {e}"),
        }
        match options.live_progress {
            LiveProgress::Off => {}
            LiveProgress::Bars => reporters.push(Box::new(ProgressReporter::bars())),
            LiveProgress::Lines => {
                reporters.push(Box::new(ProgressReporter::lines(Box::new(io::stderr()))))
            }
        }
        if options.summary_table {
            reporters.push(Box::new(SummaryReporter::stdout().with_marks(marks)));
        }
        reporters
    }
}

/// What [`ReportDir::reporters`] adds to the report files. The default is files only.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReporterOptions {
    /// Live progress of the run on stderr.
    pub live_progress: LiveProgress,
    /// Print the summary table (counts per DUT and the verdict) on stdout at the end.
    pub summary_table: bool,
}

impl ReporterOptions {
    /// The report files only: no terminal output.
    pub const FILES_ONLY: ReporterOptions = ReporterOptions {
        live_progress: LiveProgress::Off,
        summary_table: false,
    };
}

/// How the run's progress is shown while it runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LiveProgress {
    /// Not shown (e.g. libtest prints its own line per trial).
    #[default]
    Off,
    /// indicatif bars: an overall bar and one line per DUT (a person at a terminal).
    Bars,
    /// One plain line per result (CI logs, a pipe).
    Lines,
}
