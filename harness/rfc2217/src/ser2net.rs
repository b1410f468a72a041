//! Running the real `ser2net` (4.x, Debian's package) in front of a local serial device on
//! 127.0.0.1: for tests, benchmarks and demos of the network ports (the same thing a labgrid
//! exporter does for an acquired place). Starts it with our config ([`Setup::Tuned`]) or with
//! a labgrid exporter's command line ([`Setup::Labgrid`]), waits until it listens, and kills
//! that process (only it) when dropped. The configurations are in [`config`].
//!
//! Test support, behind the `testkit` feature (a dev-dependency's: `hil-rfc2217 = { …,
//! features = ["testkit"] }`): it reads `HIL_REQUIRE_SER2NET`, `PATH` and the temporary
//! directory from the process environment, which the harness's own code never does.

mod config;

pub use config::{TUNED_DEFAULTS, WRAPPER, WRAPPER_REAL_ENV, config_yaml, labgrid_args};

use std::fs::File;
use std::io;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// Environment variable that turns a missing `ser2net` from a skip into a failure (CI).
pub const REQUIRE_ENV: &str = "HIL_REQUIRE_SER2NET";

/// How ser2net serves the device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepter {
    /// `telnet(rfc2217)`: open with `rfc2217://`.
    Rfc2217,
    /// Plain TCP: open with `tcp://`.
    Raw,
}

/// Which configuration ser2net runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setup {
    /// Our YAML config ([`config_yaml`], [`TUNED_DEFAULTS`] in force).
    Tuned {
        /// RFC 2217 or raw TCP.
        accepter: Accepter,
        /// A new client takes the port over from a connected one; without it a second client
        /// is turned away while one is connected (ser2net's default).
        kick_old_user: bool,
    },
    /// A labgrid exporter's command line ([`labgrid_args`]): RFC 2217, ser2net's defaults.
    Labgrid {
        /// Started through [`WRAPPER`], as on an exporter host with the wrapper installed.
        wrapper: bool,
    },
}

impl Setup {
    fn accepter(self) -> Accepter {
        match self {
            Setup::Tuned { accepter, .. } => accepter,
            Setup::Labgrid { .. } => Accepter::Rfc2217,
        }
    }
}

/// A running ser2net serving one device.
#[derive(Debug)]
pub struct Ser2net {
    child: Child,
    port: u16,
    accepter: Accepter,
    /// Files written for this instance (config, wrapper), removed on drop.
    files: Vec<PathBuf>,
    log: PathBuf,
}

/// The ser2net version line (`ser2net version 4.3.11`), or why it cannot be run.
pub fn version() -> Result<String, String> {
    let out = Command::new("ser2net")
        .arg("-v")
        .output()
        .map_err(|e| format!("ser2net cannot be run: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if text.starts_with("ser2net version 4.") {
        Ok(text)
    } else {
        Err(format!("ser2net 4.x is needed; `ser2net -v` says {text:?}"))
    }
}

/// Whether tests that need ser2net should run: true when it is installed; otherwise prints a
/// skip line for `test` and returns false, or panics when [`REQUIRE_ENV`] is `1`.
pub fn available_or_skip(test: &str) -> bool {
    match version() {
        Ok(_) => true,
        Err(why) if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") => {
            panic!("{test}: ser2net is required ({REQUIRE_ENV}=1) but {why}")
        }
        Err(why) => {
            eprintln!(
                "SKIPPED {test}: {why} (apt-get install ser2net; set {REQUIRE_ENV}=1 to fail instead)"
            );
            false
        }
    }
}

impl Ser2net {
    /// Serves `device` (e.g. `/dev/pts/7`) at `baud` 8N1 on a free port of 127.0.0.1 with our
    /// config; a new client takes the port over from a connected one (`kickolduser`).
    pub fn start(device: &Path, baud: u32, accepter: Accepter) -> io::Result<Ser2net> {
        Ser2net::start_with(device, baud, accepter, true)
    }

    /// [`Ser2net::start`]; without `kick_old_user` a second client is turned away while one
    /// is connected (ser2net's default).
    pub fn start_with(
        device: &Path,
        baud: u32,
        accepter: Accepter,
        kick_old_user: bool,
    ) -> io::Result<Ser2net> {
        let setup = Setup::Tuned {
            accepter,
            kick_old_user,
        };
        Ser2net::start_setup(device, baud, setup)
    }

    /// Serves `device` at `baud` the way a labgrid exporter does (RFC 2217), optionally
    /// through [`WRAPPER`].
    pub fn start_labgrid(device: &Path, baud: u32, wrapper: bool) -> io::Result<Ser2net> {
        Ser2net::start_setup(device, baud, Setup::Labgrid { wrapper })
    }

