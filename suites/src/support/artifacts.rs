//! Files attached to a case's result (supply traces, plots), written to the board's
//! artifacts directory; a board without one keeps none, which is noted rather than failed.

use std::path::PathBuf;

use super::Ctx;

impl Ctx<'_> {
    /// Writes `contents` to `file_name` in the board's artifacts directory and attaches it to
    /// the result as `label`. Trouble writing is a note, never the case's result.
    pub fn attach(&mut self, file_name: &str, label: &str, contents: &str) {
        let Some(dir) = self.artifacts() else { return };
        let path = dir.join(file_name);
        match std::fs::write(&path, contents) {
            Ok(()) => self.log.attach(label, path),
            Err(e) => self.note(format!("writing {}: {e}", path.display())),
        }
    }

    /// The board's artifacts directory, created; `None` (noted) when the board keeps none.
    fn artifacts(&mut self) -> Option<PathBuf> {
        let Some(dir) = self.board.artifacts.clone() else {
            self.note("the board has no artifacts directory: attachments not written");
            return None;
        };
        match std::fs::create_dir_all(&dir) {
            Ok(()) => Some(dir),
            Err(e) => {
                self.note(format!("creating {}: {e}", dir.display()));
                None
            }
        }
    }
}
