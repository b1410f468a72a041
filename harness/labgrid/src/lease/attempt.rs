//! One try at every selected place, repeated while a command waits: heal what a dead harness
//! on this host left, hold each place's record, keep a reservation per place (polling refreshes
//! it), and say which places are still held by someone else. A try that holds some places'
//! reservations but not all for [`BACK_OFF`] gives them back and queues again, so two commands
//! waiting for overlapping places cannot hold each other up for ever.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::held::{HeldPlace, HeldPlaces};
use super::records::{Claim, HeldRecord, PlaceRecord, claim, record_path};
use super::{AcquireError, AcquireOptions, Busy, PlaceSelection};
use crate::client::Coordinator;
use crate::model::{ReservationState, acquired_by, reserved_by};
use crate::proto::place::Place;

/// How long a partial allocation is kept before it is given back.
pub const BACK_OFF: Duration = Duration::from_secs(5);

/// The places being taken and what is held of them so far.
pub struct Attempt {
    places: Vec<String>,
    records: BTreeMap<String, HeldRecord>,
    tokens: BTreeMap<String, String>,
    partial_since: Option<Instant>,
}

impl Attempt {
    /// Selects the places.
    pub fn new(
        client: &Coordinator,
        selection: &PlaceSelection,
        opts: &AcquireOptions,
    ) -> Result<Attempt, AcquireError> {
        client.sync()?;
        let places = client.places()?;
        let resources = client.resources();
        let left_out = selection.left_out(&places, &resources);
        if !left_out.is_empty() {
            (opts.on_note)(&format!(
                "not taken: labgrid places {} carry {} but have no `console` resource (not a \
                 DUT, or its exporter is not connected)",
                left_out.join(", "),
                selection.describe()
            ));
        }
        let chosen =
            selection
                .select(&places, &resources)
                .map_err(|problem| AcquireError::Selection {
                    coordinator: client.address().to_string(),
                    problem,
                })?;
        Ok(Attempt {
            places: chosen.into_iter().map(|p| p.name.clone()).collect(),
            records: BTreeMap::new(),
            tokens: BTreeMap::new(),
            partial_since: None,
        })
    }

    /// Tries every place once; the places still held by others.
    pub fn try_all(
        &mut self,
        client: &Coordinator,
        opts: &AcquireOptions,
    ) -> Result<Vec<Busy>, AcquireError> {
        let mut busy = Vec::new();
        let places: Vec<String> = self.places.clone();
        for name in &places {
            if let Some(b) = self.claim_record(client, opts, name)? {
                busy.push(b);
            }
        }
        let view = places_by_name(client)?;
        let ours: Vec<String> = places
            .into_iter()
            .filter(|n| self.records.contains_key(n))
            .collect();
        for name in &ours {
            let place = view.get(name);
            if let Some(by) = place.and_then(acquired_by) {
                busy.push(Busy {
                    place: name.clone(),
                    holder: format!("is acquired by {by}"),
                });
                continue;
            }
            if let Some(b) = self.reserve(client, opts, name, place)? {
                busy.push(b);
            }
        }
        self.back_off_if_stuck(client, &busy);
        Ok(busy)
    }

    fn claim_record(
        &mut self,
        client: &Coordinator,
        opts: &AcquireOptions,
        name: &str,
    ) -> Result<Option<Busy>, AcquireError> {
        if self.records.contains_key(name) {
            return Ok(None);
        }
        let path = record_path(&opts.state_dir, client.address(), name);
        let records_err = |source| AcquireError::Records {
            dir: path.parent().unwrap_or(&opts.state_dir).to_path_buf(),
            source,
        };
        match claim(&path).map_err(records_err)? {
            Claim::Held(record, left) => {
                if let Some(dead) = left {
                    heal(client, opts, &dead)?;
                }
                self.records.insert(name.to_string(), record);
                Ok(None)
            }
            Claim::Busy(rec) => Ok(Some(Busy {
                place: name.to_string(),
                holder: match rec {
                    Some(r) => format!("is held by {} on this host", r.holder),
                    None => "is held by another command on this host".to_string(),
                },
            })),
        }
    }

