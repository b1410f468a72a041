//! [`HeldPlaces`]: the places a command acquired, their boards, and their release — on drop
//! too, so the normal end, Ctrl-C/SIGTERM (the run ends and unwinds; shorter commands release
//! through [`super::on_exit`] before they exit) and every error path give them back; a process
//! killed outright leaves records that the next command heals.

use std::time::Duration;

use super::on_exit;
use super::records::HeldRecord;
use super::selection::resources_of;
use crate::board::{self, CONSOLE, PlaceBoard, PlaceError};
use crate::client::Coordinator;
use crate::error::LabgridError;

/// How long the exporters get to start serving an acquired place's console.
const CONSOLE_WAIT: Duration = Duration::from_secs(15);

/// One acquired place.
pub struct HeldPlace {
    name: String,
    token: Option<String>,
    record: Option<HeldRecord>,
}

impl HeldPlace {
    pub(crate) fn new(name: String, token: Option<String>, record: HeldRecord) -> HeldPlace {
        HeldPlace {
            name,
            token,
            record: Some(record),
        }
    }
}

/// Places acquired on a session; released when dropped.
pub struct HeldPlaces {
    client: Coordinator,
    places: Vec<HeldPlace>,
}

impl HeldPlaces {
    pub(crate) fn new(client: Coordinator) -> HeldPlaces {
        HeldPlaces {
            client,
            places: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, place: HeldPlace) {
        on_exit::register(on_exit::Registered {
            coordinator: self.client.address().clone(),
            session: self.client.session_name().to_string(),
            place: place.name.clone(),
            token: place.token.clone(),
            record: place
                .record
                .as_ref()
                .map(HeldRecord::path)
                .unwrap_or_default(),
        });
        self.places.push(place);
    }

    /// The session.
    pub fn client(&self) -> &Coordinator {
        &self.client
    }

    /// The names of the held places.
    pub fn names(&self) -> Vec<&str> {
        self.places.iter().map(|p| p.name.as_str()).collect()
    }

    /// Waits until every held place's console is served (has a TCP port).
    pub(crate) fn wait_for_consoles(&self) -> Result<(), LabgridError> {
        self.client.sync()?;
        let places = self.client.places()?;
        let names = self.names();
        self.client
            .wait_view("the acquired places' consoles", CONSOLE_WAIT, |view| {
                let resources: Vec<_> = view.resources.values().cloned().collect();
                places
                    .iter()
                    .filter(|p| names.contains(&p.name.as_str()))
                    .all(|p| {
                        resources_of(p, &resources)
                            .iter()
                            .filter(|r| r.name == CONSOLE)
                            .all(|r| r.resource.param("port").is_some())
                    })
            })
    }

    /// Each held place as a board (or why it is not one), in place-name order.
    pub fn boards(&self) -> Result<Vec<Result<PlaceBoard, PlaceError>>, LabgridError> {
        let places = self.client.places()?;
        let resources = self.client.resources();
        Ok(self
            .places
            .iter()
            .filter_map(|held| places.iter().find(|p| p.name == held.name))
            .map(|p| board::translate(p, &resources_of(p, &resources)))
            .collect())
    }

    /// Releases every place and cancels its reservation; the problems met, if any.
    pub fn release(mut self) -> Vec<String> {
        self.release_all()
    }

    fn release_all(&mut self) -> Vec<String> {
        let mut problems = Vec::new();
        let session = self.client.session_name().to_string();
        for mut place in std::mem::take(&mut self.places) {
            on_exit::unregister(self.client.address(), &place.name);
            if let Err(e) = self.client.release_place(&place.name, Some(&session)) {
                problems.push(format!("releasing labgrid place `{}`: {e}", place.name));
            }
            if let Some(token) = place.token.take() {
                let _ = self.client.cancel_reservation(&token);
            }
            if let Some(record) = place.record.take() {
                record.remove();
            }
        }
        problems
    }
}

impl Drop for HeldPlaces {
    fn drop(&mut self) {
        for problem in self.release_all() {
            eprintln!("warning: {problem}");
        }
    }
}
