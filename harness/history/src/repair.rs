//! Repairing a damaged history: under a lock file, check again, move the damaged database and
//! its `-wal`/`-shm` companions aside to `<name>.damaged-<timestamp>` (never delete them) and
//! start a new database.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};

use crate::error::{HistoryError, Repaired};
use crate::open::{Failure, History, OpenOptions, connect};

/// Under the repair lock: checks again (another process may have repaired the file in the
/// meantime), moves a still damaged file aside and starts a new database.
pub(crate) fn repair(path: PathBuf, options: OpenOptions) -> Result<History, HistoryError> {
    let _lock = RepairLock::acquire(&path, options)?;
    let damage = match connect(&path, options) {
        Ok(conn) => {
            return Ok(History {
                conn,
                path,
                options,
                repaired: None,
            });
        }
        Err(Failure::Other(e)) => return Err(e),
        Err(Failure::Damaged(damage)) => damage,
    };
    let moved_to = move_aside(&path)?;
    tracing::warn!(path = %path.display(), moved_to = %moved_to.display(), %damage,
        "run history damaged; moved aside");
    let conn = connect(&path, options).map_err(|f| match f {
        Failure::Other(e) => e,
        Failure::Damaged(damage) => HistoryError::Damaged {
            path: path.clone(),
            damage,
        },
    })?;
    Ok(History {
        conn,
        path,
        options,
        repaired: Some(Repaired { damage, moved_to }),
    })
}

/// Renames the database and its `-wal`/`-shm` companions to `<name>.damaged-<timestamp>…`
/// (a stale WAL must never be replayed into the new database).
fn move_aside(path: &Path) -> Result<PathBuf, HistoryError> {
    let io = |source| HistoryError::Io {
        path: path.to_path_buf(),
        source,
    };
    let stamp = DateTime::<Utc>::from(SystemTime::now()).format("%Y%m%dT%H%M%SZ");
    let base = format!("{}.damaged-{stamp}", path.display());
    let target = (0..)
        .map(|n| match n {
            0 => PathBuf::from(&base),
            n => PathBuf::from(format!("{base}.{n}")),
        })
        .find(|p| !p.exists())
        .expect("an unused name");
    for suffix in ["-wal", "-shm"] {
        let companion = PathBuf::from(format!("{}{suffix}", path.display()));
        if companion.exists() {
            let to = PathBuf::from(format!("{}{suffix}", target.display()));
            std::fs::rename(&companion, to).map_err(io)?;
        }
    }
    std::fs::rename(path, &target).map_err(io)?;
    Ok(target)
}

/// An exclusive lock on `<name>.repair-lock`, so two processes never repair at once.
struct RepairLock(File);

impl RepairLock {
    fn acquire(path: &Path, options: OpenOptions) -> Result<Self, HistoryError> {
        let lock_path = PathBuf::from(format!("{}.repair-lock", path.display()));
        let file = File::create(&lock_path).map_err(|source| HistoryError::Io {
            path: lock_path.clone(),
            source,
        })?;
        let deadline = Instant::now() + options.busy_timeout;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(RepairLock(file)),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(HistoryError::Locked {
                        path: lock_path,
                        waited: options.busy_timeout,
                    });
                }
                Err(TryLockError::Error(source)) => {
                    return Err(HistoryError::Io {
                        path: lock_path,
                        source,
                    });
                }
            }
        }
    }
}

impl Drop for RepairLock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}
