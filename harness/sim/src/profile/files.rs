//! Which files of a profile directory are profiles: every regular `*.yaml` file not starting with
//! a dot, in file-name order. Shared by the build script (the bundle compiled into the crate) and
//! [`load_profile_dir`](super::load_profile_dir), so both see the same set.

use std::io;
use std::path::{Path, PathBuf};

/// The profile files of `dir` (not recursive), sorted by file name.
pub fn profile_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if is_profile_name(&path) && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    Ok(paths)
}

/// Whether the file name says "profile": ends in `.yaml` and is not hidden (editor swap and lock
/// files start with a dot).
fn is_profile_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|f| f.to_str())
        .is_some_and(|f| f.ends_with(".yaml") && !f.starts_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_files_only_sorted_without_hidden_files_or_directories() {
        let tmp = tempfile::tempdir().unwrap();
        for name in ["b.yaml", "a.yaml", ".#a.yaml", "notes.md", "c.yml"] {
            std::fs::write(tmp.path().join(name), "").unwrap();
        }
        std::fs::create_dir(tmp.path().join("d.yaml")).unwrap();
        let names: Vec<_> = profile_files(tmp.path())
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.yaml", "b.yaml"]);
    }

    #[test]
    fn a_missing_directory_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        assert!(profile_files(&tmp.path().join("nope")).is_err());
    }
}
