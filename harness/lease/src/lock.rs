//! One key's lease: an exclusive OS-level lock (`flock` on Unix, `LockFileEx` on Windows,
//! through std's `File::try_lock`) on `<state>/leases/<key>.lock`. The kernel drops it when
//! the holder's process ends, however it ends. The file stays; only the lock counts. While
//! held, the file carries the holder's [`LockRecord`]; on release it is emptied.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::LeaseError;
use crate::holder::LockRecord;
use crate::key::LeaseKey;

/// How many times a busy lock is tried before it counts as held: a `hil boards` peeking at a
/// lock holds it for a moment, which must not fail a command that starts at that instant.
const BUSY_TRIES: u32 = 3;
/// The pause between those tries.
const BUSY_PAUSE: Duration = Duration::from_millis(30);

/// A held lock on one key; released (and its record emptied) on drop.
#[derive(Debug)]
pub(crate) struct KeyLock {
    pub(crate) key: LeaseKey,
    file: File,
}

/// What trying one key gave.
pub(crate) enum Attempt {
    /// The lock is ours.
    Taken(KeyLock),
    /// Someone holds it; their record, when it could be read.
    Busy(Option<LockRecord>),
}

/// The lock file of `key` in `dir`.
pub(crate) fn lock_path(dir: &Path, key: &LeaseKey) -> PathBuf {
    dir.join(key.file_name())
}

/// Takes `key`'s lock in `dir` unless someone holds it; writes `record` into it when taken.
pub(crate) fn try_take(
    dir: &Path,
    key: &LeaseKey,
    record: &LockRecord,
) -> Result<Attempt, LeaseError> {
    let path = lock_path(dir, key);
    let io = |source| LeaseError::Io {
        path: path.clone(),
        source,
    };
    let (file, writable) = open_lock_file(&path).map_err(io)?;
    for attempt in 1..=BUSY_TRIES {
        match file.try_lock() {
            Ok(()) => {
                if writable {
                    write_record(&file, record).map_err(io)?;
                }
                return Ok(Attempt::Taken(KeyLock {
                    key: key.clone(),
                    file,
                }));
            }
            Err(TryLockError::WouldBlock) if attempt < BUSY_TRIES => {
                std::thread::sleep(BUSY_PAUSE);
            }
            Err(TryLockError::WouldBlock) => return Ok(Attempt::Busy(read_record(&path))),
            Err(TryLockError::Error(source)) => return Err(io(source)),
        }
    }
    unreachable!("the last try returns")
}

/// Whether `key`'s lock in `dir` is held, without creating anything: `None` when free, else
/// the holder's record (`Some(None)` when it could not be read).
pub(crate) fn peek(dir: &Path, key: &LeaseKey) -> Result<Option<Option<LockRecord>>, LeaseError> {
    let path = lock_path(dir, key);
    let file = match File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(LeaseError::Io { path, source }),
    };
    // A shared lock conflicts only with a holder's exclusive one; it is let go at once.
    match file.try_lock_shared() {
        Ok(()) => Ok(None),
        Err(TryLockError::WouldBlock) => Ok(Some(read_record(&path))),
        Err(TryLockError::Error(source)) => Err(LeaseError::Io { path, source }),
    }
}

/// Opens (creating) the lock file; never truncates it: it may be someone else's held lock. A
/// file another user created and this one may not write is still lockable, read-only — the
/// lease holds, only its record cannot be written. Returns the file and whether it is writable.
fn open_lock_file(path: &Path) -> std::io::Result<(File, bool)> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o666);
    match options.open(path) {
        Ok(file) => Ok((file, true)),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            File::open(path).map(|file| (file, false))
        }
        Err(e) => Err(e),
    }
}

fn write_record(mut file: &File, record: &LockRecord) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(record).map_err(std::io::Error::other)?;
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())?;
    file.write_all(b"\n")?;
    file.flush()
}

/// The record in the file at `path`; `None` when empty, being written, or unreadable.
pub(crate) fn read_record(path: &Path) -> Option<LockRecord> {
    let mut text = String::new();
    File::open(path).ok()?.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

impl Drop for KeyLock {
    fn drop(&mut self) {
        // Empty the record first, so nobody reads a released lease's holder; closing the file
        // releases the lock (unlock is explicit only for clarity).
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}
