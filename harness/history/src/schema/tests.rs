//! Migrator tests: fresh databases, upgrades from every earlier version, and schemas that are
//! not ours.

use rusqlite::Connection;

use super::*;

/// Rows valid at each version (index = version - 1); upgrades must keep them.
const SAMPLES: [&str; MIGRATIONS.len()] = [
    "
INSERT INTO runs (id, rack, host, harness_version, started_ms, duration_ms, ended)
    VALUES (1, 'sim', 'h', '0.1.0', 1000, 50, 'completed');
INSERT INTO boards (run_id, dut, modem_firmware) VALUES (1, 'd1', 'mfw_nrf9160_1.3.6');
INSERT INTO trials (id, run_id, dut, suite, name, outcome, attempts, duration_ms, message)
    VALUES (1, 1, 'd1', 'cmng', 'a', 'pass', 1, 5, '');
INSERT INTO observations (trial_id, key, value) VALUES (1, 'k', 'v');
",
    "
INSERT INTO runs (id, rack, host, harness_version, started_ms, duration_ms, ended)
    VALUES (1, 'sim', 'h', '0.1.0', 1000, 50, 'incomplete');
INSERT INTO trials (id, run_id, dut, suite, name, outcome, attempts, duration_ms, message)
    VALUES (1, 1, 'd1', 'cmng', 'a', 'error', 1, 5, 'no space left on device');
",
];

fn version(conn: &Connection) -> i64 {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn versions_are_consecutive_from_one() {
    for (i, step) in MIGRATIONS.iter().enumerate() {
        assert_eq!(step.version, i as i64 + 1);
    }
}

#[test]
fn a_fresh_database_gets_the_latest_schema() {
    let mut conn = Connection::open_in_memory().unwrap();
    assert_eq!(migrate(&mut conn).unwrap(), SchemaCheck::Ready);
    assert_eq!(version(&conn), LATEST);
    // Migrating again changes nothing.
    assert_eq!(migrate(&mut conn).unwrap(), SchemaCheck::Ready);
    assert_eq!(version(&conn), LATEST);
}

#[test]
fn every_earlier_version_upgrades_and_keeps_its_rows() {
    for from in 1..=LATEST {
        let mut conn = Connection::open_in_memory().unwrap();
        for step in &MIGRATIONS[..from as usize] {
            conn.execute_batch(step.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", from).unwrap();
        conn.execute_batch(SAMPLES[from as usize - 1]).unwrap();
        assert_eq!(
            migrate(&mut conn).unwrap(),
            SchemaCheck::Ready,
            "from {from}"
        );
        assert_eq!(version(&conn), LATEST, "from {from}");
        assert_eq!(count(&conn, "runs"), 1, "from {from}");
        assert_eq!(count(&conn, "trials"), 1, "from {from}");
    }
}

/// A three-step schema exercises the migrator beyond the real (shorter) list.
const STEPS: [Migration; 3] = [
    Migration {
        version: 1,
        sql: "CREATE TABLE a (x INTEGER);",
    },
    Migration {
        version: 2,
        sql: "ALTER TABLE a ADD COLUMN y TEXT; UPDATE a SET y = 'two';",
    },
    Migration {
        version: 3,
        sql: "CREATE TABLE b (z TEXT); INSERT INTO b SELECT y FROM a;",
    },
];

#[test]
fn the_migrator_upgrades_from_each_step_in_order() {
    for from in 0..=3usize {
        let mut conn = Connection::open_in_memory().unwrap();
        for step in &STEPS[..from] {
            conn.execute_batch(step.sql).unwrap();
        }
        conn.pragma_update(None, "user_version", from as i64)
            .unwrap();
        if from >= 1 {
            conn.execute("INSERT INTO a (x) VALUES (7)", []).unwrap();
        }
        assert_eq!(
            migrate_with(&mut conn, &STEPS).unwrap(),
            SchemaCheck::Ready,
            "from {from}"
        );
        assert_eq!(version(&conn), 3);
        let y: Option<String> = conn
            .query_row("SELECT y FROM a WHERE x = 7", [], |r| r.get(0))
            .unwrap_or(Some("no row".into()));
        match from {
            0 => assert_eq!(y.as_deref(), Some("no row")),
            // Rows from before step 2 got step 2's value; a row added after it did not.
            1 => assert_eq!(y.as_deref(), Some("two")),
            _ => assert_eq!(y, None),
        }
    }
}

#[test]
fn a_failing_step_leaves_the_previous_version() {
    let broken = [
        STEPS[0],
        Migration {
            version: 2,
            sql: "CREATE TABLE c (q); THIS IS NOT SQL;",
        },
    ];
    let mut conn = Connection::open_in_memory().unwrap();
    assert!(migrate_with(&mut conn, &broken).is_err());
    assert_eq!(version(&conn), 1);
    assert!(!user_tables(&conn).unwrap().contains(&"c".to_string()));
}

#[test]
fn a_newer_schema_is_left_alone() {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE future (x);").unwrap();
    conn.pragma_update(None, "user_version", LATEST + 1)
        .unwrap();
    assert_eq!(migrate(&mut conn).unwrap(), SchemaCheck::Newer(LATEST + 1));
    assert_eq!(user_tables(&conn).unwrap(), ["future"]);
}

#[test]
fn foreign_tables_without_a_version_are_not_our_schema() {
    let mut conn = Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE invoices (n);").unwrap();
    let check = migrate(&mut conn).unwrap();
    assert_eq!(
        check,
        SchemaCheck::Wrong("tables invoices without a schema version".into())
    );
    assert_eq!(version(&conn), 0);
}

#[test]
fn our_version_with_a_missing_table_or_column_is_not_our_schema() {
    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    conn.execute_batch("DROP TABLE observations;").unwrap();
    assert_eq!(
        migrate(&mut conn).unwrap(),
        SchemaCheck::Wrong("table `observations` is missing".into())
    );

    let mut conn = Connection::open_in_memory().unwrap();
    migrate(&mut conn).unwrap();
    conn.execute_batch("ALTER TABLE runs DROP COLUMN not_run;")
        .unwrap();
    let SchemaCheck::Wrong(problem) = migrate(&mut conn).unwrap() else {
        panic!("a missing column went unnoticed");
    };
    assert!(problem.starts_with("table `runs` has columns"), "{problem}");
}
