//! Per-trial transcript files: `<report-dir>/transcripts/<dut>/<suite>.<case>.txt`, holding
//! the redacted AT transcript of every attempt. JUnit and HTML attach/link these files.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use hil_runner::{Reporter, RunEvent, TrialId, TrialResult};

use crate::atomic::write_atomically;
use crate::text::xml_safe;

/// The directory under a report directory that holds transcripts.
pub const TRANSCRIPTS_DIR: &str = "transcripts";

/// Where the transcript of `id` lives under a transcripts root.
pub fn transcript_path(root: &Path, id: &TrialId) -> PathBuf {
    root.join(path_component(&id.dut)).join(format!(
        "{}.{}.txt",
        path_component(&id.case.suite),
        path_component(&id.case.name)
    ))
}

/// True when a transcript file is written for this result (the case ran at least once).
pub fn has_transcript_file(result: &TrialResult) -> bool {
    !result.attempts.is_empty()
}

/// A name made safe as one path component: only `[A-Za-z0-9._-]`, never `.`/`..`/empty.
pub fn path_component(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if safe.is_empty() || safe.chars().all(|c| c == '.') {
        "_".repeat(safe.len().max(1))
    } else {
        safe
    }
}

/// The file's text: a header, then each attempt with its transcript, observations and notes.
pub fn render_transcript(result: &TrialResult) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}", result.id, result.outcome);
    let _ = writeln!(
        out,
        "# modem firmware: {}",
        result
            .mfw
            .as_ref()
            .map(|m| m.to_string())
            .unwrap_or_else(|| "unknown".into())
    );
    let _ = writeln!(out, "# description: {}", result.description);
    let _ = writeln!(
        out,
        "# attempts: {} of {}",
        result.attempts.len(),
        result.max_attempts
    );
    for attempt in &result.attempts {
        let _ = writeln!(
            out,
            "\n=== attempt {}/{}: {} ({:.3} s) ===",
            attempt.number,
            result.max_attempts,
            attempt.outcome,
            attempt.duration.as_secs_f64()
        );
        out.push_str(&attempt.log.transcript);
        if !attempt.log.transcript.is_empty() && !attempt.log.transcript.ends_with('\n') {
            out.push('\n');
        }
        for (key, value) in &attempt.log.observations {
            let _ = writeln!(out, "observation: {key} = {value}");
        }
        for note in &attempt.log.notes {
            let _ = writeln!(out, "note: {note}");
        }
        match &attempt.recovery {
            Some(Ok(())) => out.push_str("recovery: ok\n"),
            Some(Err(why)) => {
                let _ = writeln!(out, "recovery: FAILED: {why}");
            }
            None => {}
        }
    }
    xml_safe(&out)
}

/// Writes one transcript file per finished trial that ran.
pub struct TranscriptWriter {
    root: PathBuf,
    last_error: Option<io::Error>,
}

impl TranscriptWriter {
    /// Transcripts go to `<report_dir>/transcripts/`.
    pub fn new(report_dir: &Path) -> Self {
        TranscriptWriter {
            root: report_dir.join(TRANSCRIPTS_DIR),
            last_error: None,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    pub fn write(&self, result: &TrialResult) -> io::Result<PathBuf> {
        let path = transcript_path(&self.root, &result.id);
        write_atomically(&path, render_transcript(result).as_bytes())?;
        Ok(path)
    }
}

impl Reporter for TranscriptWriter {
    fn on_event(&mut self, event: &RunEvent) {
        if let RunEvent::CaseFinished(result) = event
            && has_transcript_file(result)
            && let Err(e) = self.write(result)
        {
            tracing::error!(trial = %result.id, "cannot write the transcript: {e}");
            self.last_error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hil_runner::CaseId;

    #[test]
    fn paths_stay_inside_the_root() {
        let id = TrialId::new("../dut 1", CaseId::new("cmng/..", ".."));
        let p = transcript_path(Path::new("t"), &id);
        assert_eq!(p, Path::new("t/.._dut_1/cmng_...__.txt"));
        assert_eq!(path_component(".."), "__");
        assert_eq!(path_component(""), "_");
        assert_eq!(path_component("dut-1.a_b"), "dut-1.a_b");
    }
}
