//! Which places a command wants: named ones (`--place NAME`, repeatable) and/or those carrying
//! every given tag (`--place-tag KEY=VALUE`, repeatable; all must match). A named place must
//! exist; a tag selection takes the places that are DUTs (have a `console`). Places held out
//! (in maintenance) are never taken, whichever way they are selected.

use std::collections::BTreeMap;

use crate::board::is_dut;
use crate::model::{PlaceResource, ResourceEntry, place_resources};
use crate::proto::place::Place;

/// The places a command asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceSelection {
    /// Places by name (or alias).
    pub names: Vec<String>,
    /// Tags every selected place must carry.
    pub tags: BTreeMap<String, String>,
    /// Places never taken (boards in maintenance), by name.
    pub held_out: Vec<String>,
}

impl PlaceSelection {
    /// Reads `KEY=VALUE`.
    pub fn parse_tag(text: &str) -> Result<(String, String), String> {
        match text.split_once('=') {
            Some((k, v)) if !k.is_empty() && !k.contains(char::is_whitespace) => {
                Ok((k.to_string(), v.to_string()))
            }
            _ => Err(format!(
                "`{text}` is not a place tag filter (KEY=VALUE, e.g. hil=nrf91)"
            )),
        }
    }

    /// Whether nothing is asked for.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty() && self.tags.is_empty()
    }

    /// `places a, b` / `places tagged k=v`, for messages.
    pub fn describe(&self) -> String {
        let tags: Vec<String> = self.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        match (self.names.is_empty(), tags.is_empty()) {
            (false, true) => format!("places {}", self.names.join(", ")),
            (true, _) => format!("places tagged {}", tags.join(" ")),
            (false, false) => format!("places {} tagged {}", self.names.join(", "), tags.join(" ")),
        }
    }

    fn carries_tags(&self, place: &Place) -> bool {
        self.tags.iter().all(|(k, v)| place.tags.get(k) == Some(v))
    }

    /// The selected places, sorted by name; an error names what is missing.
    pub fn select<'a>(
        &self,
        places: &'a [Place],
        resources: &[ResourceEntry],
    ) -> Result<Vec<&'a Place>, String> {
        if self.is_empty() {
            return Err("no places asked for: give --place NAME or --place-tag KEY=VALUE".into());
        }
        let mut chosen: Vec<&Place> = if self.names.is_empty() {
            places
                .iter()
                .filter(|p| self.carries_tags(p))
                .filter(|p| is_dut(&place_resources(p, resources)))
                .collect()
        } else {
            self.named(places)?
        };
        chosen.sort_by(|a, b| a.name.cmp(&b.name));
        chosen.dedup_by(|a, b| a.name == b.name);
        let matched = chosen.len();
        chosen.retain(|p| !self.held_out.contains(&p.name));
        if chosen.is_empty() && matched > 0 {
            return Err(format!(
                "every place with {} is held out (in maintenance: {}); `hil boards ready NAME` \
                 returns one to service",
                self.describe(),
                self.held_out.join(", ")
            ));
        }
        if chosen.is_empty() {
            let all: Vec<&str> = places.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "no place with a `console` resource carries {} (places: {})",
                self.describe(),
                if all.is_empty() {
                    "none".to_string()
                } else {
                    all.join(", ")
                }
            ));
        }
        Ok(chosen)
    }

    /// The places a tag selection leaves out because they have no `console` resource (not a
    /// DUT — or its exporter is not connected), sorted.
    pub fn left_out(&self, places: &[Place], resources: &[ResourceEntry]) -> Vec<String> {
        if !self.names.is_empty() || self.tags.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<String> = places
            .iter()
            .filter(|p| self.carries_tags(p) && !is_dut(&place_resources(p, resources)))
            .map(|p| p.name.clone())
            .collect();
        out.sort();
        out
    }

    fn named<'a>(&self, places: &'a [Place]) -> Result<Vec<&'a Place>, String> {
        self.names
            .iter()
            .map(|name| {
                let place = places
                    .iter()
                    .find(|p| &p.name == name || p.aliases.contains(name))
                    .ok_or_else(|| format!("the coordinator has no place `{name}`"))?;
                if !self.carries_tags(place) {
                    return Err(format!("place `{name}` does not carry {}", self.describe()));
                }
                Ok(place)
            })
            .collect()
    }
}

