//! The console output of a board whose bring-up faulted: its fault message keeps only the
//! first and last bytes (see [`crate::fault`]), so the whole transcript of bring-up goes to
//! `<artifacts>/<dut>/bring-up.transcript.txt` (up to [`TRANSCRIPT_CAP`] bytes, then a line
//! saying how many were dropped) when there is a report directory, and a note says where it is
//! — or that it is not kept.

use std::path::Path;

use hil_at::AtClient;
use hil_runner::bound::{MESSAGE_HEAD, MESSAGE_TAIL, TRANSCRIPT_CAP, capped};

use crate::board::BoardState;

/// The file name of a board's bring-up transcript in its artifacts folder.
pub const FILE_NAME: &str = "bring-up.transcript.txt";

/// Keeps the bring-up transcript of a board whose bring-up faulted after its console opened in
/// its `artifacts` folder (where a file an earlier run left is removed first, whatever the
/// board's state now), and returns the note saying where it is; without a folder, a note that
/// it is not kept when it was longer than a message keeps.
pub(crate) fn record(state: &BoardState, artifacts: Option<&Path>) -> Option<String> {
    let path = artifacts.map(|dir| dir.join(FILE_NAME));
    if let Some(stale) = &path {
        let _ = std::fs::remove_file(stale);
    }
    match state {
        BoardState::Faulted {
            console: Some(console),
            ..
        } => keep(console, path.as_deref()),
        _ => None,
    }
}

fn keep(console: &AtClient, path: Option<&Path>) -> Option<String> {
    let text = console.transcript().to_text();
    let Some(path) = path else {
        return (text.len() > MESSAGE_HEAD + MESSAGE_TAIL).then(|| {
            "the console output of bring-up is not kept (no report directory)".to_string()
        });
    };
    match write(path, &capped(&text, TRANSCRIPT_CAP)) {
        Ok(()) => Some(format!(
            "the console output of bring-up is in {}",
            path.display()
        )),
        Err(e) => Some(format!(
            "the console output of bring-up is not kept: writing {}: {e}",
            path.display()
        )),
    }
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}
