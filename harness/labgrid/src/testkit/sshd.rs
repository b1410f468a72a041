//! [`Sshd`]: OpenSSH's `sshd` on 127.0.0.1 for the SSH flashing tests — a free port, a host key
//! and a client key generated into a temporary directory, its own config file (no PAM, no
//! passwords, `StrictModes no`), run as the current user in the foreground. The client side is
//! an ssh config file (`ssh -F`, `HIL_SSH_CONFIG`) naming the client key and a known-hosts file
//! in the same directory. Key material never leaves that directory and is never printed.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use super::processes::{Group, free_port, on_path, wait_listening};

/// The variable that turns a missing sshd into a failure.
pub const REQUIRE_SSHD_ENV: &str = "HIL_REQUIRE_SSHD";

/// Where Debian installs sshd (not on a normal user's `PATH`).
const SSHD: &str = "/usr/sbin/sshd";

/// The first of the programs the SSH tests need that is missing.
pub fn missing_ssh_tools() -> Option<String> {
    if !on_path("sshd") {
        return Some("sshd (openssh-server)".into());
    }
    ["ssh", "ssh-keygen"]
        .into_iter()
        .find(|t| !on_path(t))
        .map(|t| format!("{t} (openssh-client)"))
}

/// `true` when sshd and ssh are there; otherwise prints why the test is skipped and returns
/// `false` — or panics when `HIL_REQUIRE_SSHD=1`.
pub fn sshd_available_or_skip(test: &str) -> bool {
    let missing = missing_ssh_tools().map(|t| format!("{t} is not installed"));
    super::present_or_skip(test, missing, REQUIRE_SSHD_ENV)
}

/// A running sshd on 127.0.0.1 that accepts the generated client key for the current user.
pub struct Sshd {
    /// Its TCP port.
    pub port: u16,
    /// The user it lets in (the current user).
    pub user: String,
    // Drop order: the server stops before its directory goes.
    process: Group,
    dir: tempfile::TempDir,
}

impl Sshd {
    /// Generates the keys and config, starts sshd and waits until it listens.
    pub fn start() -> Sshd {
        let dir = tempfile::tempdir().expect("sshd directory");
        let d = dir.path();
        keygen(&d.join("host_key"));
        keygen(&d.join("client_key"));
        std::fs::copy(d.join("client_key.pub"), d.join("authorized_keys")).expect("keys");
        let port = free_port();
        let config = format!(
            "ListenAddress 127.0.0.1\nPort {port}\nHostKey {host}\nAuthorizedKeysFile {keys}\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             StrictModes no\nPidFile none\nPermitRootLogin prohibit-password\nLogLevel VERBOSE\n",
            host = d.join("host_key").display(),
            keys = d.join("authorized_keys").display(),
        );
        std::fs::write(d.join("sshd_config"), config).expect("sshd_config");
        privsep_dir();
        let program = if Path::new(SSHD).is_file() {
            SSHD
        } else {
            "sshd"
        };
        let mut cmd = Command::new(program);
        cmd.arg("-f").arg(d.join("sshd_config")).args(["-D", "-e"]);
        let mut process = Group::spawn("sshd", cmd, &d.join("sshd.log"));
        wait_listening(port, &mut process, Duration::from_secs(20));
        Sshd {
            port,
            user: current_user(),
            process,
            dir,
        }
    }

    /// An ssh client config (`ssh -F`) that logs in with the generated key and trusts the host
    /// key on first use into a known-hosts file of its own.
    pub fn client_config(&self) -> PathBuf {
        let d = self.dir.path();
        let path = d.join("ssh_config");
        let text = format!(
            "Host *\n  IdentityFile {key}\n  IdentitiesOnly yes\n  UserKnownHostsFile {known}\n  \
             StrictHostKeyChecking accept-new\n  PasswordAuthentication no\n",
            key = d.join("client_key").display(),
            known = d.join("known_hosts").display(),
        );
        std::fs::write(&path, text).expect("ssh config");
        path
    }

    /// sshd's log so far (connections, refusals), for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("sshd.log")).unwrap_or_default()
    }

    /// Whether sshd still runs.
    pub fn running(&mut self) -> bool {
        self.process.running()
    }
}

fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "hil-test", "-f"])
        .arg(path)
        .stdin(std::process::Stdio::null())
        .status()
        .expect("ssh-keygen");
    assert!(status.success(), "ssh-keygen failed for {}", path.display());
}

/// sshd started by root needs its privilege-separation directory (Debian creates it at boot).
fn privsep_dir() {
    let dir = Path::new("/run/sshd");
    if !dir.exists() {
        // Only root can (and needs to); for anyone else sshd does not use it.
        let _ = std::fs::create_dir_all(dir);
    }
}

fn current_user() -> String {
    let out = Command::new("id").arg("-un").output().expect("id -un");
    let name = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(!name.is_empty(), "no user name from `id -un`");
    name
}
