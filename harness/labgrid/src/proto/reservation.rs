//! Reservations: a tag filter the coordinator allocates a free place to, polled (and so
//! refreshed: an unacquired reservation expires 60 s after its last refresh) until allocated.

use std::collections::HashMap;

/// A reservation.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Reservation {
    /// The session name that made it.
    #[prost(string, tag = "1")]
    pub owner: String,
    /// Its token.
    #[prost(string, tag = "2")]
    pub token: String,
    /// waiting=0, allocated=1, acquired=2, expired=3, invalid=4.
    #[prost(int32, tag = "3")]
    pub state: i32,
    /// Its priority.
    #[prost(double, tag = "4")]
    pub prio: f64,
    /// Filter groups; the coordinator accepts only `main`.
    #[prost(map = "string, message", tag = "5")]
    pub filters: HashMap<String, ReservationFilter>,
    /// The places allocated per filter group.
    #[prost(map = "string, string", tag = "6")]
    pub allocations: HashMap<String, String>,
    /// When it was made (Unix time).
    #[prost(double, tag = "7")]
    pub created: f64,
    /// When it expires unless refreshed (Unix time).
    #[prost(double, tag = "8")]
    pub timeout: f64,
}

/// Tags a place must carry (`name` matches the place's name).
#[derive(Clone, PartialEq, prost::Message)]
pub struct ReservationFilter {
    /// Tag key to value.
    #[prost(map = "string, string", tag = "1")]
    pub filter: HashMap<String, String>,
}

/// `CreateReservation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CreateReservationRequest {
    /// Filter groups (only `main`).
    #[prost(map = "string, message", tag = "1")]
    pub filters: HashMap<String, ReservationFilter>,
    /// Priority.
    #[prost(double, tag = "2")]
    pub prio: f64,
}

/// The reservation made.
#[derive(Clone, PartialEq, prost::Message)]
pub struct CreateReservationResponse {
    /// It.
    #[prost(message, optional, tag = "1")]
    pub reservation: Option<Reservation>,
}

/// `CancelReservation` and `PollReservation`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct TokenRequest {
    /// The reservation's token.
    #[prost(string, tag = "1")]
    pub token: String,
}

/// The reservation polled.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PollReservationResponse {
    /// It.
    #[prost(message, optional, tag = "1")]
    pub reservation: Option<Reservation>,
}

/// `GetReservations`: every reservation the coordinator has.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetReservationsRequest {}

/// The reservations.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetReservationsResponse {
    /// Them.
    #[prost(message, repeated, tag = "1")]
    pub reservations: Vec<Reservation>,
}
