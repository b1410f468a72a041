//! Where a run comes from, recorded in every report: the workspace root (where the CI firmware
//! build is looked for), the git commit and the host.

use std::path::{Path, PathBuf};

use hil_runner::RunInfo;

use crate::env::{COMMIT_VARS, Env, HOSTNAME};

/// What a run records about where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// The workspace root: the nearest ancestor of the current directory holding
    /// `firmware-under-test/`, else the one this crate was built in.
    pub workspace_root: PathBuf,
    /// The commit a CI system named (`GITHUB_SHA`, `CI_COMMIT_SHA`, `GIT_COMMIT`, first set).
    pub ci_commit: Option<String>,
    /// `HOSTNAME`, used when the kernel does not name the host.
    pub host_fallback: Option<String>,
}

impl Provenance {
    /// Read from `env`.
    pub fn from_env(env: &Env) -> Provenance {
        Provenance {
            workspace_root: workspace_root(env.cwd()),
            ci_commit: COMMIT_VARS.iter().find_map(|name| env.text(name)),
            host_fallback: env.text(HOSTNAME),
        }
    }

    /// `info` with the commit (CI's, else the checkout's `HEAD`) and the host filled in.
    pub fn stamp(&self, mut info: RunInfo) -> RunInfo {
        if let Some(commit) = self
            .ci_commit
            .clone()
            .or_else(|| git_commit(&self.workspace_root))
        {
            info = info.with_git_commit(commit);
        }
        match &self.host_fallback {
            Some(host) if info.host == "localhost" => info.with_host(host.clone()),
            _ => info,
        }
    }
}

/// The nearest ancestor of `cwd` holding `firmware-under-test/`, else the workspace this crate
/// was built in.
pub fn workspace_root(cwd: Option<&Path>) -> PathBuf {
    cwd.into_iter()
        .flat_map(Path::ancestors)
        .find(|dir| dir.join("firmware-under-test").is_dir())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The git commit of the checkout at `root`, when it is one.
pub fn git_commit(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_root_is_the_nearest_ancestor_with_the_firmware() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("firmware-under-test")).unwrap();
        let deep = tmp.path().join("suites/src");
        std::fs::create_dir_all(&deep).unwrap();
        assert_eq!(workspace_root(Some(&deep)), tmp.path());
    }

    #[test]
    fn without_one_it_is_the_workspace_this_crate_was_built_in() {
        let tmp = tempfile::tempdir().unwrap();
        let root = workspace_root(Some(tmp.path()));
        assert!(root.join("harness/app/Cargo.toml").is_file(), "{root:?}");
        assert_eq!(workspace_root(None), root);
    }

    #[test]
    fn the_ci_commit_comes_first_in_variable_order() {
        let env = Env::default()
            .with_var("GIT_COMMIT", "ccc")
            .with_var("CI_COMMIT_SHA", "bbb");
        let p = Provenance::from_env(&env);
        assert_eq!(p.ci_commit.as_deref(), Some("bbb"));
        let info = p.stamp(RunInfo::new("r"));
        assert_eq!(info.git_commit.as_deref(), Some("bbb"));
    }

    #[test]
    fn hostname_only_stands_in_for_an_unknown_host() {
        let p = Provenance {
            host_fallback: Some("bench-7".into()),
            ..Provenance::from_env(&Env::default())
        };
        let unknown = RunInfo::new("r").with_host("localhost");
        assert_eq!(p.stamp(unknown).host, "bench-7");
        let known = RunInfo::new("r").with_host("rack-host");
        assert_eq!(p.stamp(known).host, "rack-host");
    }
}
