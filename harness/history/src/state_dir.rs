//! Where the harness keeps state between runs (the run history, and anything else that must
//! outlive a run): `--state-dir DIR`, else `HIL_STATE_DIR`, else the platform's per-user state
//! directory + `hil` (`$XDG_STATE_HOME/hil`, usually `~/.local/state/hil`, on Linux; the local
//! data directory elsewhere) — the lab's one rule, `hil_lease::state_dir::resolve_from`.
//!
//! Nothing here reads the environment: the caller passes `HIL_STATE_DIR`'s value and the
//! platform directory (the app layer, `hil_app::state_dir`, takes both from its environment
//! snapshot).

use std::path::{Path, PathBuf};

use crate::error::HistoryError;

/// The environment variable naming the state directory.
pub const STATE_DIR_ENV: &str = hil_lease::STATE_DIR_ENV;

/// The history database's file name inside the state directory.
pub const HISTORY_FILE: &str = "history.sqlite";

/// The history database path in `state_dir`.
pub fn history_path(state_dir: &Path) -> PathBuf {
    state_dir.join(HISTORY_FILE)
}

/// The state directory: `explicit` (a `--state-dir` option) if given, else `from_env` (the
/// value of `HIL_STATE_DIR`, as the caller read it) if set and not empty, else `platform` (the
/// platform's per-user state directory, e.g. `hil_lease::state_dir::platform_dir()`) + `hil`.
/// The directory is not created here.
pub fn resolve_from(
    explicit: Option<&Path>,
    from_env: Option<&Path>,
    platform: Option<PathBuf>,
) -> Result<PathBuf, HistoryError> {
    Ok(hil_lease::state_dir::resolve_from(
        explicit, from_env, platform,
    )?)
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
    fn no_directory_carries_the_lease_crates_error() {
        let err = resolve_from(None, None, None).unwrap_err();
        assert!(
            matches!(err, HistoryError::NoStateDir(hil_lease::StateDirError)),
            "{err:?}"
        );
        // Said once, not "no state directory: no state directory: …".
        assert_eq!(err.to_string(), hil_lease::StateDirError.to_string());
    }

    #[test]
    fn the_history_file_is_inside_the_state_dir() {
        assert_eq!(
            history_path(Path::new("s")),
            PathBuf::from("s/history.sqlite")
        );
    }
}
