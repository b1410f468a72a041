//! Where the lab keeps state between commands: `--state-dir DIR`, else `HIL_STATE_DIR`, else
//! the platform's per-user state directory + `hil` (`$XDG_STATE_HOME/hil`, usually
//! `~/.local/state/hil`, on Linux; the local data directory elsewhere). Board health lives in
//! its `health/` folder. The app layer reads the variable and passes its value in.

use std::path::{Path, PathBuf};

/// The environment variable naming the state directory.
pub const STATE_DIR_ENV: &str = "HIL_STATE_DIR";

/// The folder of health records inside the state directory.
pub const HEALTH_DIR: &str = "health";

/// No state directory could be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "no state directory: no per-user state directory is known on this platform (no home \
     directory?); pass --state-dir DIR or set {STATE_DIR_ENV}"
)]
pub struct StateDirError;

/// The state directory: `explicit` (`--state-dir`) if given, else `from_env` (the value of
/// `HIL_STATE_DIR`) if set and not empty, else `platform` + `hil`. Not created here.
pub fn resolve_from(
    explicit: Option<&Path>,
    from_env: Option<&Path>,
    platform: Option<PathBuf>,
) -> Result<PathBuf, StateDirError> {
    let given = explicit
        .or(from_env)
        .filter(|dir| !dir.as_os_str().is_empty());
    match (given, platform) {
        (Some(dir), _) => Ok(dir.to_path_buf()),
        (None, Some(dir)) => Ok(dir.join("hil")),
        (None, None) => Err(StateDirError),
    }
}

/// The platform's per-user state directory (without `hil`), when there is one.
pub fn platform_dir() -> Option<PathBuf> {
    dirs::state_dir().or_else(dirs::data_local_dir)
}

/// The health folder of `state_dir`.
pub fn health_dir(state_dir: &Path) -> PathBuf {
    state_dir.join(HEALTH_DIR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_wins_over_the_environment_and_the_platform() {
        let plat = || Some(PathBuf::from("plat"));
        let got = resolve_from(Some(Path::new("opt")), Some(Path::new("env")), plat());
        assert_eq!(got.unwrap(), PathBuf::from("opt"));
        let got = resolve_from(None, Some(Path::new("env")), plat());
        assert_eq!(got.unwrap(), PathBuf::from("env"));
        let got = resolve_from(None, Some(Path::new("")), plat());
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
    fn health_records_live_in_their_own_folder() {
        assert_eq!(health_dir(Path::new("s")), PathBuf::from("s/health"));
    }
}
