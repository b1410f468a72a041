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
    #[error("no bundled profile `{name}` (bundled: {})", known.join(", "))]
    /// No bundled profile has this name.
    NotBundled {
        /// The name asked for.
        name: String,
        /// The bundled profiles' names.
        known: Vec<String>,
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

/// Where the bundled profiles come from, relative to the repository root: how errors name a
/// bundled file, so a mistake in a newly added one points at the file to fix.
pub const BUNDLE_DIR: &str = "harness/sim/profiles";

/// All bundled profiles, in file-name order; a file that does not parse (the bundle is
/// compiled in unchecked beyond its `mfw:` line) is an error naming it (`harness/sim/profiles/…`).
pub fn bundled_profiles() -> Result<Vec<Profile>, ProfileError> {
    parse_bundle(BUNDLED)
}

/// The names of the bundled profiles (their file stems, `mfw_nrf9160_1.3.6`), in file-name
/// order, without parsing them: a file's stem is its profile's name once it loads.
pub fn bundled_names() -> Vec<String> {
    BUNDLED
        .iter()
        .filter_map(|(file, _)| file.strip_suffix(".yaml"))
        .map(str::to_owned)
        .collect()
}

/// The bundled profile named `name` (e.g. `mfw_nrf9160_1.3.6`): [`ProfileError::NotBundled`]
/// when there is none, the parse error naming the file when it is broken.
pub fn bundled_profile(name: &str) -> Result<Profile, ProfileError> {
    let (file, text) = BUNDLED
        .iter()
        .find(|(file, _)| file.strip_suffix(".yaml") == Some(name))
        .ok_or_else(|| ProfileError::NotBundled {
            name: name.to_owned(),
            known: bundled_names(),
        })?;
    parse_profile(text, &bundled_origin(file))
}

/// A firmware name of `base`'s chip and minor version with the lowest higher patch no bundled
/// profile has (`mfw_nrf9160_1.3.6` → `mfw_nrf9160_1.3.7` while 1.3.7 is not bundled): the
/// name a test or an example adding a profile file can use whichever profiles are bundled.
/// `None` when `base` does not end in a numeric patch version.
pub fn unbundled_successor(base: &str) -> Option<String> {
    let (stem, patch) = base.rsplit_once('.')?;
    let patch: u32 = patch.parse().ok()?;
    let bundled = bundled_names();
    (patch.checked_add(1)?..=u32::MAX)
        .map(|p| format!("{stem}.{p}"))
        .find(|name| !bundled.contains(name))
}

/// `harness/sim/profiles/<file>`.
fn bundled_origin(file: &str) -> String {
    format!("{BUNDLE_DIR}/{file}")
}

/// Parses a table of (file name, text) as the bundle is.
fn parse_bundle(bundle: &[(&str, &str)]) -> Result<Vec<Profile>, ProfileError> {
    bundle
        .iter()
        .map(|(file, text)| parse_profile(text, &bundled_origin(file)))
        .collect()
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
        let all = bundled_profiles().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all.len(), BUNDLED.len());
        let names: Vec<String> = all.iter().map(Profile::name).collect();
        assert_eq!(names, bundled_names());
        for p in &all {
            assert_eq!(bundled_profile(&p.name()).ok().as_ref(), Some(p));
        }
    }

    #[test]
    fn a_name_not_bundled_is_an_error_listing_the_bundled_ones() {
        let e = bundled_profile("mfw_nrf9160_9.9.9").unwrap_err();
        assert!(matches!(e, ProfileError::NotBundled { .. }), "{e}");
        let shown = e.to_string();
        assert!(
            shown.starts_with("no bundled profile `mfw_nrf9160_9.9.9`"),
            "{shown}"
        );
        for name in bundled_names() {
            assert!(shown.contains(&name), "{shown}");
        }
    }

    /// A broken file in the bundle (here a copy renamed to 1.3.7 whose `mfw:` still says
    /// 1.3.6, and one with a typo) is an error naming it under `harness/sim/profiles/`, never a
    /// panic.
    #[test]
    fn a_broken_bundled_profile_is_an_error_naming_its_file() {
        let good = bundled_text("mfw_nrf9160_1.3.6.yaml");
        let renamed = [
            ("mfw_nrf9160_1.3.6.yaml", good),
            ("mfw_nrf9160_1.3.7.yaml", good),
        ];
        let e = parse_bundle(&renamed).unwrap_err();
        assert!(matches!(e, ProfileError::NameMismatch { .. }), "{e}");
        assert_eq!(
            e.to_string(),
            "harness/sim/profiles/mfw_nrf9160_1.3.7.yaml: file is named `mfw_nrf9160_1.3.7` \
             but describes `mfw_nrf9160_1.3.6`"
        );
        let typo = good.replace("  one_shot: false", "  one_shoot: false");
        let e = parse_bundle(&[("mfw_nrf9160_1.3.6.yaml", &typo)])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("harness/sim/profiles/mfw_nrf9160_1.3.6.yaml:")
                && e.contains("one_shoot"),
            "{e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
    }

    #[test]
    fn an_unbundled_successor_is_not_bundled_and_follows_its_base() {
        let next = unbundled_successor("mfw_nrf9160_1.3.6").unwrap();
        assert!(!bundled_names().contains(&next), "{next}");
        let patch: u32 = next
            .strip_prefix("mfw_nrf9160_1.3.")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("{next}"));
        assert!(patch > 6, "{next}");
        // Every patch between the base and the successor is bundled.
        for p in 7..patch {
            assert!(bundled_names().contains(&format!("mfw_nrf9160_1.3.{p}")));
        }
        assert_eq!(unbundled_successor("mfw_nrf9160_0.7.0-29.alpha"), None);
        assert_eq!(unbundled_successor(&format!("x.{}", u32::MAX)), None);
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
        let bundled = bundled_profiles().unwrap();
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
