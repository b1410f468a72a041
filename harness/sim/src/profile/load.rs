//! Loading profiles: the bundled YAML files and any directory of `*.yaml` at run time.

use std::path::{Path, PathBuf};

use super::Profile;

/// The profiles shipped in `harness/sim/profiles/`, compiled in.
const BUNDLED: &[(&str, &str)] = &[
    (
        "mfw_nrf9160_0.7.0-29.alpha.yaml",
        include_str!("../../profiles/mfw_nrf9160_0.7.0-29.alpha.yaml"),
    ),
    (
        "mfw_nrf9160_1.2.3.yaml",
        include_str!("../../profiles/mfw_nrf9160_1.2.3.yaml"),
    ),
    (
        "mfw_nrf9160_1.3.1.yaml",
        include_str!("../../profiles/mfw_nrf9160_1.3.1.yaml"),
    ),
    (
        "mfw_nrf9160_1.3.6.yaml",
        include_str!("../../profiles/mfw_nrf9160_1.3.6.yaml"),
    ),
    (
        "mfw_nrf91x1_2.0.0.yaml",
        include_str!("../../profiles/mfw_nrf91x1_2.0.0.yaml"),
    ),
    (
        "mfw_nrf91x1_2.0.2.yaml",
        include_str!("../../profiles/mfw_nrf91x1_2.0.2.yaml"),
    ),
];

/// Why a profile could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{origin}: {reason}")]
    Invalid { origin: String, reason: String },
    #[error("{origin}: file is named `{stem}` but describes `{mfw}`")]
    NameMismatch {
        origin: String,
        stem: String,
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

/// All bundled profiles, in version order.
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

/// Loads every `*.yaml` in `dir` (not recursive), sorted by file name.
pub fn load_profile_dir(dir: &Path) -> Result<Vec<Profile>, ProfileError> {
    let io = |source| ProfileError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml") && p.is_file())
        .collect();
    paths.sort();
    paths.iter().map(|p| load_profile(p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_profile_parses_and_is_named_after_its_firmware() {
        let all = bundled_profiles();
        assert_eq!(all.len(), BUNDLED.len());
        for p in &all {
            assert_eq!(bundled_profile(&p.name()).as_ref(), Some(p));
        }
    }

    #[test]
    fn the_profile_directory_matches_the_bundle() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
        let from_disk = load_profile_dir(&dir).unwrap();
        assert_eq!(from_disk, bundled_profiles());
    }

    #[test]
    fn a_new_version_is_a_new_file() {
        let tmp = tempfile::tempdir().unwrap();
        let text = BUNDLED[3].1.replace("1.3.6", "1.3.7");
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
        std::fs::write(tmp.path().join("mfw_nrf9160_9.9.9.yaml"), BUNDLED[3].1).unwrap();
        let e = load_profile_dir(tmp.path()).unwrap_err();
        assert!(matches!(e, ProfileError::NameMismatch { .. }), "{e}");
    }
}
