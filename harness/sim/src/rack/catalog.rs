//! The modem profiles a rack can use: the bundled ones, then those of the profile directories.
//!
//! A profile in a directory takes the place of the bundled one of the same firmware. Two
//! directories defining the same firmware is an error naming both files (which one a board
//! runs must never depend on the order directories were given in); the same directory given
//! twice (by a rack file and on the command line) counts once.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::SimError;
use crate::profile::{Profile, bundled_profiles, load_profile_files};

/// Where the profile a board runs comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileSource {
    /// Compiled in from `harness/sim/profiles/`; the profile's name.
    Bundled(String),
    /// A file of a profile directory, as given (the directory joined with the file name).
    File(PathBuf),
}

impl fmt::Display for ProfileSource {
    /// `bundled:<name>` or the file's path: what reports record.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileSource::Bundled(name) => write!(f, "bundled:{name}"),
            ProfileSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A profile and where it comes from.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The profile, shared by every board that runs it.
    pub profile: Arc<Profile>,
    /// Where it was loaded from.
    pub source: ProfileSource,
}

/// Profiles by name (`mfw_nrf9160_1.3.6`).
#[derive(Debug)]
pub struct Catalog {
    profiles: BTreeMap<String, Entry>,
}

impl Catalog {
    /// The bundled profiles, then those in `dirs` (a file replaces a bundled profile of the
    /// same name; two directories with the same name are refused).
    pub fn load(dirs: &[PathBuf]) -> Result<Self, SimError> {
        let mut profiles: BTreeMap<String, Entry> = bundled_profiles()?
            .into_iter()
            .map(|p| {
                let entry = Entry {
                    source: ProfileSource::Bundled(p.name()),
                    profile: Arc::new(p),
                };
                (entry.profile.name(), entry)
            })
            .collect();
        for dir in distinct(dirs) {
            for (path, profile) in load_profile_files(dir)? {
                let name = profile.name();
                if let Some(Entry {
                    source: ProfileSource::File(first),
                    ..
                }) = profiles.get(&name)
                {
                    return Err(SimError::ProfileTwice {
                        profile: name,
                        first: first.clone(),
                        second: path,
                    });
                }
                let entry = Entry {
                    profile: Arc::new(profile),
                    source: ProfileSource::File(path),
                };
                profiles.insert(name, entry);
            }
        }
        Ok(Catalog { profiles })
    }

    /// The profile called `name`, or the error listing the known ones.
    pub fn get(&self, dut: &str, name: &str) -> Result<Entry, SimError> {
        self.profiles
            .get(name)
            .cloned()
            .ok_or_else(|| SimError::UnknownProfile {
                dut: dut.to_owned(),
                profile: name.to_owned(),
                known: self.profiles.keys().cloned().collect(),
            })
    }

    /// Every profile's name, sorted.
    pub fn names(&self) -> Vec<String> {
        self.profiles.keys().cloned().collect()
    }
}

/// `dirs` without repeats of the same directory (compared by canonical path when it exists).
fn distinct(dirs: &[PathBuf]) -> Vec<&Path> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for dir in dirs {
        let key = dir.canonicalize().unwrap_or_else(|_| dir.clone());
        if !seen.contains(&key) {
            seen.push(key);
            out.push(dir.as_path());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A directory holding the bundled 1.3.6 profile renamed to `mfw`.
    fn dir_with(mfw: &str) -> tempfile::TempDir {
        let tmp = tempfile::tempdir().unwrap();
        let base = crate::profile::bundled_profile("mfw_nrf9160_1.3.6").unwrap();
        let text = serde_yaml_ng::to_string(&base)
            .unwrap()
            .replace("1.3.6", mfw.trim_start_matches("mfw_nrf9160_"));
        std::fs::write(tmp.path().join(format!("{mfw}.yaml")), text).unwrap();
        tmp
    }

    /// A 1.3.x firmware no bundled profile has (1.3.7 while that is not bundled).
    fn unbundled() -> String {
        crate::profile::unbundled_successor("mfw_nrf9160_1.3.6").unwrap()
    }

    #[test]
    fn a_directory_adds_profiles_and_replaces_a_bundled_one() {
        let added = unbundled();
        let new = dir_with(&added);
        let replacing = dir_with("mfw_nrf9160_1.3.6");
        let dirs = [new.path().to_path_buf(), replacing.path().to_path_buf()];
        let c = Catalog::load(&dirs).unwrap();
        assert_eq!(
            c.get("b", &added).unwrap().source,
            ProfileSource::File(new.path().join(format!("{added}.yaml")))
        );
        assert_eq!(
            c.get("b", "mfw_nrf9160_1.3.6").unwrap().source.to_string(),
            replacing
                .path()
                .join("mfw_nrf9160_1.3.6.yaml")
                .display()
                .to_string()
        );
        assert_eq!(
            c.get("b", "mfw_nrf91x1_2.0.2").unwrap().source.to_string(),
            "bundled:mfw_nrf91x1_2.0.2"
        );
        assert_eq!(c.names().len(), bundled_profiles().unwrap().len() + 1);
    }

    #[test]
    fn two_directories_with_the_same_firmware_are_refused_naming_both_files() {
        let added = unbundled();
        let a = dir_with(&added);
        let b = dir_with(&added);
        let err = Catalog::load(&[a.path().to_path_buf(), b.path().to_path_buf()])
            .unwrap_err()
            .to_string();
        for dir in [&a, &b] {
            let file = dir.path().join(format!("{added}.yaml"));
            assert!(err.contains(&file.display().to_string()), "{err}");
        }
        // The same directory twice is one directory.
        let same = [a.path().to_path_buf(), a.path().join(".")];
        assert!(Catalog::load(&same).is_ok());
    }

    #[test]
    fn a_missing_directory_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("nope");
        let err = Catalog::load(std::slice::from_ref(&missing))
            .unwrap_err()
            .to_string();
        assert!(err.contains(&missing.display().to_string()), "{err}");
    }
}
