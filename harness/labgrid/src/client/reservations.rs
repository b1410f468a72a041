//! The reservation calls: create (one place by its tags), poll (which refreshes it), cancel,
//! and list.

use std::collections::{BTreeMap, HashMap};

use super::Coordinator;
use crate::error::LabgridError;
use crate::model::ReservationState;
use crate::proto::reservation::{
    CreateReservationRequest, CreateReservationResponse, GetReservationsRequest,
    GetReservationsResponse, PollReservationResponse, Reservation, ReservationFilter, TokenRequest,
};

/// A reservation as the coordinator reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReservationStatus {
    /// Its token.
    pub token: String,
    /// Its state.
    pub state: ReservationState,
    /// The place allocated to it, once allocated.
    pub place: Option<String>,
}

impl ReservationStatus {
    fn from_wire(r: Option<Reservation>) -> ReservationStatus {
        let r = r.unwrap_or_default();
        ReservationStatus {
            place: r.allocations.get("main").cloned().filter(|p| !p.is_empty()),
            state: ReservationState::from_wire(r.state),
            token: r.token,
        }
    }
}

impl Coordinator {
    /// `CreateReservation` for one place carrying every tag of `filter` (`name` matches the
    /// place's name).
    pub fn create_reservation(
        &self,
        filter: &BTreeMap<String, String>,
    ) -> Result<ReservationStatus, LabgridError> {
        let main = ReservationFilter {
            filter: filter.clone().into_iter().collect(),
        };
        let req = CreateReservationRequest {
            filters: HashMap::from([("main".to_string(), main)]),
            prio: 0.0,
        };
        let what = format!("{filter:?}");
        let r: CreateReservationResponse = self.call("CreateReservation", &what, req)?;
        Ok(ReservationStatus::from_wire(r.reservation))
    }

    /// `PollReservation` (which also refreshes it).
    pub fn poll_reservation(&self, token: &str) -> Result<ReservationStatus, LabgridError> {
        let req = TokenRequest {
            token: token.into(),
        };
        let r: PollReservationResponse = self.call("PollReservation", token, req)?;
        Ok(ReservationStatus::from_wire(r.reservation))
    }

    /// `CancelReservation`.
    pub fn cancel_reservation(&self, token: &str) -> Result<(), LabgridError> {
        let req = TokenRequest {
            token: token.into(),
        };
        self.call_empty("CancelReservation", token, req)
    }

    /// `GetReservations`: every reservation the coordinator holds, whoever made it.
    pub fn reservations(&self) -> Result<Vec<ReservationStatus>, LabgridError> {
        let r: GetReservationsResponse =
            self.call("GetReservations", "all", GetReservationsRequest {})?;
        Ok(r.reservations
            .into_iter()
            .map(|r| ReservationStatus::from_wire(Some(r)))
            .collect())
    }
}
