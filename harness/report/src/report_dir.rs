//! The standard report directory layout, getting it ready for a run, and the reporters that
//! fill it.

use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use hil_runner::Reporter;

use crate::atomic::TMP_DIR;

use crate::flush::Flush;
use crate::html::HtmlReporter;
use crate::jsonl::JsonLinesReporter;
use crate::junit::{JunitOptions, JunitReporter};
use crate::marks::RunMarks;
use crate::past::PastRuns;
use crate::progress::ProgressReporter;
use crate::summary::SummaryReporter;
use crate::transcripts::{TRANSCRIPTS_DIR, TranscriptWriter};

/// `<dir>/junit.xml`, `<dir>/conformance.html`, `<dir>/transcripts/`, `<dir>/events.jsonl`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportDir {
    /// The report directory itself.
    pub dir: PathBuf,
    /// `<dir>/junit.xml`.
    pub junit: PathBuf,
    /// `<dir>/conformance.html`.
    pub html: PathBuf,
    /// `<dir>/transcripts/`.
    pub transcripts: PathBuf,
    /// `<dir>/events.jsonl`.
    pub events: PathBuf,
    /// Scratch directory of temporary files ([`TMP_DIR`]), emptied by [`ReportDir::prepare`].
    pub tmp: PathBuf,
    /// The directory the run started in (the command's current directory, e.g. CI's project
    /// directory): JUnit's `[[ATTACHMENT|…]]` paths under it are written relative to it;
    /// absolute when `None`. Set with [`ReportDir::started_in`].
    pub started_in: Option<PathBuf>,
}

/// Why a report directory cannot take a run's reports: what was being done, where, and the
/// error.
#[derive(Debug, thiserror::Error)]
#[error("{doing} {}: {source}", path.display())]
pub struct ReportDirError {
    /// What failed, e.g. `writing the probe file`.
    pub doing: &'static str,
    /// The file or directory it failed on.
    pub path: PathBuf,
    /// The underlying I/O error.
    pub source: io::Error,
}

/// Bytes of the probe file [`ReportDir::prepare`] writes (a nearly full filesystem fails
/// here, before bring-up, rather than after the first results).
const PROBE_BYTES: usize = 16 * 1024;

impl ReportDir {
    /// The layout under `dir`.
    pub fn new(dir: impl AsRef<Path>) -> Self {
        let dir = dir.as_ref().to_path_buf();
        ReportDir {
            junit: dir.join("junit.xml"),
            html: dir.join("conformance.html"),
            transcripts: dir.join(TRANSCRIPTS_DIR),
            events: dir.join("events.jsonl"),
            tmp: dir.join(TMP_DIR),
            dir,
            started_in: None,
        }
    }

    /// With `cwd` as the directory the run started in (see [`ReportDir::started_in`]; the
    /// caller passes it: this crate does not read the process's current directory).
    pub fn started_in(mut self, cwd: Option<&Path>) -> Self {
        self.started_in = cwd.map(Path::to_path_buf);
        self
    }

    /// Makes sure the directory is hil's before anything in it is removed: it carries the
    /// [`MARKER`] file, or holds nothing but what a run writes (a directory of an older harness,
    /// or a new one), and then gets the marker. Anything else is refused, naming a file hil did
    /// not write: a mistyped `--report-dir` must never delete someone's files.
    fn claim(&self) -> io::Result<()> {
        let marker = self.dir.join(MARKER);
        if marker.is_file() {
            return Ok(());
        }
        if let Some(foreign) = foreign_entry(&self.dir)? {
            return Err(io::Error::other(format!(
                "it holds `{foreign}`, which hil did not write (a report directory is hil's alone, \
                 marked by `{MARKER}`): give an empty or new directory"
            )));
        }
        std::fs::write(&marker, MARKER_TEXT)
    }

    /// Gets the directory ready for a run, before bring-up: creates it; checks it is hil's
    /// (`ReportDir::claim`: never a directory holding files hil did not write); removes what an
    /// earlier run left (its scratch directory with the temporary files of a killed run, older
    /// `.hil-report-*.tmp` files, its transcripts); checks it can be written by writing and
    /// removing a probe file; and writes a first `junit.xml` saying the run is running.
    pub fn prepare(&self) -> Result<(), ReportDirError> {
        let err = |doing, path: &Path| {
            let path = path.to_path_buf();
            move |source| ReportDirError {
                doing,
                path,
                source,
            }
        };
        not_a_directory(&self.dir).map_err(err("using", &self.dir))?;
        std::fs::create_dir_all(&self.dir).map_err(err("creating", &self.dir))?;
        self.claim().map_err(err("refusing to clear", &self.dir))?;
        remove_all(&self.tmp).map_err(err("removing the stale scratch directory", &self.tmp))?;
        remove_stale_tmp_files(&self.dir)
            .map_err(err("removing stale temporary files in", &self.dir))?;
        remove_all(&self.transcripts).map_err(err(
            "removing the transcripts of an earlier run",
            &self.transcripts,
        ))?;
        std::fs::create_dir_all(&self.tmp).map_err(err("creating", &self.tmp))?;
        let probe = self.tmp.join("probe");
        write_probe(&probe).map_err(err("writing the probe file", &probe))?;
        std::fs::remove_file(&probe).map_err(err("removing the probe file", &probe))?;
        JunitReporter::new(&self.junit, JunitOptions::default())
            .with_tmp_dir(&self.tmp)
            .write()
            .map_err(err("writing the first", &self.junit))
    }

