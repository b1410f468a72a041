//! The coordinator's wire messages (package `labgrid`, service `Coordinator`), written here as
//! prost structs from the protocol's field numbers and types — labgrid's own `.proto` is LGPL
//! and is not copied (hil-anchors §7.1). Only the messages a client sends or receives are here;
//! the exporter's side of the protocol is not.
//!
//! - [`session`]: the `ClientStream` messages (startup, subscribe, sync, updates);
//! - [`resource`]: resources and their parameter values;
//! - [`place`]: places and the place RPCs;
//! - [`reservation`]: reservations and their RPCs.

pub mod place;
pub mod reservation;
pub mod resource;
pub mod session;

/// The gRPC path of a `Coordinator` method, e.g. `/labgrid.Coordinator/GetPlaces`.
pub fn method_path(method: &'static str) -> tonic::codegen::http::uri::PathAndQuery {
    tonic::codegen::http::uri::PathAndQuery::try_from(format!("/labgrid.Coordinator/{method}"))
        .unwrap_or_else(|_| tonic::codegen::http::uri::PathAndQuery::from_static("/"))
}