    fn reserve(
        &mut self,
        client: &Coordinator,
        opts: &AcquireOptions,
        name: &str,
        place: Option<&Place>,
    ) -> Result<Option<Busy>, AcquireError> {
        let token = match self.tokens.get(name) {
            Some(t) => t.clone(),
            None => {
                let filter = BTreeMap::from([("name".to_string(), name.to_string())]);
                let made = client.create_reservation(&filter)?;
                self.tokens.insert(name.to_string(), made.token.clone());
                self.write_record(client, opts, name)?;
                made.token
            }
        };
        let status = client.poll_reservation(&token)?;
        match status.state {
            ReservationState::Allocated | ReservationState::Acquired
                if status.place.as_deref() == Some(name) =>
            {
                Ok(None)
            }
            ReservationState::Waiting => Ok(Some(Busy {
                place: name.to_string(),
                holder: match place.and_then(reserved_by) {
                    Some(other) => format!("is reserved (reservation {other})"),
                    None => "is waiting for the coordinator to allocate it".to_string(),
                },
            })),
            other => {
                self.tokens.remove(name);
                Ok(Some(Busy {
                    place: name.to_string(),
                    holder: format!("lost its reservation ({other:?}); queueing again"),
                }))
            }
        }
    }

    fn write_record(
        &mut self,
        client: &Coordinator,
        opts: &AcquireOptions,
        name: &str,
    ) -> Result<(), AcquireError> {
        let record = PlaceRecord {
            coordinator: client.address().to_string(),
            place: name.to_string(),
            session: client.session_name().to_string(),
            token: self.tokens.get(name).cloned(),
            holder: opts.holder.clone(),
        };
        if let Some(held) = self.records.get_mut(name) {
            held.write(&record)
                .map_err(|source| AcquireError::Records {
                    dir: opts.state_dir.clone(),
                    source,
                })?;
        }
        Ok(())
    }

    fn back_off_if_stuck(&mut self, client: &Coordinator, busy: &[Busy]) {
        let holding = self.tokens.len() > busy.len();
        if busy.is_empty() || !holding {
            self.partial_since = None;
            return;
        }
        let since = *self.partial_since.get_or_insert_with(Instant::now);
        if since.elapsed() >= BACK_OFF {
            self.cancel_reservations(client);
            self.partial_since = None;
        }
    }

    fn cancel_reservations(&mut self, client: &Coordinator) {
        for token in std::mem::take(&mut self.tokens).values() {
            let _ = client.cancel_reservation(token);
        }
    }

    /// Gives back every reservation and record (the command does not go on).
    pub fn give_up(&mut self, client: &Coordinator) {
        self.cancel_reservations(client);
        for (_, record) in std::mem::take(&mut self.records) {
            record.remove();
        }
    }

    /// Acquires every place (all reserved for us now) and waits for their consoles. An
    /// exporter still busy releasing a place's resources (it stops their ser2net) refuses
    /// the acquisition for a moment: that is tried again, for up to [`ACQUIRE_RETRY`].
    pub fn acquire(
        mut self,
        client: Coordinator,
        _opts: &AcquireOptions,
    ) -> Result<HeldPlaces, AcquireError> {
        let mut held = HeldPlaces::new(client);
        for name in self.places.clone() {
            let (Some(record), token) = (self.records.remove(&name), self.tokens.remove(&name))
            else {
                continue;
            };
            // Held (and registered for release at exit) before the coordinator says acquired:
            // a Ctrl-C the moment it does still gives the place back.
            held.push(HeldPlace::new(name.clone(), token, record));
            let result = acquire_one(held.client(), &name);
            if let Err(e) = result {
                self.give_up(held.client());
                return Err(e.into());
            }
        }
        held.wait_for_consoles()?;
        Ok(held)
    }
}

/// How long an acquisition the exporters refuse is tried again.
pub const ACQUIRE_RETRY: Duration = Duration::from_secs(15);

fn acquire_one(client: &Coordinator, name: &str) -> Result<(), crate::LabgridError> {
    let start = Instant::now();
    loop {
        match client.acquire_place(name) {
            Err(e) if e.is_precondition() && start.elapsed() < ACQUIRE_RETRY => {
                std::thread::sleep(Duration::from_millis(500));
            }
            other => return other,
        }
    }
}

fn places_by_name(client: &Coordinator) -> Result<BTreeMap<String, Place>, AcquireError> {
    Ok(client
        .places()?
        .into_iter()
        .map(|p| (p.name.clone(), p))
        .collect())
}

/// Releases what `dead` (a holder on this host that no longer runs) left acquired or reserved.
fn heal(
    client: &Coordinator,
    opts: &AcquireOptions,
    dead: &PlaceRecord,
) -> Result<(), AcquireError> {
    if dead.holder.host != opts.holder.host {
        return Ok(());
    }
    let place = places_by_name(client)?.remove(&dead.place);
    let acquired = place.as_ref().and_then(acquired_by) == Some(dead.session.as_str());
    if acquired {
        client.release_place(&dead.place, Some(&dead.session))?;
    }
    if let Some(token) = &dead.token {
        let _ = client.cancel_reservation(token);
    }
    if acquired {
        (opts.on_note)(&format!(
            "released labgrid place `{}`: acquired by {} for {}, which no longer runs",
            dead.place, dead.session, dead.holder
        ));
    }
    Ok(())
}
