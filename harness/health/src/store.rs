//! Reading and writing health records: one JSON file per board key in `<state>/health/`,
//! replaced atomically (a temporary file renamed over it), so a killed run never leaves half a
//! record. A board with no file has a clean record.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::error::HealthError;
use crate::key::BoardKey;
use crate::record::BoardHealth;
use crate::state_dir::health_dir;

/// The health records under one state directory.
#[derive(Debug, Clone)]
pub struct HealthStore {
    dir: PathBuf,
}

impl HealthStore {
    /// The records of `state_dir` (nothing is created until a record is written).
    pub fn new(state_dir: &Path) -> Self {
        HealthStore {
            dir: health_dir(state_dir),
        }
    }

    /// The folder of the records.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file of `key`'s record.
    pub fn path(&self, key: &BoardKey) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// The record of `key` (called `dut` in the current rack file); a fresh one when none is
    /// stored.
    pub fn load(&self, key: &BoardKey, dut: &str) -> Result<BoardHealth, HealthError> {
        let path = self.path(key);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(BoardHealth::new(key, dut));
            }
            Err(source) => return Err(HealthError::Io { path, source }),
        };
        let mut record: BoardHealth =
            serde_json::from_str(&text).map_err(|source| HealthError::Corrupt { path, source })?;
        record.dut = dut.to_string();
        Ok(record)
    }

    /// Writes `record` atomically.
    pub fn save(&self, record: &BoardHealth) -> Result<(), HealthError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| HealthError::Io { path, source }
        };
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let path = self.path(&BoardKey::from_text(record.key.clone()));
        let mut text = serde_json::to_string_pretty(record).expect("a record serialises");
        text.push('\n');
        let mut tmp = tempfile::Builder::new()
            .prefix(".health-")
            .suffix(".tmp")
            .tempfile_in(&self.dir)
            .map_err(io(&self.dir))?;
        tmp.write_all(text.as_bytes()).map_err(io(tmp.path()))?;
        tmp.as_file().sync_data().map_err(io(&path))?;
        tmp.persist(&path).map_err(|e| HealthError::Io {
            path: path.clone(),
            source: e.error,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::RunVerdict;

    #[test]
    fn a_record_survives_a_round_trip_and_leaves_no_temporary_files() {
        let state = tempfile::tempdir().unwrap();
        let store = HealthStore::new(state.path());
        let key = BoardKey::from_text("port:/dev/serial/by-id/usb-x");
        let mut h = store.load(&key, "dk-1").unwrap();
        assert_eq!(h, BoardHealth::new(&key, "dk-1"));
        h.apply(
            &RunVerdict::InfraError("no answer".into()),
            3,
            chrono::Utc::now(),
        );
        store.save(&h).unwrap();
        let again = store.load(&key, "renamed").unwrap();
        assert_eq!((again.failed_runs, again.dut.as_str()), (1, "renamed"));
        let files: Vec<_> = std::fs::read_dir(store.dir()).unwrap().collect();
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn a_corrupt_record_names_its_file() {
        let state = tempfile::tempdir().unwrap();
        let store = HealthStore::new(state.path());
        let key = BoardKey::from_text("probe:1366:1015");
        std::fs::create_dir_all(store.dir()).unwrap();
        std::fs::write(store.path(&key), "{ nope").unwrap();
        let err = store.load(&key, "x").unwrap_err().to_string();
        assert!(
            err.contains(&key.file_name()) && err.contains("fix or delete"),
            "{err}"
        );
    }
}
