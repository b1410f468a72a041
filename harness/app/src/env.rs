//! A snapshot of the process environment the harness reads: the variables below, the current
//! directory, the running executable, the temporary directory, the platform's per-user state
//! directory (from `HOME`/`XDG_STATE_HOME`) and whether stderr is a terminal. [`Env::capture`] is the
//! only place in the harness that reads them; everything else takes values. Tests build an
//! [`Env`] by hand.

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// A rack file to use instead of the simulated rack (`--rack` wins).
pub const HIL_RACK: &str = "HIL_RACK";
/// Timing of simulated DUTs, `fast` or `realistic` (`--timing` wins).
pub const HIL_TIMING: &str = "HIL_TIMING";
/// Where reports go (`--report-dir` wins).
pub const HIL_REPORT_DIR: &str = "HIL_REPORT_DIR";
/// Extra attempts for a failed or errored trial (`--retries` wins).
pub const HIL_RETRIES: &str = "HIL_RETRIES";
/// A prebuilt firmware image to flash (`--firmware` wins; the rack file's image comes after).
pub const FUT_ELF: &str = "FUT_ELF";
/// Where lab state (board leases) lives (`--state-dir` wins; default: the per-user state
/// directory).
pub const HIL_STATE_DIR: &str = "HIL_STATE_DIR";
/// The console port of `hil at` when none is chosen on the command line (`--port` wins;
/// `--dut` or `--labgrid`/`--place` choose another console instead).
pub const HIL_PORT: &str = "HIL_PORT";
/// Names the run in board leases, e.g. a CI job id, so others see whom they wait for.
pub const HIL_RUN_ID: &str = "HIL_RUN_ID";
/// The cargo target directory, when the user set it.
pub const CARGO_TARGET_DIR: &str = "CARGO_TARGET_DIR";
/// Set on CI machines: progress is plain lines, not bars.
pub const CI: &str = "CI";
/// The host name, when the kernel does not say.
pub const HOSTNAME: &str = "HOSTNAME";
/// The labgrid coordinator, `HOST[:PORT]`, when `--place`/`--place-tag` are given without
/// `--labgrid` (labgrid-client reads the same variable).
pub const LG_COORDINATOR: &str = "LG_COORDINATOR";
/// The user in the labgrid session name `host/user` (as labgrid-client; else `USER`).
pub const LG_USERNAME: &str = "LG_USERNAME";
/// The host in the labgrid session name (as labgrid-client; else the host name).
pub const LG_HOSTNAME: &str = "LG_HOSTNAME";
/// An ssh client configuration file (`ssh -F`) for flashing labgrid places over SSH, e.g.
/// with `IdentityFile` and `UserKnownHostsFile`; unset uses the user's own ssh configuration.
pub const HIL_SSH_CONFIG: &str = "HIL_SSH_CONFIG";
/// The login name.
pub const USER: &str = "USER";
/// The git commit, as CI systems name it (first set wins).
pub const COMMIT_VARS: [&str; 3] = ["GITHUB_SHA", "CI_COMMIT_SHA", "GIT_COMMIT"];

/// Every variable [`Env::capture`] reads.
pub const VARS: [&str; 19] = [
    HIL_RACK,
    HIL_TIMING,
    HIL_REPORT_DIR,
    HIL_RETRIES,
    HIL_STATE_DIR,
    HIL_PORT,
    HIL_RUN_ID,
    FUT_ELF,
    CARGO_TARGET_DIR,
    CI,
    HOSTNAME,
    LG_COORDINATOR,
    LG_USERNAME,
    LG_HOSTNAME,
    HIL_SSH_CONFIG,
    USER,
    COMMIT_VARS[0],
    COMMIT_VARS[1],
    COMMIT_VARS[2],
];

/// What the harness reads from its environment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Env {
    vars: BTreeMap<String, OsString>,
    cwd: Option<PathBuf>,
    exe: Option<PathBuf>,
    temp_dir: Option<PathBuf>,
    platform_state_dir: Option<PathBuf>,
    stderr_terminal: bool,
}

impl Env {
    /// The process environment, read now.
    pub fn capture() -> Env {
        let mut env = Env {
            cwd: std::env::current_dir().ok(),
            exe: std::env::current_exe().ok(),
            temp_dir: Some(std::env::temp_dir()),
            platform_state_dir: hil_lease::state_dir::platform_dir(),
            stderr_terminal: std::io::stderr().is_terminal(),
            ..Env::default()
        };
        for name in VARS {
            if let Some(value) = std::env::var_os(name) {
                env.vars.insert(name.to_string(), value);
            }
        }
        env
    }

