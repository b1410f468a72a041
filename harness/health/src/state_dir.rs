//! Where board health lives: the `health/` folder of the lab's state directory. The state
//! directory itself is resolved by `hil_lease::state_dir` (`--state-dir`, else `HIL_STATE_DIR`,
//! else the platform's per-user state directory + `hil`), re-exported here so every piece of lab
//! state follows one rule.

use std::path::{Path, PathBuf};

pub use hil_lease::state_dir::{STATE_DIR_ENV, StateDirError, platform_dir, resolve_from};

/// The folder of health records inside the state directory.
pub const HEALTH_DIR: &str = "health";

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
