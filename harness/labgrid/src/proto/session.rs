//! The client session stream: what the client sends (`StartupDone`, `Subscribe`, `Sync`) and
//! what the coordinator streams back (place and resource updates, sync echoes).

use super::place::Place;
use super::resource::{Resource, ResourcePath};

/// One message from the client on `ClientStream`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ClientInMessage {
    /// What it is.
    #[prost(oneof = "ClientIn", tags = "1, 2, 3")]
    pub kind: Option<ClientIn>,
}

/// The kinds of [`ClientInMessage`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum ClientIn {
    /// Asks the coordinator to echo `id` once it has handled everything sent before.
    #[prost(message, tag = "1")]
    Sync(Sync),
    /// Opens the session: labgrid version and `host/user` name.
    #[prost(message, tag = "2")]
    Startup(StartupDone),
    /// Asks for place or resource updates.
    #[prost(message, tag = "3")]
    Subscribe(Subscribe),
}

/// A sync marker.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Sync {
    /// Chosen by the client, echoed by the coordinator.
    #[prost(uint64, tag = "1")]
    pub id: u64,
}

/// Opens a session.
#[derive(Clone, PartialEq, prost::Message)]
pub struct StartupDone {
    /// The labgrid version the client speaks.
    #[prost(string, tag = "1")]
    pub version: String,
    /// `host/user`: how the coordinator names the session's places and reservations.
    #[prost(string, tag = "2")]
    pub name: String,
}

/// Subscribes to (or unsubscribes from) places or resources.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Subscribe {
    /// `true` to unsubscribe.
    #[prost(bool, optional, tag = "1")]
    pub is_unsubscribe: Option<bool>,
    /// What to subscribe to.
    #[prost(oneof = "SubscribeTo", tags = "2, 3")]
    pub kind: Option<SubscribeTo>,
}

/// The kinds of [`Subscribe`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum SubscribeTo {
    /// Every place.
    #[prost(bool, tag = "2")]
    AllPlaces(bool),
    /// Every resource of every exporter.
    #[prost(bool, tag = "3")]
    AllResources(bool),
}

/// One message from the coordinator on `ClientStream`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ClientOutMessage {
    /// The echo of a [`Sync`].
    #[prost(message, optional, tag = "1")]
    pub sync: Option<Sync>,
    /// Updates of places and resources.
    #[prost(message, repeated, tag = "2")]
    pub updates: Vec<UpdateResponse>,
}

/// One update.
#[derive(Clone, PartialEq, prost::Message)]
pub struct UpdateResponse {
    /// What changed.
    #[prost(oneof = "Update", tags = "1, 2, 3, 4")]
    pub kind: Option<Update>,
}

/// The kinds of [`UpdateResponse`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Update {
    /// A resource appeared or changed.
    #[prost(message, tag = "1")]
    Resource(Resource),
    /// A resource went away (its exporter disconnected or dropped it).
    #[prost(message, tag = "2")]
    DelResource(ResourcePath),
    /// A place appeared or changed.
    #[prost(message, tag = "3")]
    Place(Place),
    /// A place was deleted.
    #[prost(string, tag = "4")]
    DelPlace(String),
}

impl ClientInMessage {
    /// `StartupDone{version, name}`.
    pub fn startup(version: &str, name: &str) -> Self {
        ClientInMessage {
            kind: Some(ClientIn::Startup(StartupDone {
                version: version.to_string(),
                name: name.to_string(),
            })),
        }
    }

    /// `Subscribe{to}`.
    pub fn subscribe(to: SubscribeTo) -> Self {
        ClientInMessage {
            kind: Some(ClientIn::Subscribe(Subscribe {
                is_unsubscribe: None,
                kind: Some(to),
            })),
        }
    }

    /// `Sync{id}`.
    pub fn sync(id: u64) -> Self {
        ClientInMessage {
            kind: Some(ClientIn::Sync(Sync { id })),
        }
    }
}
