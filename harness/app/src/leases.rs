//! The lease request of a command: the state directory (`--state-dir`, else `HIL_STATE_DIR`,
//! else the per-user state directory), who holds the leases (program, pid, host, start time,
//! `HIL_RUN_ID`), whether to wait for leased boards (`--wait-for-boards`), and the progress
//! line a waiting command prints on stderr.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hil_lease::{Holder, Interrupt, LeaseRequest, StateDirError, Wait, state_dir};

use crate::env::{Env, HIL_RUN_ID, HIL_STATE_DIR, HOSTNAME};

/// The state directory: `explicit` (`--state-dir`), else `HIL_STATE_DIR`, else the platform's
/// per-user state directory + `hil` — all three as `env` holds them. The one resolver the
/// commands use (leases, health, run history).
pub fn state_dir(explicit: Option<&Path>, env: &Env) -> Result<PathBuf, StateDirError> {
    state_dir::resolve_from(
        explicit,
        env.path(HIL_STATE_DIR).as_deref(),
        env.platform_state_dir().map(Path::to_path_buf),
    )
}

/// The lease request of `program` (e.g. `hil run`): in `explicit` or the environment's state
/// directory, waiting up to `wait` for leased boards (not at all when `None`).
pub fn lease_request(
    program: &str,
    explicit: Option<&Path>,
    wait: Option<Duration>,
    env: &Env,
) -> LeaseRequest {
    let mut holder = Holder::this_process(program, env.text(HIL_RUN_ID));
    if let Some(host) = env.text(HOSTNAME).filter(|_| holder.host == "localhost") {
        holder = holder.with_host(host);
    }
    LeaseRequest {
        state_dir: state_dir(explicit, env),
        holder,
        wait: wait.map_or(Wait::Never, Wait::For),
        on_wait: Arc::new(|waiting| eprintln!("{waiting}")),
        interrupt: Interrupt::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_beats_the_variable() {
        let env = Env::default().with_var(HIL_STATE_DIR, "/from/env");
        assert_eq!(
            state_dir(Some(Path::new("/opt")), &env).unwrap(),
            PathBuf::from("/opt")
        );
        assert_eq!(state_dir(None, &env).unwrap(), PathBuf::from("/from/env"));
    }

    #[test]
    fn the_platform_directory_is_the_snapshots() {
        let env = Env::default().with_platform_state_dir("/home/u/.local/state");
        assert_eq!(
            state_dir(None, &env).unwrap(),
            PathBuf::from("/home/u/.local/state/hil")
        );
        // An environment built by hand has none: nothing falls back to the user's own.
        assert_eq!(state_dir(None, &Env::default()), Err(StateDirError));
    }

    #[test]
    fn the_request_names_program_run_and_wait() {
        let env = Env::default()
            .with_var(HIL_STATE_DIR, "/s")
            .with_var(HIL_RUN_ID, "nightly-7");
        let req = lease_request("hil run", None, Some(Duration::from_secs(120)), &env);
        assert_eq!(req.holder.program, "hil run");
        assert_eq!(req.holder.run_id.as_deref(), Some("nightly-7"));
        assert_eq!(req.wait, Wait::For(Duration::from_secs(120)));
        assert_eq!(req.state_dir.unwrap(), PathBuf::from("/s"));
        let req = lease_request("hil psu", None, None, &Env::default());
        assert_eq!(req.wait, Wait::Never);
        assert_eq!(req.holder.run_id, None);
    }
}
