//! Where the harness keeps state between runs (the run history, and anything else that must
//! outlive a run): `--state-dir DIR`, else `HIL_STATE_DIR`, else the platform's per-user state
//! directory + `hil` (`$XDG_STATE_HOME/hil`, usually `~/.local/state/hil`, on Linux; the local
//! data directory elsewhere).

use std::path::{Path, PathBuf};

use crate::error::HistoryError;

/// The environment variable naming the state directory.
pub const STATE_DIR_ENV: &str = hil_lease::STATE_DIR_ENV;

/// The history database's file name inside the state directory.
pub const HISTORY_FILE: &str = "history.sqlite";

/// The state directory: `explicit` (a `--state-dir` option) if given, else `HIL_STATE_DIR`
/// if set and not empty, else the platform's per-user state directory + `hil`.
/// The directory is not created here.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, HistoryError> {
    let from_env = std::env::var_os(STATE_DIR_ENV).filter(|v| !v.is_empty());
    resolve_from(
        explicit,
        from_env.as_deref().map(Path::new),
        hil_lease::state_dir::platform_dir(),
    )
}

/// The history database path in `state_dir`.
pub fn history_path(state_dir: &Path) -> PathBuf {
    state_dir.join(HISTORY_FILE)
}

/// [`resolve`] with its inputs given (testable without touching the environment): the lab's one
/// rule, `hil_lease::state_dir::resolve_from`.
fn resolve_from(
    explicit: Option<&Path>,
    from_env: Option<&Path>,
    platform: Option<PathBuf>,
) -> Result<PathBuf, HistoryError> {
    hil_lease::state_dir::resolve_from(explicit, from_env, platform)
        .map_err(|e| HistoryError::NoStateDir(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_wins_over_the_environment_and_the_platform() {
        let got = resolve_from(
            Some(Path::new("opt")),
            Some(Path::new("env")),
            Some("plat".into()),
        );
        assert_eq!(got.unwrap(), PathBuf::from("opt"));
        let got = resolve_from(None, Some(Path::new("env")), Some("plat".into()));
        assert_eq!(got.unwrap(), PathBuf::from("env"));
        let got = resolve_from(None, None, Some("plat".into()));
        assert_eq!(got.unwrap(), PathBuf::from("plat/hil"));
    }

    #[test]
    fn no_directory_at_all_is_a_clear_error() {
        let err = resolve_from(None, None, None).unwrap_err().to_string();
        assert!(
            err.contains("--state-dir") && err.contains(STATE_DIR_ENV),
            "{err}"
        );
    }

    #[test]
    fn the_history_file_is_inside_the_state_dir() {
        assert_eq!(
            history_path(Path::new("s")),
            PathBuf::from("s/history.sqlite")
        );
    }
}
