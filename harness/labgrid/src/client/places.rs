//! The place calls: list, create, delete, tag, match, acquire (on this session), release.

use std::collections::BTreeMap;

use super::Coordinator;
use crate::error::LabgridError;
use crate::proto::place::{
    AcquirePlaceRequest, AddPlaceMatchRequest, AddPlaceRequest, DeletePlaceRequest,
    GetPlacesRequest, GetPlacesResponse, Place, ReleasePlaceRequest, SetPlaceTagsRequest,
};

impl Coordinator {
    /// `GetPlaces`: every place.
    pub fn places(&self) -> Result<Vec<Place>, LabgridError> {
        let r: GetPlacesResponse = self.call("GetPlaces", "GetPlaces", GetPlacesRequest {})?;
        Ok(r.places)
    }

    /// `AddPlace`.
    pub fn add_place(&self, name: &str) -> Result<(), LabgridError> {
        let req = AddPlaceRequest { name: name.into() };
        self.call_empty("AddPlace", name, req)
    }

    /// `DeletePlace`.
    pub fn delete_place(&self, name: &str) -> Result<(), LabgridError> {
        let req = DeletePlaceRequest { name: name.into() };
        self.call_empty("DeletePlace", name, req)
    }

    /// `SetPlaceTags` (an empty value removes a tag).
    pub fn set_place_tags(
        &self,
        place: &str,
        tags: &BTreeMap<String, String>,
    ) -> Result<(), LabgridError> {
        let req = SetPlaceTagsRequest {
            placename: place.into(),
            tags: tags.clone().into_iter().collect(),
        };
        self.call_empty("SetPlaceTags", place, req)
    }

    /// `AddPlaceMatch` with `exporter/group/cls[/name]`.
    pub fn add_place_match(&self, place: &str, pattern: &str) -> Result<(), LabgridError> {
        let req = AddPlaceMatchRequest {
            placename: place.into(),
            pattern: pattern.into(),
            rename: None,
        };
        self.call_empty("AddPlaceMatch", place, req)
    }

    /// `AcquirePlace` on this session.
    pub fn acquire_place(&self, place: &str) -> Result<(), LabgridError> {
        let req = AcquirePlaceRequest {
            placename: place.into(),
        };
        self.call_empty("AcquirePlace", place, req)
    }

    /// `ReleasePlace`; with `from_user`, only if that session name holds it.
    pub fn release_place(&self, place: &str, from_user: Option<&str>) -> Result<(), LabgridError> {
        let req = ReleasePlaceRequest {
            placename: place.into(),
            fromuser: from_user.map(Into::into),
        };
        self.call_empty("ReleasePlace", place, req)
    }
}
