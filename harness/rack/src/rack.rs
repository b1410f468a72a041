//! The rack file as a whole: its name, an optional firmware image, and at most [`MAX_DUTS`]
//! DUTs, whose names, console ports and supply outputs must be unique (`shared`). These checks
//! run while each DUT is read, so a duplicate (or the first DUT past the cap) is reported at its
//! own line.

use std::fmt;
use std::path::PathBuf;

use schemars::JsonSchema;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::dut::DutSpec;
use crate::labgrid::LabgridSection;
use crate::shared::Taken;
use crate::validate::{Checked, checked_serde};

/// The most DUTs a rack file may declare: a rack host drives tens of boards; thousands of
/// entries are a generated or broken file (bring-up would open them all).
pub const MAX_DUTS: usize = 1024;

/// A rack file: the DUTs one rack host drives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "RackFile", deny_unknown_fields)]
pub struct RackFile {
    /// Name of the rack, used in reports.
    #[schemars(length(min = 1))]
    pub name: String,
    /// Application firmware image (ELF or Intel HEX) to flash; relative paths are resolved
    /// against the rack file's directory by [`crate::load`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firmware_image: Option<PathBuf>,
    /// A quarantine file (YAML list of `{trial, reason, until, ...}` entries); relative paths
    /// are resolved against the rack file's directory by [`crate::load`]. `--quarantine` wins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarantine: Option<PathBuf>,
    /// Consecutive runs with an infrastructure error after which a board goes into
    /// maintenance (default 3). `--maintenance-after` wins.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::located::optional_at_least_one"
    )]
    #[schemars(range(min = 1))]
    pub maintenance_after: Option<u32>,
    /// Directories of simulator modem profiles (`*.yaml`, e.g. written by `hil characterize`)
    /// for the rack's simulated DUTs; relative paths are resolved against the rack file's
    /// directory by [`crate::load`]. A profile there takes the place of the bundled one of the
    /// same modem firmware; two directories defining the same firmware are refused.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub profile_dirs: Vec<PathBuf>,
    /// The DUTs, each with a unique name (none when the boards come from `labgrid`).
    #[serde(default, deserialize_with = "unique_duts")]
    pub duts: Vec<DutSpec>,
    /// The boards are a labgrid coordinator's places instead of `duts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labgrid: Option<LabgridSection>,
}

impl RackFile {
    /// The DUT called `name`.
    pub fn dut(&self, name: &str) -> Option<&DutSpec> {
        self.duts.iter().find(|d| d.name == name)
    }

    /// DUTs carrying `tag`.
    pub fn tagged<'a>(&'a self, tag: &'a str) -> impl Iterator<Item = &'a DutSpec> + 'a {
        self.duts.iter().filter(move |d| d.has_tag(tag))
    }
}

impl Checked for RackFile {
    const EXPECTING: &'static str = "a rack file (name, duts)";
    fn unchecked<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn check(self) -> Result<Self, String> {
        if self.name.trim().is_empty() {
            return Err("the rack name is empty".into());
        }
        if let Some(i) = self
            .profile_dirs
            .iter()
            .position(|d| d.as_os_str().is_empty())
        {
            return Err(format!("profile_dirs[{i}] is empty"));
        }
        match (self.duts.is_empty(), &self.labgrid) {
            (true, None) => Err("missing field `duts` (or a `labgrid:` section)".into()),
            (false, Some(_)) => Err(
                "a rack with a `labgrid:` section takes its boards from the coordinator's places; \
                 remove `duts`"
                    .into(),
            ),
            _ => Ok(self),
        }
    }
}

checked_serde!(RackFile);

fn unique_duts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<DutSpec>, D::Error> {
    d.deserialize_seq(DutList)
}

struct DutList;

impl<'de> Visitor<'de> for DutList {
    type Value = Vec<DutSpec>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of DUTs")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<DutSpec>, A::Error> {
        let mut duts: Vec<DutSpec> = Vec::new();
        let mut taken = Taken::default();
        while let Some(dut) = seq.next_element_seed(UniqueDut { taken: &taken })? {
            taken.insert(duts.len(), &dut);
            duts.push(dut);
        }
        if duts.is_empty() {
            return Err(de::Error::custom("the rack lists no DUTs"));
        }
        Ok(duts)
    }
}

/// Reads one DUT and refuses it, at its own location, if it is one past [`MAX_DUTS`] or an
/// earlier one has its name, console port or supply output.
struct UniqueDut<'a> {
    taken: &'a Taken,
}

impl<'de> DeserializeSeed<'de> for UniqueDut<'_> {
    type Value = DutSpec;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DutSpec, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for UniqueDut<'_> {
    type Value = DutSpec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(DutSpec::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DutSpec, A::Error> {
        if self.taken.len() >= MAX_DUTS {
            return Err(de::Error::custom(format!(
                "more than {MAX_DUTS} DUTs: a rack file declares at most {MAX_DUTS} (split \
                 the rack into several files)"
            )));
        }
        let dut = DutSpec::unchecked(MapAccessDeserializer::new(map))?
            .check()
            .map_err(de::Error::custom)?;
        match self.taken.conflict(&dut) {
            Some(why) => Err(de::Error::custom(why)),
            None => Ok(dut),
        }
    }
}
