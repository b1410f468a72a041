//! The modem profiles a rack can use: the bundled ones plus an optional directory.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::error::SimError;
use crate::profile::{Profile, bundled_profiles, load_profile_dir};

/// Profiles by name (`mfw_nrf9160_1.3.6`), shared by every board that runs them.
#[derive(Debug)]
pub struct Catalog {
    profiles: BTreeMap<String, Arc<Profile>>,
}

impl Catalog {
    /// The bundled profiles, then those in `dir` (a file replaces a bundled profile of the same
    /// name).
    pub fn load(dir: Option<&Path>) -> Result<Self, SimError> {
        let mut profiles = BTreeMap::new();
        let extra = match dir {
            Some(dir) => load_profile_dir(dir)?,
            None => Vec::new(),
        };
        for p in bundled_profiles().into_iter().chain(extra) {
            profiles.insert(p.name(), Arc::new(p));
        }
        Ok(Catalog { profiles })
    }

    /// The profile called `name`, or the error listing the known ones.
    pub fn get(&self, dut: &str, name: &str) -> Result<Arc<Profile>, SimError> {
        self.profiles
            .get(name)
            .cloned()
            .ok_or_else(|| SimError::UnknownProfile {
                dut: dut.to_owned(),
                profile: name.to_owned(),
                known: self.profiles.keys().cloned().collect(),
            })
    }
}
