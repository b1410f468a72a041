//! Opening the history database: WAL mode, a short busy timeout, the integrity check and the
//! schema migrations; a damaged file goes to [`crate::repair`].

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{Damage, HistoryError, Repaired};
use crate::repair;
use crate::schema::{self, SchemaCheck};

/// The run history: one SQLite database file.
pub struct History {
    pub(crate) conn: Connection,
    pub(crate) path: PathBuf,
    pub(crate) options: OpenOptions,
    pub(crate) repaired: Option<Repaired>,
}

/// How to open the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOptions {
    /// How long to wait for another process's write to finish before giving up (`Locked`).
    pub busy_timeout: Duration,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            busy_timeout: Duration::from_secs(2),
        }
    }
}

/// Why an open attempt did not give a usable connection.
pub(crate) enum Failure {
    Damaged(Damage),
    Other(HistoryError),
}

impl History {
    /// Opens (creating it and its directory if needed) the history database at `path`.
    /// A damaged file is moved aside to `<name>.damaged-<timestamp>` and a new database
    /// started; [`History::repaired`] then says so.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, HistoryError> {
        Self::open_with(path, OpenOptions::default())
    }

    /// [`History::open`] with explicit options.
    pub fn open_with(path: impl AsRef<Path>, options: OpenOptions) -> Result<Self, HistoryError> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| HistoryError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        match connect(&path, options) {
            Ok(conn) => Ok(History {
                conn,
                path,
                options,
                repaired: None,
            }),
            Err(Failure::Damaged(_)) => repair::repair(path, options),
            Err(Failure::Other(e)) => Err(e),
        }
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Set when this open found the file damaged and replaced it.
    pub fn repaired(&self) -> Option<&Repaired> {
        self.repaired.as_ref()
    }
}

/// One attempt: open, check integrity, WAL mode, migrate.
pub(crate) fn connect(path: &Path, options: OpenOptions) -> Result<Connection, Failure> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if !has_sqlite_header(path) {
        // Caught before SQLite opens it, so SQLite never touches a companion `-wal` file.
        return Err(Failure::Damaged(Damage::NotADatabase));
    }
    let fail = |e: rusqlite::Error| classify(path, options, e);
    let mut conn = Connection::open_with_flags(path, flags).map_err(fail)?;
    conn.busy_timeout(options.busy_timeout).map_err(fail)?;
    integrity(&conn).map_err(fail)??;
    let _mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(fail)?;
    conn.pragma_update(None, "foreign_keys", true)
        .map_err(fail)?;
    match schema::migrate(&mut conn).map_err(fail)? {
        SchemaCheck::Ready => Ok(conn),
        SchemaCheck::Newer(found) => Err(Failure::Other(HistoryError::NewerSchema {
            path: path.to_path_buf(),
            found,
            supported: schema::LATEST,
        })),
        SchemaCheck::Wrong(problem) => Err(Failure::Damaged(Damage::WrongSchema(problem))),
    }
}

/// True when `path` is missing, empty, or starts with SQLite's magic string (a file that
/// cannot be read is left for SQLite to report).
fn has_sqlite_header(path: &Path) -> bool {
    const MAGIC: &[u8; 16] = b"SQLite format 3\0";
    let Ok(mut file) = File::open(path) else {
        return true;
    };
    let mut head = Vec::with_capacity(MAGIC.len());
    match file
        .by_ref()
        .take(MAGIC.len() as u64)
        .read_to_end(&mut head)
    {
        Ok(0) => true,
        Ok(_) => head == MAGIC,
        Err(_) => true,
    }
}

/// SQLite's quick integrity check: `Ok(Err(damage))` when it reports problems.
fn integrity(conn: &Connection) -> rusqlite::Result<Result<(), Failure>> {
    let mut stmt = conn.prepare("PRAGMA quick_check(3)")?;
    let lines = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if lines.len() == 1 && lines[0] == "ok" {
        return Ok(Ok(()));
    }
    Ok(Err(Failure::Damaged(Damage::Corrupt(lines.join("; ")))))
}

/// Sorts an SQLite error into damage, a lock, or anything else.
fn classify(path: &Path, options: OpenOptions, e: rusqlite::Error) -> Failure {
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => Failure::Damaged(Damage::NotADatabase),
        Some(ErrorCode::DatabaseCorrupt) => Failure::Damaged(Damage::Corrupt(e.to_string())),
        _ => Failure::Other(error_of(path, options, e)),
    }
}

/// The error for an SQLite failure that is not damage (locked, I/O, anything else).
pub(crate) fn error_of(path: &Path, options: OpenOptions, e: rusqlite::Error) -> HistoryError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => HistoryError::Locked {
            path: path.to_path_buf(),
            waited: options.busy_timeout,
        },
        Some(ErrorCode::NotADatabase) => HistoryError::Damaged {
            path: path.to_path_buf(),
            damage: Damage::NotADatabase,
        },
        Some(ErrorCode::DatabaseCorrupt) => HistoryError::Damaged {
            path: path.to_path_buf(),
            damage: Damage::Corrupt(e.to_string()),
        },
        _ => HistoryError::Database {
            path: path.to_path_buf(),
            message: e.to_string(),
        },
    }
}
