//! The client's view of what the coordinator publishes: resources with typed parameter values,
//! reservation states, and which resources a place's matches select (and under which name).

use std::collections::BTreeMap;
use std::fmt;

use crate::glob;
use crate::proto::place::Place;
use crate::proto::resource::{self, Resource};

/// `exporter/group/name` of a resource.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceId {
    /// The exporter (a rack host).
    pub exporter: String,
    /// The resource group.
    pub group: String,
    /// The resource's name in its group.
    pub name: String,
}

impl fmt::Display for ResourceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.exporter, self.group, self.name)
    }
}

/// A parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    /// Not set (e.g. a serial port's TCP port while it is not acquired).
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
}

impl Param {
    fn from_wire(v: &resource::MapValue) -> Param {
        match &v.kind {
            None => Param::Null,
            Some(resource::Value::Bool(b)) => Param::Bool(*b),
            Some(resource::Value::Int(i)) => Param::Int(*i),
            Some(resource::Value::Uint(u)) => {
                i64::try_from(*u).map_or(Param::Float(*u as f64), Param::Int)
            }
            Some(resource::Value::Float(x)) => Param::Float(*x),
            Some(resource::Value::String(s)) => Param::Str(s.clone()),
        }
    }

    /// The value as text, if it is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Param::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value as an integer, if it is one (or a whole float).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Param::Int(i) => Some(*i),
            Param::Float(x) if x.fract() == 0.0 => Some(*x as i64),
            _ => None,
        }
    }
}

/// A resource as published, with typed parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceEntry {
    /// Where it is.
    pub id: ResourceId,
    /// Its class, e.g. `NetworkSerialPort`.
    pub cls: String,
    /// Its parameters.
    pub params: BTreeMap<String, Param>,
    /// Its extra values.
    pub extra: BTreeMap<String, Param>,
    /// The place that acquired it.
    pub acquired: Option<String>,
    /// Whether the exporter has it.
    pub avail: bool,
}

impl ResourceEntry {
    /// From an update; `None` without a path or exporter.
    pub fn from_wire(r: &Resource) -> Option<ResourceEntry> {
        let path = r.path.as_ref()?;
        let typed = |m: &std::collections::HashMap<String, resource::MapValue>| {
            m.iter()
                .map(|(k, v)| (k.clone(), Param::from_wire(v)))
                .collect()
        };
        Some(ResourceEntry {
            id: ResourceId {
                exporter: path.exporter_name.clone()?,
                group: path.group_name.clone(),
                name: path.resource_name.clone(),
            },
            cls: r.cls.clone(),
            params: typed(&r.params),
            extra: typed(&r.extra),
            acquired: Some(r.acquired.clone()).filter(|a| !a.is_empty()),
            avail: r.avail,
        })
    }

    /// A parameter.
    pub fn param(&self, key: &str) -> Option<&Param> {
        self.params.get(key).filter(|p| **p != Param::Null)
    }
}

/// A reservation's state (labgrid's `ReservationState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReservationState {
    /// No place allocated yet.
    Waiting,
    /// A place is allocated: acquire it.
    Allocated,
    /// The allocated place is acquired.
    Acquired,
    /// Not refreshed in time.
    Expired,
    /// Its place was deleted.
    Invalid,
    /// A state this client does not know.
    Unknown(i32),
}

impl ReservationState {
    /// From the wire number.
    pub fn from_wire(n: i32) -> Self {
        match n {
            0 => Self::Waiting,
            1 => Self::Allocated,
            2 => Self::Acquired,
            3 => Self::Expired,
            4 => Self::Invalid,
            other => Self::Unknown(other),
        }
    }
}

/// Who acquired `place` (`host/user`), if anyone (the coordinator sends an empty string for
/// nobody).
pub fn acquired_by(place: &Place) -> Option<&str> {
    place.acquired.as_deref().filter(|a| !a.is_empty())
}

/// The reservation `place` is allocated to, if any.
pub fn reserved_by(place: &Place) -> Option<&str> {
    place.reservation.as_deref().filter(|a| !a.is_empty())
}

/// A resource of a place: the name it has there, and the resource.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceResource<'a> {
    /// Its name in the place (the match's `rename`, else the resource's name).
    pub name: String,
    /// The resource.
    pub resource: &'a ResourceEntry,
}

/// The resources `place`'s matches select among `resources`, in the coordinator's order
/// (sorted by exporter, group, name), each under its name in the place.
pub fn place_resources<'a>(
    place: &Place,
    resources: impl IntoIterator<Item = &'a ResourceEntry>,
) -> Vec<PlaceResource<'a>> {
    let mut found: Vec<PlaceResource<'a>> = resources
        .into_iter()
        .filter_map(|r| {
            let m = place.matches.iter().find(|m| {
                glob::matches(&m.exporter, &r.id.exporter)
                    && glob::matches(&m.group, &r.id.group)
                    && glob::matches(&m.cls, &r.cls)
                    && m.name
                        .as_deref()
                        .is_none_or(|n| glob::matches(n, &r.id.name))
            })?;
            let name = m.rename.clone().unwrap_or_else(|| r.id.name.clone());
            Some(PlaceResource { name, resource: r })
        })
        .collect();
    found.sort_by(|a, b| a.resource.id.cmp(&b.resource.id));
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::place::ResourceMatch;

    fn entry(exporter: &str, group: &str, name: &str, cls: &str) -> ResourceEntry {
        ResourceEntry {
            id: ResourceId {
                exporter: exporter.into(),
                group: group.into(),
                name: name.into(),
            },
            cls: cls.into(),
            params: BTreeMap::new(),
            extra: BTreeMap::new(),
            acquired: None,
            avail: true,
        }
    }

    fn matcher(pattern: &str, rename: Option<&str>) -> ResourceMatch {
        let mut parts = pattern.split('/');
        ResourceMatch {
            exporter: parts.next().unwrap().into(),
            group: parts.next().unwrap().into(),
            cls: parts.next().unwrap().into(),
            name: parts.next().map(Into::into),
            rename: rename.map(Into::into),
        }
    }

    #[test]
    fn a_place_selects_its_resources_by_pattern_and_renames_them() {
        let all = [
            entry("hostA", "dut-a", "console", "NetworkSerialPort"),
            entry("hostA", "dut-a", "supply", "PyVISADevice"),
            entry("hostA", "dut-b", "console", "NetworkSerialPort"),
            entry("hostB", "dut-a", "NetworkSerialPort", "NetworkSerialPort"),
        ];
        let place = Place {
            name: "a".into(),
            matches: vec![
                matcher("hostA/dut-a/*", None),
                matcher("hostB/*/NetworkSerialPort", Some("aux")),
            ],
            ..Place::default()
        };
        let got: Vec<(String, String)> = place_resources(&place, &all)
            .into_iter()
            .map(|r| (r.name, r.resource.id.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("console".into(), "hostA/dut-a/console".into()),
                ("supply".into(), "hostA/dut-a/supply".into()),
                ("aux".into(), "hostB/dut-a/NetworkSerialPort".into()),
            ]
        );
    }

    #[test]
    fn wire_values_become_typed_params() {
        let v = |k| resource::MapValue { kind: k };
        assert_eq!(Param::from_wire(&v(None)), Param::Null);
        assert_eq!(
            Param::from_wire(&v(Some(resource::Value::Uint(7)))),
            Param::Int(7)
        );
        assert_eq!(Param::Float(4001.0).as_int(), Some(4001));
        assert_eq!(ReservationState::from_wire(1), ReservationState::Allocated);
        assert_eq!(ReservationState::from_wire(9), ReservationState::Unknown(9));
    }
}