    /// Removes the scratch directory when it is empty (after the run).
    pub fn tidy(&self) {
        let _ = std::fs::remove_dir(&self.tmp);
    }

    /// Transcript files, HTML, the event log and JUnit (in that order: files exist before
    /// they are referenced, and JUnit's last write knows which other report could not be
    /// written), then what `options` add: live progress on stderr and the summary table on
    /// stdout. JUnit, HTML and the live progress flush when the run's collector is idle
    /// ([`Flush::WhenIdle`]), the progress after the files.
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
        self.remembering_reporters(options, marks, None)
    }

    /// [`ReportDir::marked_reporters`] whose JUnit and HTML also remember `past` (the rack's
    /// earlier runs from the run history): changes since the previous run, outcome strips,
    /// `previous_outcome`.
    pub fn remembering_reporters(
        &self,
        options: ReporterOptions,
        marks: Arc<RunMarks>,
        past: Option<Arc<PastRuns>>,
    ) -> Vec<Box<dyn Reporter>> {
        let mut reporters: Vec<Box<dyn Reporter>> = vec![
            Box::new(TranscriptWriter::new(&self.dir)),
            Box::new(
                HtmlReporter::new(&self.html, Some(self.transcripts.clone()))
                    .with_tmp_dir(&self.tmp)
                    .with_flush(Flush::WhenIdle)
                    .with_marks(marks.clone())
                    .with_past(past.clone()),
            ),
            Box::new(JsonLinesReporter::open(&self.events)),
            Box::new(
                JunitReporter::new(
                    &self.junit,
                    JunitOptions {
                        transcripts_root: Some(self.transcripts.clone()),
                        // `[[ATTACHMENT|…]]` paths relative to where the run started (CI's
                        // project dir).
                        attachments_relative_to: self.started_in.clone(),
                        past,
                        ..JunitOptions::default()
                    },
                )
                .with_tmp_dir(&self.tmp)
                .with_marks(marks.clone())
                .with_flush(Flush::WhenIdle),
            ),
        ];
        match options.live_progress {
            LiveProgress::Off => {}
            LiveProgress::Bars => reporters.push(Box::new(
                ProgressReporter::bars().with_flush(Flush::WhenIdle),
            )),
            LiveProgress::Lines => reporters.push(Box::new(
                ProgressReporter::lines(Box::new(io::stderr())).with_flush(Flush::WhenIdle),
            )),
        }
        if options.summary_table {
            reporters.push(Box::new(SummaryReporter::stdout().with_marks(marks)));
        }
        reporters
    }
}

/// The file that marks a directory as a hil report directory, whose reports a run replaces.
pub const MARKER: &str = ".hil-report";

const MARKER_TEXT: &str =
    "A hil report directory: the next `hil run` with this --report-dir replaces its reports.\n";

/// What a run (or an older harness) writes in a report directory.
const RUN_WRITES: [&str; 6] = [
    "junit.xml",
    "conformance.html",
    "events.jsonl",
    TRANSCRIPTS_DIR,
    "artifacts",
    TMP_DIR,
];

/// Refuses a path that exists but does not lead to a directory (a file, a dangling or looping
/// symbolic link), in words rather than `File exists`.
fn not_a_directory(path: &Path) -> io::Result<()> {
    let Ok(link) = std::fs::symlink_metadata(path) else {
        return Ok(()); // nothing there yet: it is created
    };
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::other("it is a file, not a directory")),
        Err(e) if link.file_type().is_symlink() => Err(io::Error::other(format!(
            "it is a symbolic link that leads to no directory ({e})"
        ))),
        Err(e) => Err(e),
    }
}

/// The first entry of `dir` a run would not have written, if any.
fn foreign_entry(dir: &Path) -> io::Result<Option<String>> {
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let stale_tmp = name.starts_with(".hil-report-") && name.ends_with(".tmp");
        if !stale_tmp && !RUN_WRITES.contains(&name.as_str()) {
            return Ok(Some(name));
        }
    }
    Ok(None)
}

fn remove_all(dir: &Path) -> io::Result<()> {
    match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes `.hil-report-*.tmp` files an older harness left beside the reports.
fn remove_stale_tmp_files(dir: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".hil-report-") && name.ends_with(".tmp") {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

fn write_probe(path: &Path) -> io::Result<()> {
    let mut file = std::fs::File::create(path)?;
    file.write_all(&[b'.'; PROBE_BYTES])?;
    file.sync_all()
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
