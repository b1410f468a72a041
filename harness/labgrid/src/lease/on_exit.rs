//! Release at exit: a command that ends on a signal without unwinding (its signal watcher exits
//! the process, so no destructor runs) still gives back the places it holds. [`HeldPlaces`]
//! registers every place it acquires here and unregisters it on release; [`release_registered`]
//! releases whatever is left over a fresh session, with the holder's session as `fromuser`.
//!
//! [`HeldPlaces`]: super::HeldPlaces

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use crate::address::Address;
use crate::client::Coordinator;

/// One place this process holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Registered {
    pub coordinator: Address,
    pub session: String,
    pub place: String,
    pub token: Option<String>,
    pub record: PathBuf,
}

static HELD: Mutex<Vec<Registered>> = Mutex::new(Vec::new());

fn held() -> std::sync::MutexGuard<'static, Vec<Registered>> {
    HELD.lock().unwrap_or_else(|e| e.into_inner())
}

/// Notes that this process holds `place`.
pub(crate) fn register(place: Registered) {
    held().push(place);
}

/// Notes that this process no longer holds `place` of `coordinator`.
pub(crate) fn unregister(coordinator: &Address, place: &str) {
    held().retain(|r| !(r.coordinator == *coordinator && r.place == place));
}

/// Releases every place this process still holds, each over a new session per coordinator
/// (bounded: 5 s to connect, each call bounded likewise), cancels its reservation and removes
/// its record; one line per place released or not.
pub fn release_registered() -> Vec<String> {
    let mut places = std::mem::take(&mut *held());
    let mut lines = Vec::new();
    while let Some(first) = places.first() {
        let address = first.coordinator.clone();
        let (mine, rest) = places.into_iter().partition(|p| p.coordinator == address);
        places = rest;
        lines.extend(release_at(&address, &mine));
    }
    lines
}

/// Releases `places`, all of the coordinator at `address`, over one new session.
fn release_at(address: &Address, places: &[Registered]) -> Vec<String> {
    match Coordinator::connect(address, "hil/release-at-exit", Duration::from_secs(5)) {
        Ok(client) => places.iter().map(|p| release(&client, p)).collect(),
        Err(e) => places.iter().map(|p| left_acquired(p, &e)).collect(),
    }
}

fn release(client: &Coordinator, p: &Registered) -> String {
    let released = client.release_place(&p.place, Some(&p.session));
    if let Some(token) = &p.token {
        let _ = client.cancel_reservation(token);
    }
    match released {
        Ok(()) => {
            let _ = std::fs::remove_file(&p.record);
            format!("released labgrid place `{}`", p.place)
        }
        Err(e) => left_acquired(p, &e),
    }
}

fn left_acquired(p: &Registered, why: &dyn std::fmt::Display) -> String {
    format!(
        "labgrid place `{}` left acquired (the next command on this host releases it): {why}",
        p.place
    )
}
