//! A place as a board of the rack: a place is a DUT when it has a `console` serial resource;
//! its `supply` resource and its `hil-*` tags give the rest, and the result is the same
//! [`DutSpec`] a rack file gives, so the rest of the harness cannot tell the difference.
//! Anything missing or malformed is an error naming the place and the tag or resource.
//!
//! - [`tags`]: the `hil-*` tags (supply model, probe, identity, safety limits);
//! - [`resources`]: the console and supply resources, and the flashing capability.

mod resources;
pub(crate) mod tags;

use std::fmt;

use hil_rack::{DutSpec, ProbeSelector};

use crate::model::PlaceResource;
use crate::proto::place::Place;

pub use resources::{CONSOLE, FLASH_SERVICE, SUPPLY, SshService};
pub use tags::{
    TAG_IMEI, TAG_MAX_AMPS, TAG_MAX_VOLTS, TAG_MFW, TAG_MIN_VOLTS, TAG_NOMINAL_VOLTS, TAG_PROBE,
    TAG_REMOTE_HIL, TAG_SUPPLY_MODEL,
};

/// The remote program when the place has no `hil-remote-hil` tag.
pub const DEFAULT_REMOTE_HIL: &str = "hil";

/// Why a place is not a usable board.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("labgrid place `{place}`: {problem}")]
pub struct PlaceError {
    /// The place.
    pub place: String,
    /// What is missing or wrong, naming the tag or resource.
    pub problem: String,
}

/// How the firmware-under-test gets onto a place's board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flashing {
    /// `hil flash` on the exporter host, over the place's SSH service, with this probe.
    OverSsh {
        /// The exporter's SSH service.
        ssh: SshService,
        /// The probe on the exporter host.
        probe: ProbeSelector,
        /// The `hil` program there (tag `hil-remote-hil`, default [`DEFAULT_REMOTE_HIL`]).
        remote_hil: String,
    },
    /// Not possible from here; the reason says what the place lacks.
    Unavailable(String),
}

/// A place translated into a board.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceBoard {
    /// The place's name (also the board's name).
    pub place: String,
    /// The exporter (rack host) whose console the board uses.
    pub exporter: String,
    /// The exporter's network host, as it publishes its resources.
    pub exporter_host: String,
    /// The rack entry: console over RFC 2217, supply, identity, limits.
    pub spec: DutSpec,
    /// How it is flashed.
    pub flashing: Flashing,
}

/// Whether `place` is a DUT: it has a resource called `console`.
pub fn is_dut(resources: &[PlaceResource<'_>]) -> bool {
    resources.iter().any(|r| r.name == CONSOLE)
}

/// The board `place` describes, from its tags and its (acquired) `resources`.
pub fn translate(place: &Place, resources: &[PlaceResource<'_>]) -> Result<PlaceBoard, PlaceError> {
    let err = |problem: String| PlaceError {
        place: place.name.clone(),
        problem,
    };
    let tags = tags::BoardTags::read(&place.tags).map_err(err)?;
    let console = resources::console(resources).map_err(err)?;
    let supply = resources::supply(resources, tags.supply_model).map_err(err)?;
    let flashing = resources::flashing(resources, tags.probe.clone(), tags.remote_hil.clone());
    let spec = serde_json::json!({
        "name": place.name,
        "serial": { "port": console.url, "baud": console.baud },
        "supply": supply,
        "expected_mfw": tags.mfw,
        "expected_imei": tags.imei,
        "limits": tags.limits,
        "nominal_volts": tags.nominal_volts,
        "tags": ["labgrid"],
    });
    // The rack file's own checks (name, limits window, nominal within limits, supply address).
    let spec: DutSpec =
        serde_json::from_value(strip_nulls(spec)).map_err(|e| err(e.to_string()))?;
    Ok(PlaceBoard {
        place: place.name.clone(),
        exporter: console.exporter,
        exporter_host: console.host,
        spec,
        flashing,
    })
}

fn strip_nulls(mut value: serde_json::Value) -> serde_json::Value {
    if let Some(map) = value.as_object_mut() {
        map.retain(|_, v| !v.is_null());
    }
    value
}

impl fmt::Display for Flashing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Flashing::OverSsh {
                ssh,
                probe,
                remote_hil,
            } => {
                write!(f, "hil flash over ssh {ssh} with probe {probe}")?;
                if remote_hil != DEFAULT_REMOTE_HIL {
                    write!(f, " (remote hil `{remote_hil}`)")?;
                }
                Ok(())
            }
            Flashing::Unavailable(why) => write!(f, "flashing skipped: {why}"),
        }
    }
}

#[cfg(test)]
mod tests;
