//! A damaged, foreign, newer or locked database never stops recording for good: damage is
//! moved aside (kept, never deleted) and a new database started; a lock or a newer schema is
//! a warning and the file is left alone.

mod common;

use std::fs;
use std::io::Write;

use common::{files, quick, record, seed, temp};
use hil_history::sample;
use hil_history::{Damage, History, HistoryError, RunFilter};
use rusqlite::Connection;

fn runs(history: &History) -> usize {
    history.list_runs(&RunFilter::default()).unwrap().len()
}

/// Opens a damaged file: it must be moved aside and the new database must record.
fn assert_repaired(t: &common::Temp) -> Damage {
    let mut history = History::open_with(&t.path, quick()).expect("the open repairs");
    let repaired = history.repaired().cloned().expect("reported as repaired");
    assert!(repaired.moved_to.exists(), "the damaged file is kept");
    let name = repaired
        .moved_to
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.starts_with("history.sqlite.damaged-"), "{name}");
    assert_eq!(runs(&history), 0, "a new database was started");
    let recorded = record(&mut history, &sample::default_rack_run("sim", 0));
    assert_eq!(
        recorded.repaired.as_ref(),
        Some(&repaired),
        "the record call says so"
    );
    assert!(
        recorded.to_string().contains("moved aside to"),
        "{recorded}"
    );
    // The next open finds a healthy database.
    let again = History::open_with(&t.path, quick()).unwrap();
    assert!(again.repaired().is_none());
    assert_eq!(runs(&again), 1);
    repaired.damage
}

