//! Machine-readable event log: every run event as one JSON object per line
//! (`<report-dir>/events.jsonl`), for flake-rate history and other tooling. Appended and flushed
//! per event, so a killed run keeps every complete line.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use hil_runner::{Reporter, RunEvent};

pub struct JsonLinesReporter {
    out: Option<BufWriter<File>>,
    last_error: Option<io::Error>,
}

impl JsonLinesReporter {
    /// Creates (truncates) the file.
    pub fn create(path: &Path) -> io::Result<Self> {
        if let Some(dir) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        Ok(JsonLinesReporter {
            out: Some(BufWriter::new(File::create(path)?)),
            last_error: None,
        })
    }

    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    fn write(&mut self, event: &RunEvent) -> io::Result<()> {
        let Some(out) = &mut self.out else {
            return Ok(());
        };
        serde_json::to_writer(&mut *out, event)?;
        out.write_all(b"\n")?;
        out.flush()
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
}