    /// With `name` set to `value`.
    pub fn with_var(mut self, name: &str, value: impl Into<OsString>) -> Env {
        self.vars.insert(name.to_string(), value.into());
        self
    }

    /// With this current directory.
    pub fn with_cwd(mut self, cwd: impl Into<PathBuf>) -> Env {
        self.cwd = Some(cwd.into());
        self
    }

    /// With this running executable.
    pub fn with_exe(mut self, exe: impl Into<PathBuf>) -> Env {
        self.exe = Some(exe.into());
        self
    }

    /// With this temporary directory.
    pub fn with_temp_dir(mut self, dir: impl Into<PathBuf>) -> Env {
        self.temp_dir = Some(dir.into());
        self
    }

    /// With this platform per-user state directory (without `hil`).
    pub fn with_platform_state_dir(mut self, dir: impl Into<PathBuf>) -> Env {
        self.platform_state_dir = Some(dir.into());
        self
    }

    /// With stderr a terminal (or not).
    pub fn with_stderr_terminal(mut self, terminal: bool) -> Env {
        self.stderr_terminal = terminal;
        self
    }

    /// The value of `name`; `None` when unset or empty (an empty value counts as unset).
    pub fn var(&self, name: &str) -> Option<&OsStr> {
        self.vars
            .get(name)
            .map(OsString::as_os_str)
            .filter(|v| !v.is_empty())
    }

    /// The value of `name` as text, trimmed; `None` when unset, empty or blank.
    pub fn text(&self, name: &str) -> Option<String> {
        self.var(name)
            .map(|v| v.to_string_lossy().trim().to_string())
            .filter(|v| !v.is_empty())
    }

    /// The value of `name` as a path.
    pub fn path(&self, name: &str) -> Option<PathBuf> {
        self.var(name).map(PathBuf::from)
    }

    /// The current directory, when known.
    pub fn cwd(&self) -> Option<&Path> {
        self.cwd.as_deref()
    }

    /// The running executable, when known.
    pub fn exe(&self) -> Option<&Path> {
        self.exe.as_deref()
    }

    /// The temporary directory (`TMPDIR`, else the platform's), when known.
    pub fn temp_dir(&self) -> Option<&Path> {
        self.temp_dir.as_deref()
    }

    /// The platform's per-user state directory, without `hil` (`$XDG_STATE_HOME`, usually
    /// `~/.local/state`, on Linux), when there is one; `None` in an [`Env`] built by hand
    /// unless given, so tests never touch the user's state.
    pub fn platform_state_dir(&self) -> Option<&Path> {
        self.platform_state_dir.as_deref()
    }

    /// True when a person watches: stderr is a terminal and `CI` is not set.
    pub fn interactive(&self) -> bool {
        self.stderr_terminal && self.var(CI).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_blank_values_count_as_unset() {
        let env = Env::default()
            .with_var(HIL_RACK, "")
            .with_var(HIL_TIMING, "  ")
            .with_var(HIL_RETRIES, " 2 ");
        assert_eq!(env.var(HIL_RACK), None);
        assert_eq!(env.text(HIL_TIMING), None);
        assert_eq!(env.text(HIL_RETRIES).as_deref(), Some("2"));
        assert_eq!(env.var(HIL_REPORT_DIR), None);
    }

    #[test]
    fn interactive_needs_a_terminal_and_no_ci() {
        let terminal = Env::default().with_stderr_terminal(true);
        assert!(terminal.interactive());
        assert!(!terminal.clone().with_var(CI, "1").interactive());
        assert!(!Env::default().interactive());
    }

    #[test]
    fn the_temp_dir_is_captured_and_can_be_given() {
        assert!(Env::capture().temp_dir().is_some());
        assert_eq!(Env::default().temp_dir(), None);
        let env = Env::default().with_temp_dir("/scratch");
        assert_eq!(env.temp_dir(), Some(Path::new("/scratch")));
    }

    #[test]
    fn the_image_variable_is_the_one_the_image_search_names() {
        assert_eq!(FUT_ELF, hil_flash::FUT_ELF_ENV);
    }

    #[test]
    fn the_state_dir_variable_is_the_one_the_lease_crate_names() {
        assert_eq!(HIL_STATE_DIR, hil_lease::STATE_DIR_ENV);
        assert_eq!(HIL_STATE_DIR, hil_history::state_dir::STATE_DIR_ENV);
    }
}