    /// Serves `device` at `baud` with `setup` on a free port of 127.0.0.1.
    pub fn start_setup(device: &Path, baud: u32, setup: Setup) -> io::Result<Ser2net> {
        let mut last = io::Error::other("ser2net did not start");
        // A port found free can be taken by someone else before ser2net binds it: retry.
        for _ in 0..5 {
            match Ser2net::try_start(device, baud, setup) {
                Ok(s) => return Ok(s),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn try_start(device: &Path, baud: u32, setup: Setup) -> io::Result<Ser2net> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let stem = std::env::temp_dir().join(format!(
            "hil-ser2net-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        let with_ext = |ext: &str| stem.with_extension(ext);
        let log = with_ext("log");
        let (mut command, files) = match setup {
            Setup::Tuned {
                accepter,
                kick_old_user,
            } => {
                let config = with_ext("yaml");
                let yaml = config_yaml(device, baud, accepter, port, kick_old_user);
                std::fs::write(&config, yaml)?;
                let mut c = Command::new("ser2net");
                c.args(["-n", "-d", "-u", "-c"]).arg(&config);
                (c, vec![config])
            }
            Setup::Labgrid { wrapper: false } => {
                let mut c = Command::new("ser2net");
                c.args(labgrid_args(device, baud, port));
                (c, Vec::new())
            }
            Setup::Labgrid { wrapper: true } => {
                let script = with_ext("sh");
                std::fs::write(&script, WRAPPER)?;
                // Run by `sh` rather than executed: a file just written can be ETXTBSY for
                // exec while another thread's fork still holds it open.
                let mut c = Command::new("sh");
                c.arg(&script)
                    .args(labgrid_args(device, baud, port))
                    .env(WRAPPER_REAL_ENV, find_on_path("ser2net")?);
                (c, vec![script])
            }
        };
        let out = File::create(&log)?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()?;
        let mut s = Ser2net {
            child,
            port,
            accepter: setup.accepter(),
            files,
            log,
        };
        s.wait_listening(Duration::from_secs(10))?;
        Ok(s)
    }

    fn wait_listening(&mut self, limit: Duration) -> io::Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            if listening(self.port, self.child.id())? {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                return Err(io::Error::other(format!(
                    "ser2net exited ({status}) before listening: {}",
                    self.log_tail()
                )));
            }
            if Instant::now() >= deadline {
                return Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!(
                        "ser2net not listening on port {} after {limit:?}: {}",
                        self.port,
                        self.log_tail()
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The URL a client opens: `rfc2217://127.0.0.1:PORT` or `tcp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        let scheme = match self.accepter {
            Accepter::Rfc2217 => "rfc2217",
            Accepter::Raw => "tcp",
        };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills ser2net now (SIGKILL) and reaps it: its connections drop.
    pub fn kill(&mut self) -> io::Result<()> {
        if self.child.try_wait()?.is_none() {
            self.child.kill()?;
        }
        self.child.wait().map(|_| ())
    }

    /// Everything ser2net printed so far (it reports configuration it could not apply there
    /// and carries on).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The end of ser2net's own output, for error messages.
    pub fn log_tail(&self) -> String {
        let text = self.log();
        let start = text.len().saturating_sub(800);
        let start = (start..text.len())
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(text.len());
        text[start..].trim().to_owned()
    }
}

impl Drop for Ser2net {
    fn drop(&mut self) {
        let _ = self.kill();
        for file in self.files.iter().chain([&self.log]) {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// The full path of `program` on PATH (the wrapper must not find itself).
fn find_on_path(program: &str) -> io::Result<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
        .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, format!("{program} is not on PATH")))
}

/// Whether process `pid` listens on 127.0.0.1:`port` (read from `/proc/net/tcp` and the
/// process's file descriptors, so probing opens no connection ser2net would serve, and a
/// socket of another process that took the port meanwhile is not mistaken for ser2net's).
fn listening(port: u16, pid: u32) -> io::Result<bool> {
    let table = std::fs::read_to_string("/proc/net/tcp")?;
    let want = format!("0100007F:{port:04X}");
    let inodes: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split_whitespace().collect();
            (cols.get(1) == Some(&want.as_str()) && cols.get(3) == Some(&"0A"))
                .then(|| cols.get(9).map(|inode| format!("socket:[{inode}]")))
                .flatten()
        })
        .collect();
    if inodes.is_empty() {
        return Ok(false);
    }
    let fds = match std::fs::read_dir(format!("/proc/{pid}/fd")) {
        Ok(fds) => fds,
        // Gone, or not ours to look into: not our ser2net's socket either way.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied
            ) =>
        {
            return Ok(false);
        }
        Err(e) => return Err(e),
    };
    Ok(fds.flatten().any(|fd| {
        std::fs::read_link(fd.path())
            .is_ok_and(|target| inodes.iter().any(|i| target.as_os_str() == i.as_str()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listening_socket_is_seen_only_as_its_owners() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        assert!(listening(port, std::process::id()).unwrap());
        // Another process does not hold it (pid 1 is init; a pid that does not exist: none).
        assert!(!listening(port, 1).unwrap());
        assert!(!listening(port, u32::MAX).unwrap());
        drop(l);
        assert!(!listening(port, std::process::id()).unwrap());
    }
}
