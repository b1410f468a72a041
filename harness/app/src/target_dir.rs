//! The cargo target directory, where `cargo test --test hil` writes its reports
//! (`<target>/hil-report`).
//!
//! Cargo does not tell a test binary where its target directory is (`CARGO_TARGET_DIR` reaches
//! the test only when the user exported it, and not when it was set in `.cargo/config.toml`;
//! a relative value is relative to where cargo ran, not to the test's working directory). The
//! test binary's own path does tell: cargo builds it at `<target>[/<triple>]/<profile>/deps/`,
//! and marks `<target>` with a `CACHEDIR.TAG` file — but only when cargo created the directory
//! itself (CI that makes `target/ci-venv` first gets none), so cargo's rustc cache file
//! `.rustc_info.json`, written at the top of every target directory it uses, counts too. So, in
//! order:
//! 1. the nearest ancestor of the running executable holding either marker;
//! 2. `CARGO_TARGET_DIR` (a relative value taken against the workspace root);
//! 3. `<workspace root>/target`.

use std::path::{Path, PathBuf};

/// The file cargo puts at the top of a target directory it created.
pub const TARGET_DIR_MARKER: &str = "CACHEDIR.TAG";

/// The rustc cache cargo writes at the top of every target directory it builds into.
pub const RUSTC_INFO_MARKER: &str = ".rustc_info.json";

/// The report directory of `cargo test --test hil` inside the target directory.
pub const LIBTEST_REPORT_DIR: &str = "hil-report";

/// The cargo target directory the running executable was built into (see the module docs).
pub fn target_dir(exe: Option<&Path>, cargo_target_dir: Option<&Path>, root: &Path) -> PathBuf {
    if let Some(dir) = exe.and_then(marked_ancestor) {
        return dir;
    }
    match cargo_target_dir {
        Some(dir) if dir.is_absolute() => dir.to_path_buf(),
        Some(dir) => root.join(dir),
        None => root.join("target"),
    }
}

/// The nearest ancestor of `exe` holding [`TARGET_DIR_MARKER`] or [`RUSTC_INFO_MARKER`].
fn marked_ancestor(exe: &Path) -> Option<PathBuf> {
    exe.ancestors()
        .skip(1)
        .find(|dir| {
            [TARGET_DIR_MARKER, RUSTC_INFO_MARKER]
                .iter()
                .any(|marker| dir.join(marker).is_file())
        })
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A target directory as cargo lays it out, with a test binary in it.
    fn cargo_layout(target: &Path, under: &str) -> PathBuf {
        let deps = target.join(under).join("deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(
            target.join(TARGET_DIR_MARKER),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .unwrap();
        let exe = deps.join("hil-0123456789abcdef");
        std::fs::write(&exe, "").unwrap();
        exe
    }

    #[test]
    fn the_executable_says_where_the_target_dir_is() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("elsewhere/tgt");
        let root = tmp.path().join("repo");
        for under in ["debug", "release", "x86_64-unknown-linux-gnu/debug"] {
            let exe = cargo_layout(&target, under);
            // It wins over a CARGO_TARGET_DIR the test cannot interpret (relative to where
            // cargo ran) and over the workspace's own target directory.
            assert_eq!(
                target_dir(Some(&exe), Some(Path::new("tgt")), &root),
                target,
                "{under}"
            );
            assert_eq!(target_dir(Some(&exe), None, &root), target, "{under}");
        }
    }

    #[test]
    fn a_target_dir_made_before_cargo_is_known_by_its_rustc_cache() {
        let tmp = tempfile::tempdir().unwrap();
        let target = tmp.path().join("target");
        let deps = target.join("debug/deps");
        std::fs::create_dir_all(&deps).unwrap();
        std::fs::write(target.join(RUSTC_INFO_MARKER), "{}").unwrap();
        let exe = deps.join("hil-0123456789abcdef");
        std::fs::write(&exe, "").unwrap();
        assert_eq!(target_dir(Some(&exe), None, tmp.path()), target);
    }

    #[test]
    fn without_a_marked_ancestor_cargo_target_dir_then_the_workspace_target() {
        let tmp = tempfile::tempdir().unwrap();
        let exe = tmp.path().join("bin/hil");
        let root = tmp.path().join("repo");
        let absolute = tmp.path().join("ctd");
        assert_eq!(target_dir(Some(&exe), Some(&absolute), &root), absolute);
        assert_eq!(
            target_dir(Some(&exe), Some(Path::new("rel")), &root),
            root.join("rel")
        );
        assert_eq!(target_dir(Some(&exe), None, &root), root.join("target"));
        assert_eq!(target_dir(None, None, &root), root.join("target"));
    }
}
