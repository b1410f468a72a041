//! Atomic file replacement: write a temporary file, then rename it over the target, so a
//! reader (or a killed run) only ever sees a complete old or new file.
//!
//! Temporary files go to a scratch directory ([`TMP_DIR`] under the report directory), never
//! beside the reports: a run killed mid-write (SIGKILL) leaves its temporary file there, and
//! the next run's [`crate::ReportDir::prepare`] removes the directory.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The scratch directory for temporary files, under a report directory.
pub const TMP_DIR: &str = ".hil-tmp";

/// The scratch directory for a file at `path` written on its own: [`TMP_DIR`] beside it.
pub fn tmp_dir_for(path: &Path) -> PathBuf {
    parent_of(path).join(TMP_DIR)
}

/// Replaces `path` with `contents` atomically, the temporary file in [`tmp_dir_for`]`(path)`.
pub fn write_atomically(path: &Path, contents: &[u8]) -> io::Result<()> {
    write_atomically_via(&tmp_dir_for(path), path, contents)
}

/// Replaces `path` with `contents` atomically, writing the temporary file in `tmp_dir` (on
/// the same filesystem as `path`); creates both directories as needed.
pub fn write_atomically_via(tmp_dir: &Path, path: &Path, contents: &[u8]) -> io::Result<()> {
    std::fs::create_dir_all(parent_of(path))?;
    std::fs::create_dir_all(tmp_dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix("hil-report-")
        .suffix(".tmp")
        .tempfile_in(tmp_dir)?;
    // Through the plain file: its errors do not carry the temporary file's absolute path.
    let file = tmp.as_file_mut();
    file.write_all(contents)?;
    file.flush()?;
    file.sync_data()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // tempfile creates 0600; reports are meant to be read by CI and web servers.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn parent_of(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temporary_files_beside_the_report() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("sub/report.xml");
        write_atomically(&target, b"one").unwrap();
        write_atomically(&target, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "two");
        let names = |p: &Path| -> Vec<String> {
            std::fs::read_dir(p)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        let mut leftovers = names(&dir.path().join("sub"));
        leftovers.sort();
        assert_eq!(leftovers, [TMP_DIR, "report.xml"]);
        assert!(names(&dir.path().join("sub").join(TMP_DIR)).is_empty());
    }

    #[test]
    fn the_temporary_file_goes_to_the_scratch_directory() {
        let dir = tempfile::tempdir().unwrap();
        let scratch = dir.path().join("scratch");
        let target = dir.path().join("a/b/t.txt");
        write_atomically_via(&scratch, &target, b"x").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"x");
        assert!(!dir.path().join("a/b").join(TMP_DIR).exists());
    }
}
