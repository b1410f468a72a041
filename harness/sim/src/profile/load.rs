//! Loading profiles: the bundled YAML files and any directory of `*.yaml` at run time.

use std::path::{Path, PathBuf};

use super::Profile;
use super::files::profile_files;

// The profiles shipped in `harness/sim/profiles/`, compiled in: `const BUNDLED: &[(&str, &str)]`
// of (file name, text), one entry per file [`profile_files`] lists, written by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/bundled_profiles.rs"));

/// Why a profile could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProfileError {
    #[error("{path}: {source}")]
    /// The profile file could not be read.
    Io {
        /// The profile file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{origin}: {reason}")]
    /// The profile is not valid.
    Invalid {
        /// Where the profile came from (file or bundled name).
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    #[error("{origin}: file is named `{stem}` but describes `{mfw}`")]
    /// The file's name is not the firmware it describes.
    NameMismatch {
        /// Where the profile came from (file or bundled name).
        origin: String,
        /// The file name without extension.
        stem: String,
        /// The firmware the profile describes.
        mfw: String,
    },
}

/// Parses one profile from YAML text; `origin` names it in errors (a path or file name).
pub fn parse_profile(text: &str, origin: &str) -> Result<Profile, ProfileError> {
    let profile: Profile = serde_yaml_ng::from_str(text).map_err(|e| ProfileError::Invalid {
        origin: origin.to_string(),
        reason: e.to_string(),
    })?;
    profile.validate().map_err(|reason| ProfileError::Invalid {
        origin: origin.to_string(),
        reason,
    })?;
    let stem = Path::new(origin)
        .file_name()
        .and_then(|f| f.to_str())
        .and_then(|f| f.strip_suffix(".yaml"))
        .unwrap_or_default();
    if stem != profile.name() {
        return Err(ProfileError::NameMismatch {
            origin: origin.to_string(),
            stem: stem.to_string(),
            mfw: profile.name(),
        });
    }
    Ok(profile)
}

/// All bundled profiles, in file-name order.
///
/// # Panics
/// Never in a tested build: every bundled file is parsed by the unit tests.
pub fn bundled_profiles() -> Vec<Profile> {
    BUNDLED
        .iter()
        .map(|(name, text)| {
            parse_profile(text, name).unwrap_or_else(|e| panic!("bundled profile broken: {e}"))
        })
        .collect()
}

/// The bundled profile named `name` (e.g. `mfw_nrf9160_1.3.6`).
pub fn bundled_profile(name: &str) -> Option<Profile> {
    BUNDLED
        .iter()
        .find(|(file, _)| file.strip_suffix(".yaml") == Some(name))
        .map(|(file, text)| {
            parse_profile(text, file).unwrap_or_else(|e| panic!("bundled profile broken: {e}"))
        })
}

/// Loads one profile file; its stem must equal its `mfw`.
pub fn load_profile(path: &Path) -> Result<Profile, ProfileError> {
    let text = std::fs::read_to_string(path).map_err(|source| ProfileError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_profile(&text, &path.display().to_string())
}

/// Loads every profile file in `dir` (regular `*.yaml`, not hidden, not recursive), sorted by
/// file name.
pub fn load_profile_dir(dir: &Path) -> Result<Vec<Profile>, ProfileError> {
    let paths = profile_files(dir).map_err(|source| ProfileError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    paths.iter().map(|p| load_profile(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundled_text(file: &str) -> &'static str {
        BUNDLED.iter().find(|(f, _)| *f == file).unwrap().1
    }

    #[test]
    fn every_bundled_profile_parses_and_is_named_after_its_firmware() {
        let all = bundled_profiles();
        assert_eq!(all.len(), BUNDLED.len());
        for p in &all {
            assert_eq!(bundled_profile(&p.name()).as_ref(), Some(p));
        }
    }

    #[test]
    fn every_file_in_the_profile_directory_is_bundled() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        let on_disk: Vec<String> = profile_files(&dir)
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        let bundled: Vec<&str> = BUNDLED.iter().map(|(name, _)| *name).collect();
        let missing: Vec<&String> = on_disk
            .iter()
            .filter(|f| !bundled.contains(&f.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "not in the bundle (build.rs did not rerun?): profiles/{}",
            missing
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", profiles/")
        );
        let stale: Vec<&&str> = bundled
            .iter()
            .filter(|b| !on_disk.iter().any(|f| f == **b))
            .collect();
        assert!(
            stale.is_empty(),
            "bundled but no longer in profiles/: {stale:?}"
        );
    }

    #[test]
    fn the_profile_directory_matches_the_bundle() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        let from_disk = load_profile_dir(&dir).unwrap();
        let bundled = bundled_profiles();
        for (disk, bundle) in from_disk.iter().zip(&bundled) {
            assert_eq!(
                disk,
                bundle,
                "profiles/{}.yaml differs from its bundled copy",
                disk.name()
            );
        }
        assert_eq!(from_disk, bundled);
    }

    #[test]
    fn a_new_version_is_a_new_file() {
        let tmp = tempfile::tempdir().unwrap();
        let text = bundled_text("mfw_nrf9160_1.3.6.yaml").replace("1.3.6", "1.3.7");
        std::fs::write(tmp.path().join("mfw_nrf9160_1.3.7.yaml"), text).unwrap();
        let loaded = load_profile_dir(tmp.path()).unwrap();
        assert_eq!(loaded.len(), 1);
        assert_eq!(loaded[0].name(), "mfw_nrf9160_1.3.7");
    }

    #[test]
    fn errors_name_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("mfw_nrf9160_9.9.9.yaml"), "mfw: [").unwrap();
        let e = load_profile_dir(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("mfw_nrf9160_9.9.9.yaml"), "{e}");
        std::fs::write(
            tmp.path().join("mfw_nrf9160_9.9.9.yaml"),
            bundled_text("mfw_nrf9160_1.3.6.yaml"),
        )
        .unwrap();
        let e = load_profile_dir(tmp.path()).unwrap_err();
        assert!(matches!(e, ProfileError::NameMismatch { .. }), "{e}");
    }
}
