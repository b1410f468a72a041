//! The journal: a small file saying a characterization is under way on a board and what it
//! must put back (CFUN, CMEE, the nominal supply, the scratch range). Written before the first
//! change, removed after the last restore; one left behind means a run was interrupted, and
//! the next run restores the board from it before measuring.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// What a run started, and how to undo it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The DUT's name.
    pub board: String,
    /// Scratch range written to.
    pub scratch: (u32, u32),
    /// `+CFUN` before the run.
    pub cfun: u8,
    /// `+CMEE` before the run.
    pub cmee: u8,
    /// `%XPOFWARN` was (or may have been) changed: a reset restores its boot state.
    pub pofwarn_touched: bool,
    /// Nominal supply voltage, when the board has a supply.
    pub nominal_volts: Option<f64>,
}

/// The journal file of one characterization.
#[derive(Debug, Clone)]
pub struct Journal {
    path: PathBuf,
}

impl Journal {
    /// The journal at `path`.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Journal { path: path.into() }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, why: impl std::fmt::Display) -> Error {
        Error::Journal {
            path: self.path.display().to_string(),
            why: why.to_string(),
        }
    }

    /// The entry an interrupted run left, if any.
    pub fn pending(&self) -> Result<Option<Entry>, Error> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| self.error(format!("not a journal ({e}); remove it by hand"))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error(e)),
        }
    }

    /// Records `entry` (replacing any earlier one).
    pub fn record(&self, entry: &Entry) -> Result<(), Error> {
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| self.error(e))?;
        }
        let text = serde_json::to_string_pretty(entry).map_err(|e| self.error(e))?;
        let tmp = self.path.with_extension("tmp");
        std::fs::write(&tmp, text).map_err(|e| self.error(e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| self.error(e))
    }

    /// The run is over and the board restored.
    pub fn close(&self) -> Result<(), Error> {
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_survives_until_closed() {
        let dir = tempfile::tempdir().unwrap();
        let j = Journal::at(dir.path().join("sub/x.journal"));
        assert_eq!(j.pending().unwrap(), None);
        let e = Entry {
            board: "b".into(),
            scratch: (10, 20),
            cfun: 4,
            cmee: 1,
            pofwarn_touched: true,
            nominal_volts: Some(3.7),
        };
        j.record(&e).unwrap();
        assert_eq!(j.pending().unwrap(), Some(e));
        j.close().unwrap();
        assert_eq!(j.pending().unwrap(), None);
        std::fs::write(j.path(), "junk").unwrap();
        assert!(j.pending().unwrap_err().to_string().contains("x.journal"));
    }
}
