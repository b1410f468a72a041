//! Machine-readable event log: every run event as one JSON object per line
//! (`<report-dir>/events.jsonl`), for flake-rate history and other tooling. Appended and flushed
//! per event, so a killed run keeps every complete line.
//!
//! A result's attempts carry what [`crate::budget`] allows: up to 16 KiB of transcript each
//! while the log is small, only short messages once it has passed half of
//! [`crate::budget::FILE_CAP`] (the transcript files have the full output).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use hil_runner::{IncompleteReport, Reporter, RunEvent};

use crate::budget::{self, DETAIL_LEVELS, FILE_CAP};

/// How an incomplete event log is named in [`IncompleteReport`].
pub(crate) const EVENT_LOG: &str = "event log";

/// Writes every run event as one JSON line (`events.jsonl`).
pub struct JsonLinesReporter {
    path: PathBuf,
    out: Option<BufWriter<File>>,
    /// Bytes written so far.
    written: usize,
    last_error: Option<io::Error>,
}

impl JsonLinesReporter {
    /// Creates (truncates) the file.
    pub fn create(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Ok(JsonLinesReporter {
            path: path.to_path_buf(),
            out: Some(BufWriter::new(File::create(path)?)),
            written: 0,
            last_error: None,
        })
    }

    /// [`JsonLinesReporter::create`], or a reporter that writes nothing and reports the log as
    /// incomplete ([`Reporter::incomplete`]) when the file cannot be created.
    pub fn open(path: &Path) -> Self {
        Self::create(path).unwrap_or_else(|e| {
            tracing::error!(path = %path.display(), "no event log: {e}");
            JsonLinesReporter {
                path: path.to_path_buf(),
                out: None,
                written: 0,
                last_error: Some(e),
            }
        })
    }

    /// The first write error, if the log could not be written (it is then incomplete).
    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    fn write(&mut self, event: &RunEvent) -> io::Result<()> {
        let Some(out) = &mut self.out else {
            return Ok(());
        };
        let mut line = match event {
            RunEvent::CaseFinished(result) => {
                let detail = if self.written < FILE_CAP / 2 {
                    DETAIL_LEVELS[0]
                } else {
                    DETAIL_LEVELS[DETAIL_LEVELS.len() - 1]
                };
                let slim = budget::slim(result, detail);
                serde_json::to_vec(&RunEvent::CaseFinished(Box::new(slim)))?
            }
            other => serde_json::to_vec(other)?,
        };
        line.push(b'\n');
        out.write_all(&line)?;
        out.flush()?;
        self.written += line.len();
        Ok(())
    }
}

impl Reporter for JsonLinesReporter {
    fn on_event(&mut self, event: &RunEvent) {
        if let Err(e) = self.write(event) {
            tracing::error!("cannot write the event log: {e}; no further events are logged");
            self.last_error = Some(e);
            self.out = None;
        }
    }

    fn incomplete(&self) -> Option<IncompleteReport> {
        self.last_error
            .as_ref()
            .map(|e| IncompleteReport::new(EVENT_LOG, &self.path, e))
    }
}
