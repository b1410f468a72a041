//! Places and the place RPCs a client uses: list, create, tag, match, acquire, release.

use std::collections::HashMap;

/// A place: a named set of resource matches with tags, which a user acquires as one.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Place {
    /// Its name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Other names.
    #[prost(string, repeated, tag = "2")]
    pub aliases: Vec<String>,
    /// A free-form comment.
    #[prost(string, tag = "3")]
    pub comment: String,
    /// Its tags.
    #[prost(map = "string, string", tag = "4")]
    pub tags: HashMap<String, String>,
    /// Which resources belong to it.
    #[prost(message, repeated, tag = "5")]
    pub matches: Vec<ResourceMatch>,
    /// Who acquired it (`host/user`), when acquired.
    #[prost(string, optional, tag = "6")]
    pub acquired: Option<String>,
    /// The resources acquired with it, `exporter/group/cls/name`.
    #[prost(string, repeated, tag = "7")]
    pub acquired_resources: Vec<String>,
    /// Sessions allowed to use it besides the acquirer.
    #[prost(string, repeated, tag = "8")]
    pub allowed: Vec<String>,
    /// When it was created (Unix time).
    #[prost(double, tag = "9")]
    pub created: f64,
    /// When it last changed (Unix time).
    #[prost(double, tag = "10")]
    pub changed: f64,
    /// The token of the reservation it is allocated to, if any.
    #[prost(string, optional, tag = "11")]
    pub reservation: Option<String>,
}

/// A resource match `exporter/group/cls[/name]`; each part may be a glob.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ResourceMatch {
    /// Exporter pattern.
    #[prost(string, tag = "1")]
    pub exporter: String,
    /// Group pattern.
    #[prost(string, tag = "2")]
    pub group: String,
    /// Class pattern.
    #[prost(string, tag = "3")]
    pub cls: String,
    /// Resource name pattern.
    #[prost(string, optional, tag = "4")]
    pub name: Option<String>,
    /// The name the resource takes in the place.
    #[prost(string, optional, tag = "5")]
    pub rename: Option<String>,
}

/// `GetPlaces`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetPlacesRequest {}

/// Every place.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetPlacesResponse {
    /// The places.
    #[prost(message, repeated, tag = "1")]
    pub places: Vec<Place>,
}

/// `AddPlace`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AddPlaceRequest {
    /// The new place's name.
    #[prost(string, tag = "1")]
    pub name: String,
}

/// `DeletePlace`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DeletePlaceRequest {
    /// The place.
    #[prost(string, tag = "1")]
    pub name: String,
}

/// `SetPlaceTags` (an empty value removes the tag).
#[derive(Clone, PartialEq, prost::Message)]
pub struct SetPlaceTagsRequest {
    /// The place.
    #[prost(string, tag = "1")]
    pub placename: String,
    /// Tags to set.
    #[prost(map = "string, string", tag = "2")]
    pub tags: HashMap<String, String>,
}

/// `AddPlaceMatch`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AddPlaceMatchRequest {
    /// The place.
    #[prost(string, tag = "1")]
    pub placename: String,
    /// `exporter/group/cls[/name]`.
    #[prost(string, tag = "2")]
    pub pattern: String,
    /// The name the resource takes in the place.
    #[prost(string, optional, tag = "3")]
    pub rename: Option<String>,
}

/// `AcquirePlace` (needs the caller's session on the same connection).
#[derive(Clone, PartialEq, prost::Message)]
pub struct AcquirePlaceRequest {
    /// The place.
    #[prost(string, tag = "1")]
    pub placename: String,
}

/// `ReleasePlace`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ReleasePlaceRequest {
    /// The place.
    #[prost(string, tag = "1")]
    pub placename: String,
    /// Release only if acquired by this session name (no error when it is not).
    #[prost(string, optional, tag = "2")]
    pub fromuser: Option<String>,
}

/// The empty answer of the place RPCs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Empty {}
