//! What this host remembers about the places it acquires: one record per place in
//! `<state>/labgrid/` (the state directory by hil-lease's rule), holding the holder (program,
//! pid, host, start), the session name and the reservation token, and an OS file lock that
//! lives exactly as long as the holder. A record whose lock is free was left by a holder that
//! no longer runs: its place can be released (labgrid itself never does, #1739).

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use hil_lease::Holder;
use nix::errno::Errno;
use nix::fcntl::{Flock, FlockArg};
use serde::{Deserialize, Serialize};

use crate::address::Address;

/// The folder of place records inside the state directory.
pub const RECORDS_DIR: &str = "labgrid";

/// What a record says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaceRecord {
    /// The coordinator.
    pub coordinator: String,
    /// The place.
    pub place: String,
    /// The session name the place was acquired under (`host/user`).
    pub session: String,
    /// The reservation's token, once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The process holding it.
    pub holder: Holder,
}

/// A record this process holds (locked).
#[derive(Debug)]
pub struct HeldRecord {
    path: PathBuf,
    lock: Flock<File>,
}

/// What an attempt to hold a place's record found.
#[derive(Debug)]
pub enum Claim {
    /// Ours now; the record a dead holder left, if any.
    Held(HeldRecord, Option<PlaceRecord>),
    /// A live process holds it (its record, when readable).
    Busy(Option<PlaceRecord>),
}

/// The record file of `place` at `coordinator`.
pub fn record_path(state_dir: &Path, coordinator: &Address, place: &str) -> PathBuf {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    state_dir.join(RECORDS_DIR).join(format!(
        "{}--{}.json",
        safe(&coordinator.to_string()),
        safe(place)
    ))
}

/// Tries to hold the record at `path` without waiting.
pub fn claim(path: &Path) -> std::io::Result<Claim> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
        Ok(mut lock) => {
            let left = read(&mut lock);
            Ok(Claim::Held(
                HeldRecord {
                    path: path.to_path_buf(),
                    lock,
                },
                left,
            ))
        }
        Err((mut file, Errno::EWOULDBLOCK)) => Ok(Claim::Busy(read(&mut file))),
        Err((_, errno)) => Err(std::io::Error::from(errno)),
    }
}

/// What the record at `path` says without taking it, and whether its holder still runs;
/// `None` when there is no readable record.
pub fn peek(path: &Path) -> Option<(PlaceRecord, bool)> {
    let file = File::open(path).ok()?;
    match Flock::lock(file, FlockArg::LockSharedNonblock) {
        Ok(mut lock) => read(&mut lock).map(|r| (r, false)),
        Err((mut file, _)) => read(&mut file).map(|r| (r, true)),
    }
}

fn read(file: &mut File) -> Option<PlaceRecord> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    serde_json::from_str(&text).ok()
}

impl HeldRecord {
    /// Writes `record` into the held file.
    pub fn write(&mut self, record: &PlaceRecord) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(record).map_err(std::io::Error::other)?;
        self.lock.set_len(0)?;
        self.lock.rewind()?;
        self.lock.write_all(text.as_bytes())?;
        self.lock.flush()
    }

    /// The record's file.
    pub fn path(&self) -> PathBuf {
        self.path.clone()
    }

    /// Removes the record (the place is no longer held) and lets go of it.
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(place: &str) -> PlaceRecord {
        PlaceRecord {
            coordinator: "127.0.0.1:20408".into(),
            place: place.into(),
            session: "h/u".into(),
            token: Some("T1".into()),
            holder: Holder::this_process("hil run", None),
        }
    }

    #[test]
    fn a_held_record_is_busy_for_others_and_free_once_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let addr = Address::parse("127.0.0.1").unwrap();
        let path = record_path(dir.path(), &addr, "dut/a");
        assert!(
            path.ends_with("labgrid/127.0.0.1_20408--dut_a.json"),
            "{}",
            path.display()
        );
        let Claim::Held(mut held, None) = claim(&path).unwrap() else {
            panic!("fresh record not held")
        };
        held.write(&record("dut/a")).unwrap();
        // flock is per open file: a second open in this process is another holder.
        let Claim::Busy(Some(seen)) = claim(&path).unwrap() else {
            panic!("held record not busy")
        };
        assert_eq!(seen, record("dut/a"));
        assert_eq!(
            peek(&path).map(|(r, alive)| (r.place, alive)),
            Some(("dut/a".into(), true))
        );
        drop(held);
        assert_eq!(peek(&path).map(|(_, alive)| alive), Some(false));
        let Claim::Held(again, Some(left)) = claim(&path).unwrap() else {
            panic!("record of a gone holder not taken over")
        };
        assert_eq!(left.token.as_deref(), Some("T1"));
        again.remove();
        assert!(!path.exists());
    }
}