#[test]
fn a_truncated_file_is_moved_aside_and_replaced() {
    let t = temp();
    drop(seed(&t.path, "sim", 3));
    let len = fs::metadata(&t.path).unwrap().len();
    assert!(len > 8192, "seeded file too small to truncate: {len}");
    let keep = fs::read(&t.path).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(&t.path)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    let damage = assert_repaired(&t);
    assert!(matches!(damage, Damage::Corrupt(_)), "{damage:?}");
    // What was moved aside is the truncated file itself, byte for byte.
    let aside: Vec<_> = files(&t)
        .into_iter()
        .filter(|f| f.contains("damaged"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    let moved = fs::read(t.dir.path().join(&aside[0])).unwrap();
    assert_eq!(moved[..], keep[..(len / 2) as usize]);
}

#[test]
fn a_file_cut_inside_its_header_is_not_a_database() {
    let t = temp();
    drop(seed(&t.path, "sim", 1));
    fs::OpenOptions::new()
        .write(true)
        .open(&t.path)
        .unwrap()
        .set_len(10)
        .unwrap();
    assert_eq!(assert_repaired(&t), Damage::NotADatabase);
}

#[test]
fn a_file_that_is_not_a_database_is_moved_aside_with_its_wal() {
    let t = temp();
    fs::write(
        &t.path,
        "this is a shopping list, not a database\n".repeat(100),
    )
    .unwrap();
    fs::write(t.dir.path().join("history.sqlite-wal"), b"stale wal").unwrap();
    assert_eq!(assert_repaired(&t), Damage::NotADatabase);
    let names = files(&t);
    let aside: Vec<_> = names.iter().filter(|f| f.contains("damaged")).collect();
    assert_eq!(aside.len(), 2, "{names:?}");
    assert!(aside.iter().any(|f| f.ends_with("-wal")), "{names:?}");
    let wal = aside.iter().find(|f| f.ends_with("-wal")).unwrap();
    assert_eq!(fs::read(t.dir.path().join(wal)).unwrap(), b"stale wal");
}

#[test]
fn another_programs_database_is_moved_aside_not_altered() {
    let t = temp();
    let foreign = Connection::open(&t.path).unwrap();
    foreign
        .execute_batch("CREATE TABLE invoices (n INTEGER); INSERT INTO invoices VALUES (42);")
        .unwrap();
    drop(foreign);
    let damage = assert_repaired(&t);
    assert_eq!(
        damage,
        Damage::WrongSchema("tables invoices without a schema version".into())
    );
    let aside = files(&t)
        .into_iter()
        .find(|f| f.contains("damaged") && !f.ends_with("-wal") && !f.ends_with("-shm"))
        .unwrap();
    let kept = Connection::open(t.dir.path().join(aside)).unwrap();
    let n: i64 = kept
        .query_row("SELECT n FROM invoices", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 42);
}

#[test]
fn our_schema_with_a_table_missing_is_moved_aside() {
    let t = temp();
    drop(seed(&t.path, "sim", 1));
    let conn = Connection::open(&t.path).unwrap();
    conn.execute_batch("DROP TABLE observations;").unwrap();
    drop(conn);
    let damage = assert_repaired(&t);
    assert_eq!(
        damage,
        Damage::WrongSchema("table `observations` is missing".into())
    );
}

#[test]
fn a_newer_schema_is_a_warning_and_left_untouched() {
    let t = temp();
    drop(seed(&t.path, "sim", 1));
    let conn = Connection::open(&t.path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    let before = files(&t);
    let err = History::open_with(&t.path, quick()).err().expect("refused");
    assert!(
        matches!(err, HistoryError::NewerSchema { found: 99, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer than this harness"), "{err}");
    assert_eq!(files(&t), before, "nothing moved or created");
}

#[test]
fn a_write_lock_held_elsewhere_is_a_warning_and_recording_works_after() {
    let t = temp();
    let mut history = seed(&t.path, "sim", 1);
    let other = Connection::open(&t.path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE;").unwrap();

    // Reading still works in WAL mode; recording waits, then gives up with a warning.
    let mut second = History::open_with(&t.path, quick()).unwrap();
    assert_eq!(runs(&second), 1);
    let run = sample::default_rack_run("sim", 1);
    let err = second
        .record(&run.info, &run.duts, &run.results, &run.summary)
        .unwrap_err();
    assert!(matches!(err, HistoryError::Locked { .. }), "{err:?}");
    assert!(
        err.to_string().contains("locked by another process"),
        "{err}"
    );

    other.execute_batch("COMMIT;").unwrap();
    record(&mut second, &run);
    record(&mut history, &run);
    assert_eq!(runs(&second), 3);
    assert!(files(&t).iter().all(|f| !f.contains("damaged")));
}

#[test]
fn an_exclusive_lock_blocking_reads_is_not_mistaken_for_damage() {
    let t = temp();
    drop(seed(&t.path, "sim", 1));
    let other = Connection::open(&t.path).unwrap();
    other
        .execute_batch("PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT;")
        .unwrap();
    let err = History::open_with(&t.path, quick()).err().expect("locked");
    assert!(matches!(err, HistoryError::Locked { .. }), "{err:?}");
    assert!(files(&t).iter().all(|f| !f.contains("damaged")));
    drop(other);
    assert_eq!(runs(&History::open_with(&t.path, quick()).unwrap()), 1);
}

#[test]
fn damage_is_repaired_once_when_several_open_it_at_once() {
    let t = temp();
    let mut f = fs::File::create(&t.path).unwrap();
    f.write_all(&[0x5a; 4096]).unwrap();
    drop(f);
    let openers: Vec<_> = (0..4)
        .map(|_| {
            let path = t.path.clone();
            std::thread::spawn(move || {
                let mut history = History::open(&path).unwrap();
                record(&mut history, &sample::default_rack_run("sim", 0))
                    .repaired
                    .is_some()
            })
        })
        .collect();
    let repairs = openers
        .into_iter()
        .map(|h| h.join().unwrap())
        .filter(|repaired| *repaired)
        .count();
    assert_eq!(repairs, 1);
    let aside = files(&t)
        .into_iter()
        .filter(|f| f.contains("damaged"))
        .count();
    assert_eq!(aside, 1);
    assert_eq!(runs(&History::open(&t.path).unwrap()), 4);
}

#[test]
fn a_state_dir_that_cannot_be_created_is_a_warning() {
    let t = temp();
    let blocker = t.dir.path().join("file");
    fs::write(&blocker, "").unwrap();
    let err = History::open(blocker.join("history.sqlite"))
        .err()
        .expect("refused");
    assert!(matches!(err, HistoryError::Io { .. }), "{err:?}");
}
