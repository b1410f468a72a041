//! The rack file's `labgrid:` section: the boards come from a labgrid coordinator's places
//! instead of a `duts:` list (the lab acquires them; `hil_labgrid` translates each place).
//!
//! ```yaml
//! name: lab-b
//! labgrid:
//!   coordinator: "coordinator.lab:20408"
//!   tags: { hil: nrf91 }       # every selected place carries all of these
//!   places: [dut-a, dut-b]     # or by name
//! ```

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validate::{Checked, checked_serde};

/// Where a rack's boards come from when it is a labgrid lab.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "LabgridSection", deny_unknown_fields)]
pub struct LabgridSection {
    /// The coordinator, `HOST[:PORT]` (port 20408 when not given).
    #[schemars(length(min = 1))]
    pub coordinator: String,
    /// Places by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<String>,
    /// Tags every selected place must carry.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl Checked for LabgridSection {
    const EXPECTING: &'static str = "a labgrid section (coordinator, places, tags)";
    fn unchecked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn check(self) -> Result<Self, String> {
        let c = self.coordinator.trim();
        if c.is_empty() || c.contains(char::is_whitespace) || c.contains('/') {
            return Err(format!(
                "coordinator `{}` is not HOST[:PORT] (e.g. 127.0.0.1:20408)",
                self.coordinator
            ));
        }
        if self.places.is_empty() && self.tags.is_empty() {
            return Err("name the places: `places: [NAME, ...]` or `tags: { KEY: VALUE }`".into());
        }
        Ok(self)
    }
}

checked_serde!(LabgridSection);
