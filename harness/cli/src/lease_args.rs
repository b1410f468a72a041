//! The board-lease options every command that touches boards takes (`--state-dir`,
//! `--wait-for-boards`), and taking leases for the commands that do not bring a whole lab up
//! (`hil at`, `hil psu`). A board leased by someone else is a configuration error (exit 2)
//! naming the board and its holder.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use hil_lease::{BoardClaim, Leases};

use crate::exit::config_error;

#[derive(Debug, Clone, Default, Args)]
pub struct LeaseArgs {
    /// Where lab state (board leases) lives (default: `HIL_STATE_DIR`, else the per-user state
    /// directory, e.g. ~/.local/state/hil).
    #[arg(long, value_name = "DIR", global = true)]
    pub state_dir: Option<PathBuf>,

    /// Wait up to SECS for boards another command holds, instead of failing at once.
    #[arg(long, value_name = "SECS", global = true, value_parser = parse_wait)]
    pub wait_for_boards: Option<Duration>,
}

fn parse_wait(s: &str) -> Result<Duration, String> {
    match s.parse::<u64>() {
        Ok(secs) if secs <= 7 * 24 * 3600 => Ok(Duration::from_secs(secs)),
        _ => Err(format!("`{s}` is not a number of seconds (0 to 604800)")),
    }
}

impl LeaseArgs {
    /// Takes the leases of `claims` for `program`, all or nothing.
    pub fn take(&self, program: &str, claims: &[BoardClaim]) -> anyhow::Result<Leases> {
        let request = hil_app::lease_request(
            program,
            self.state_dir.as_deref(),
            self.wait_for_boards,
            &hil_app::Env::capture(),
        );
        request.acquire(claims).map_err(config_error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_are_whole_seconds() {
        assert_eq!(parse_wait("120"), Ok(Duration::from_secs(120)));
        assert!(parse_wait("-1").is_err());
        assert!(parse_wait("1.5").unwrap_err().contains("seconds"));
    }
}
