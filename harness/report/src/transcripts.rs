//! Per-trial transcript files: `<report-dir>/transcripts/<dut>/<suite>.<case>.txt`, holding
//! the redacted AT transcript of every attempt. JUnit and HTML attach/link these files.
//!
//! A file holds at most [`TRANSCRIPT_FILE_CAP`] bytes: the runner keeps the first
//! [`hil_runner::bound::TRANSCRIPT_CAP`] bytes of each attempt's output, and a file of several
//! such attempts keeps its start and its last [`TRANSCRIPT_FILE_TAIL`] bytes around a line
//! saying how many bytes were dropped.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};

use hil_runner::{IncompleteReport, Reporter, RunEvent, TrialId, TrialResult};

use crate::atomic::{TMP_DIR, write_atomically_via};
use crate::text::xml_safe;
use crate::write_log::FailureLog;

/// Largest transcript file, bytes (1.5 MiB: under 2 MB like every report file).
pub const TRANSCRIPT_FILE_CAP: usize = crate::budget::FILE_CAP;
/// Bytes kept from the end of a transcript file that passed the cap.
pub const TRANSCRIPT_FILE_TAIL: usize = 64 * 1024;

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
    cap_file(xml_safe(&out))
}

/// `text` within [`TRANSCRIPT_FILE_CAP`]: its start, a line with the count of dropped bytes,
/// and its last [`TRANSCRIPT_FILE_TAIL`] bytes.
fn cap_file(text: String) -> String {
    if text.len() <= TRANSCRIPT_FILE_CAP {
        return text;
    }
    let mut head_end = TRANSCRIPT_FILE_CAP - TRANSCRIPT_FILE_TAIL - 128;
    while !text.is_char_boundary(head_end) {
        head_end -= 1;
    }
    let mut tail_start = text.len() - TRANSCRIPT_FILE_TAIL;
    while !text.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    format!(
        "{}\n[… {} bytes dropped: a transcript file keeps at most {TRANSCRIPT_FILE_CAP} bytes …]\n{}",
        &text[..head_end],
        tail_start - head_end,
        &text[tail_start..]
    )
}

/// Writes one transcript file per finished trial that ran.
pub struct TranscriptWriter {
    root: PathBuf,
    tmp_dir: PathBuf,
    /// The first file that could not be written, and why.
    first_error: Option<(PathBuf, io::Error)>,
    /// Files that could not be written.
    failed: usize,
    failures: FailureLog,
}

impl TranscriptWriter {
    /// Transcripts go to `<report_dir>/transcripts/`, temporary files to
    /// `<report_dir>/.hil-tmp/`.
    pub fn new(report_dir: &Path) -> Self {
        TranscriptWriter {
            root: report_dir.join(TRANSCRIPTS_DIR),
            tmp_dir: report_dir.join(TMP_DIR),
            first_error: None,
            failed: 0,
            failures: FailureLog::default(),
        }
    }

    /// The `transcripts/` directory the files go into.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The first write error, if a file could not be written (it is also logged).
    pub fn last_error(&self) -> Option<&io::Error> {
        self.first_error.as_ref().map(|(_, e)| e)
    }

    /// Writes `result`'s transcript atomically and returns the file's path.
    pub fn write(&self, result: &TrialResult) -> io::Result<PathBuf> {
        let path = transcript_path(&self.root, &result.id);
        write_atomically_via(&self.tmp_dir, &path, render_transcript(result).as_bytes())?;
        Ok(path)
    }
}

impl Reporter for TranscriptWriter {
    fn on_event(&mut self, event: &RunEvent) {
        let RunEvent::CaseFinished(result) = event else {
            return;
        };
        if !has_transcript_file(result) {
            return;
        }
        match self.write(result) {
            Ok(_) => self.failures.succeeded("transcripts", &self.root),
            Err(e) => {
                let path = transcript_path(&self.root, &result.id);
                self.failures.failed("transcripts", &path, &e);
                self.failed += 1;
                self.first_error.get_or_insert((path, e));
            }
        }
    }

    fn incomplete(&self) -> Option<IncompleteReport> {
        self.first_error.as_ref().map(|(path, e)| {
            IncompleteReport::new(
                "transcripts",
                &self.root,
                format!(
                    "{} file{} not written, first {}: {e}",
                    self.failed,
                    if self.failed == 1 { "" } else { "s" },
                    path.display()
                ),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hil_runner::CaseId;

    #[test]
    fn a_file_past_the_cap_keeps_its_ends() {
        let text = format!(
            "# header\n{}\nlast line\n",
            "b".repeat(3 * TRANSCRIPT_FILE_CAP)
        );
        let capped = cap_file(text.clone());
        assert!(capped.len() <= TRANSCRIPT_FILE_CAP, "{}", capped.len());
        assert!(capped.starts_with("# header\n") && capped.ends_with("last line\n"));
        assert!(capped.contains("bytes dropped"));
        assert_eq!(cap_file("short".into()), "short");
    }

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