/// The resources of `place` among `resources`.
pub fn resources_of<'a>(place: &Place, resources: &'a [ResourceEntry]) -> Vec<PlaceResource<'a>> {
    place_resources(place, resources)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn place(name: &str, tags: &[(&str, &str)]) -> Place {
        Place {
            name: name.into(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<HashMap<_, _>>(),
            matches: vec![crate::proto::place::ResourceMatch {
                exporter: "*".into(),
                group: name.into(),
                cls: "*".into(),
                name: None,
                rename: None,
            }],
            ..Place::default()
        }
    }

    fn console(group: &str) -> ResourceEntry {
        ResourceEntry {
            id: crate::ResourceId {
                exporter: "h".into(),
                group: group.into(),
                name: "console".into(),
            },
            cls: "NetworkSerialPort".into(),
            params: BTreeMap::new(),
            extra: BTreeMap::new(),
            acquired: None,
            avail: true,
        }
    }

    #[test]
    fn tags_select_duts_that_carry_all_of_them() {
        let places = [
            place("b", &[("hil", "nrf91"), ("site", "x")]),
            place("a", &[("hil", "nrf91")]),
            place("c", &[("hil", "other")]),
            place("nodut", &[("hil", "nrf91")]),
        ];
        let resources = [console("a"), console("b"), console("c")];
        let mut sel = PlaceSelection::default();
        sel.tags.insert("hil".into(), "nrf91".into());
        let got: Vec<&str> = sel
            .select(&places, &resources)
            .unwrap()
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(got, ["a", "b"]);
        // A place in maintenance is never taken; when it was the only one, the error says so.
        sel.held_out = vec!["a".into()];
        let got: Vec<&str> = sel
            .select(&places, &resources)
            .unwrap()
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(got, ["b"]);
        sel.held_out = vec!["a".into(), "b".into()];
        let e = sel.select(&places, &resources).unwrap_err();
        assert!(e.contains("held out (in maintenance: a, b)"), "{e}");
        sel.held_out.clear();
        sel.tags.insert("site".into(), "y".into());
        let e = sel.select(&places, &resources).unwrap_err();
        assert!(
            e.contains("places tagged hil=nrf91 site=y") && e.contains("places: b, a, c, nodut"),
            "{e}"
        );
    }

    #[test]
    fn named_places_must_exist_and_carry_the_tags() {
        let places = [place("a", &[("hil", "nrf91")])];
        let sel = PlaceSelection {
            names: vec!["zz".into()],
            ..PlaceSelection::default()
        };
        assert!(
            sel.select(&places, &[])
                .unwrap_err()
                .contains("no place `zz`")
        );
        let sel = PlaceSelection {
            names: vec!["a".into()],
            tags: BTreeMap::from([("hil".into(), "x".into())]),
            ..PlaceSelection::default()
        };
        assert!(
            sel.select(&places, &[])
                .unwrap_err()
                .contains("does not carry")
        );
        assert!(
            PlaceSelection::default()
                .select(&places, &[])
                .unwrap_err()
                .contains("--place")
        );
    }

    #[test]
    fn tag_filters_are_key_value() {
        assert_eq!(
            PlaceSelection::parse_tag("hil=nrf91").unwrap(),
            ("hil".into(), "nrf91".into())
        );
        assert!(
            PlaceSelection::parse_tag("hil")
                .unwrap_err()
                .contains("KEY=VALUE")
        );
        assert!(PlaceSelection::parse_tag("=x").is_err());
    }
}
