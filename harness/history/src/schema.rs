//! The database schema and its versioned migrations (SQLite's `user_version` holds the
//! version; migration N brings version N-1 to N, inside one transaction).
//!
//! To change the schema, append a migration: never edit a released one. The upgrade tests
//! seed a database at every earlier version and migrate it to the latest.

use std::collections::BTreeMap;

use rusqlite::{Connection, TransactionBehavior};

/// One schema step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// The version this step brings the database to (1-based, consecutive).
    pub version: i64,
    /// The SQL that performs the step.
    pub sql: &'static str,
}

/// Version 1: runs, the boards of each run, trials and their observations.
const V1: &str = "
CREATE TABLE runs (
    id                  INTEGER PRIMARY KEY,
    rack                TEXT NOT NULL,
    host                TEXT NOT NULL,
    harness_version     TEXT NOT NULL,
    git_commit          TEXT,
    firmware_under_test TEXT,
    started_ms          INTEGER NOT NULL,
    duration_ms         INTEGER NOT NULL,
    ended               TEXT NOT NULL,
    not_run             INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_rack ON runs (rack, ended, id);
CREATE INDEX runs_by_start ON runs (started_ms);

CREATE TABLE boards (
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    dut            TEXT NOT NULL,
    modem_firmware TEXT,
    app_firmware   TEXT,
    imei_hash      TEXT,
    PRIMARY KEY (run_id, dut)
) WITHOUT ROWID;

CREATE TABLE trials (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    dut            TEXT NOT NULL,
    suite          TEXT NOT NULL,
    name           TEXT NOT NULL,
    modem_firmware TEXT,
    imei_hash      TEXT,
    outcome        TEXT NOT NULL,
    attempts       INTEGER NOT NULL,
    duration_ms    INTEGER NOT NULL,
    signature      TEXT,
    message        TEXT NOT NULL,
    UNIQUE (run_id, dut, suite, name)
);
CREATE INDEX trials_by_case ON trials (dut, suite, name, run_id);

CREATE TABLE observations (
    trial_id INTEGER NOT NULL REFERENCES trials (id) ON DELETE CASCADE,
    key      TEXT NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (trial_id, key)
) WITHOUT ROWID;
";

/// Version 2: `runs.ended` may also be `incomplete` (a report could not be written
/// completely). No table changes: the version tells an older harness, which does not know
/// the word, that the file is newer than it (it then leaves the file alone instead of failing
/// on the first such run it reads).
const V2: &str = "-- runs.ended: completed, stopped, aborted, infrastructure_error, incomplete";

/// Every migration, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sql: V1,
    },
    Migration {
        version: 2,
        sql: V2,
    },
];

/// The schema version this crate writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// What the migrator found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SchemaCheck {
    /// At the latest version with the expected tables and columns.
    Ready,
    /// Written by a newer harness: left alone.
    Newer(i64),
    /// Not our schema: the problem.
    Wrong(String),
}

/// Brings the database to [`LATEST`] and checks its tables.
pub(crate) fn migrate(conn: &mut Connection) -> rusqlite::Result<SchemaCheck> {
    migrate_with(conn, MIGRATIONS)
}

/// Applies the `migrations` the database lacks (one transaction each), then checks that every
/// table they create has the columns they define.
pub(crate) fn migrate_with(
    conn: &mut Connection,
    migrations: &[Migration],
) -> rusqlite::Result<SchemaCheck> {
    let latest = migrations.len() as i64;
    // The usual case needs no write lock: a run recording elsewhere does not block an open.
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version == latest {
        return check_tables(conn, migrations);
    }
    loop {
        // IMMEDIATE: two processes opening a new file at once migrate one after the other.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > latest {
            return Ok(SchemaCheck::Newer(version));
        }
        if version < 0 {
            return Ok(SchemaCheck::Wrong(format!("schema version {version}")));
        }
        if version == latest {
            break;
        }
        if version == 0 {
            let foreign = user_tables(&tx)?;
            if !foreign.is_empty() {
                return Ok(SchemaCheck::Wrong(format!(
                    "tables {} without a schema version",
                    foreign.join(", ")
                )));
            }
        }
        let step = &migrations[version as usize];
        tx.execute_batch(step.sql)?;
        tx.pragma_update(None, "user_version", step.version)?;
        tx.commit()?;
    }
    check_tables(conn, migrations)
}

/// Compares the database's tables with those of a fresh database built by `migrations`.
fn check_tables(conn: &Connection, migrations: &[Migration]) -> rusqlite::Result<SchemaCheck> {
    let reference = Connection::open_in_memory()?;
    for step in migrations {
        reference.execute_batch(step.sql)?;
    }
    let expected = columns(&reference)?;
    let found = columns(conn)?;
    for (table, want) in &expected {
        match found.get(table) {
            None => return Ok(SchemaCheck::Wrong(format!("table `{table}` is missing"))),
            Some(have) if have != want => {
                return Ok(SchemaCheck::Wrong(format!(
                    "table `{table}` has columns ({}), expected ({})",
                    have.join(", "),
                    want.join(", ")
                )));
            }
            Some(_) => {}
        }
    }
    Ok(SchemaCheck::Ready)
}

/// The user tables (not SQLite's own), sorted.
fn user_tables(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )?;
    stmt.query_map([], |r| r.get(0))?.collect()
}

/// Table name -> column names in order.
fn columns(conn: &Connection) -> rusqlite::Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    for table in user_tables(conn)? {
        let mut stmt = conn.prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?;
        let cols = stmt
            .query_map([&table], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        out.insert(table, cols);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
