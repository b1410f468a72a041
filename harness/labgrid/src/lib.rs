//! A client of the labgrid coordinator (labgrid 26.0.x, gRPC): the session stream, places,
//! reservations, acquire and release — so boards on any rack host of a labgrid lab run the
//! suite as if they were in a local rack file.
//!
//! - [`address`]: `HOST[:PORT]` of the coordinator;
//! - [`proto`]: the wire messages (our own prost structs, written from the protocol);
//! - [`client`]: [`Coordinator`], a blocking client with an open session;
//! - [`board`]: a place as a rack-file board ([`PlaceBoard`]);
//! - [`lease`]: holding places — select, heal, reserve, acquire, release ([`HeldPlaces`]);
//! - [`model`]: typed resources, reservation states, a place's resources;
//! - [`error`]: why a call failed, [`LabgridError`].

#![warn(missing_docs)]

pub mod address;
pub mod board;
pub mod client;
pub mod error;
mod glob;
pub mod lease;
pub mod model;
pub mod proto;
mod session;
#[cfg(feature = "testkit")]
pub mod testkit;

pub use address::{Address, DEFAULT_PORT};
pub use board::{Flashing, PlaceBoard, PlaceError};
pub use client::{Coordinator, PROTOCOL_VERSION, ReservationStatus};
pub use error::LabgridError;
pub use lease::{AcquireError, AcquireOptions, HeldPlaces, PlaceSelection, acquire};
pub use model::{
    Param, PlaceResource, ReservationState, ResourceEntry, ResourceId, acquired_by,
    place_resources, reserved_by,
};
pub use proto::place::Place;
pub use session::View;
