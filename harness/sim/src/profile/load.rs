//! Loading profiles: the bundled YAML files and any directory of `*.yaml` at run time.

use std::path::{Path, PathBuf};

use super::Profile;
use super::files::profile_files;
use super::locate::{leading_path, line_of};

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
    #[error("profile directory {}: {source}", path.display())]
    /// A profile directory could not be listed.
    Dir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    #[error("{origin}{}: {reason}", place(*line, *column))]
    /// The profile is not valid.
    Invalid {
        /// Where the profile came from (file or bundled name).
        origin: String,
        /// 1-based line of the offending value, when known.
        line: Option<usize>,
        /// 1-based column of the offending value, when known.
        column: Option<usize>,
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

/// `:line:column`, `:line` or nothing.
fn place(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

/// A YAML error at the place `serde_yaml_ng` knows (its ` at line L column C` suffix moved
/// to the front, `file:L:C: …`, as rack-file errors read).
fn yaml_error(origin: &str, e: &serde_yaml_ng::Error) -> ProfileError {
    let mut reason = e.to_string();
    let (line, column) = match e.location() {
        Some(loc) => {
            let suffix = format!(" at line {} column {}", loc.line(), loc.column());
            if reason.ends_with(&suffix) {
                reason.truncate(reason.len() - suffix.len());
            }
            (Some(loc.line()), Some(loc.column()))
        }
        None => (None, None),
    };
    ProfileError::Invalid {
        origin: origin.to_string(),
        line,
        column,
        reason,
    }
}

/// Parses one profile from YAML text; `origin` names it in errors (a path or file name). A
/// consistency error is placed at the line of the field it names ([`line_of`]).
pub fn parse_profile(text: &str, origin: &str) -> Result<Profile, ProfileError> {
    let profile: Profile = serde_yaml_ng::from_str(text).map_err(|e| yaml_error(origin, &e))?;
    profile.validate().map_err(|reason| ProfileError::Invalid {
        origin: origin.to_string(),
        line: line_of(text, leading_path(&reason)),
        column: None,
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
    Ok(load_profile_files(dir)?
        .into_iter()
        .map(|(_, p)| p)
        .collect())
}

/// [`load_profile_dir`] with the path of each file (`dir` joined with the file name, so a
/// relative `dir` gives relative paths).
pub fn load_profile_files(dir: &Path) -> Result<Vec<(PathBuf, Profile)>, ProfileError> {
    let paths = profile_files(dir).map_err(|source| ProfileError::Dir {
        path: dir.to_path_buf(),
        source,
    })?;
    paths
        .into_iter()
        .map(|p| load_profile(&p).map(|profile| (p, profile)))
        .collect()
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
    fn errors_name_the_file_and_line() {
        let text = bundled_text("mfw_nrf9160_1.3.6.yaml");
        let typo = text.replace("  one_shot: false", "  one_shoot: false");
        let e = parse_profile(&typo, "p/mfw_nrf9160_1.3.6.yaml").unwrap_err();
        let line = 1 + typo.lines().position(|l| l.contains("one_shoot")).unwrap();
        let shown = e.to_string();
        assert!(
            shown.starts_with(&format!("p/mfw_nrf9160_1.3.6.yaml:{line}:")),
            "{shown}"
        );
        assert!(shown.contains("one_shoot"), "{shown}");
        assert!(
            !shown.contains(" at line "),
            "the place is said once: {shown}"
        );
        // A consistency error is placed at the field it names.
        let bad = text.replace("  cgmr: mfw_nrf9160_1.3.6", "  cgmr: mfw_nrf9160_1.3.5");
        let e = parse_profile(&bad, "mfw_nrf9160_1.3.6.yaml").unwrap_err();
        let line = 1 + bad.lines().position(|l| l.contains("cgmr:")).unwrap();
        assert!(
            e.to_string()
                .starts_with(&format!("mfw_nrf9160_1.3.6.yaml:{line}: identity.cgmr")),
            "{e}"
        );
    }

    #[test]
    fn files_come_with_their_paths_as_given() {
        let tmp = tempfile::tempdir().unwrap();
        let text = bundled_text("mfw_nrf9160_1.3.6.yaml").replace("1.3.6", "1.3.7");
        std::fs::write(tmp.path().join("mfw_nrf9160_1.3.7.yaml"), text).unwrap();
        let files = load_profile_files(tmp.path()).unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].0, tmp.path().join("mfw_nrf9160_1.3.7.yaml"));
        assert_eq!(files[0].1.name(), "mfw_nrf9160_1.3.7");
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
