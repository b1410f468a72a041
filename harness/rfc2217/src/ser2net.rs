//! Running the real `ser2net` (4.x, Debian's package) in front of a local serial device on
//! 127.0.0.1: for tests and demos of the network ports (the same thing a labgrid exporter
//! does for an acquired place). Writes a YAML config, starts `ser2net -n -d -u -c CONFIG`,
//! waits until it listens, and kills that process (only it) when dropped.

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

/// A running ser2net serving one device.
#[derive(Debug)]
pub struct Ser2net {
    child: Child,
    port: u16,
    accepter: Accepter,
    config: PathBuf,
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
    /// Serves `device` (e.g. `/dev/pts/7`) at `baud` 8N1 on a free port of 127.0.0.1; a new
    /// client takes the port over from a connected one (`kickolduser`).
    pub fn start(device: &Path, baud: u32, accepter: Accepter) -> io::Result<Ser2net> {
        Ser2net::start_with(device, baud, accepter, true)
    }

    /// [`Ser2net::start`]; without `kick_old_user` a second client is turned away while one
    /// is connected (ser2net's default, and labgrid's).
    pub fn start_with(
        device: &Path,
        baud: u32,
        accepter: Accepter,
        kick_old_user: bool,
    ) -> io::Result<Ser2net> {
        let mut last = io::Error::other("ser2net did not start");
        // A port found free can be taken by someone else before ser2net binds it: retry.
        for _ in 0..5 {
            match Ser2net::try_start(device, baud, accepter, kick_old_user) {
                Ok(s) => return Ok(s),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn try_start(
        device: &Path,
        baud: u32,
        accepter: Accepter,
        kick_old_user: bool,
    ) -> io::Result<Ser2net> {
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let stem = format!(
            "hil-ser2net-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let config = std::env::temp_dir().join(format!("{stem}.yaml"));
        let log = std::env::temp_dir().join(format!("{stem}.log"));
        std::fs::write(
            &config,
            config_yaml(device, baud, accepter, port, kick_old_user),
        )?;
        let out = File::create(&log)?;
        let child = Command::new("ser2net")
            .args(["-n", "-d", "-u", "-c"])
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()?;
        let mut s = Ser2net {
            child,
            port,
            accepter,
            config,
            log,
        };
        s.wait_listening(Duration::from_secs(10))?;
        Ok(s)
    }

    fn wait_listening(&mut self, limit: Duration) -> io::Result<()> {
        let deadline = Instant::now() + limit;
        loop {
            if listening(self.port)? {
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

    /// The end of ser2net's own output, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
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
        let _ = std::fs::remove_file(&self.config);
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The ser2net 4.x YAML for one connection. `chardelay: false`: by default ser2net holds
/// device output back for a few character times to batch it, which measured 3.4 ms per AT
/// exchange on loopback instead of 55 µs.
pub fn config_yaml(
    device: &Path,
    baud: u32,
    accepter: Accepter,
    port: u16,
    kick_old_user: bool,
) -> String {
    let accepter = match accepter {
        Accepter::Rfc2217 => "telnet(rfc2217),tcp",
        Accepter::Raw => "tcp",
    };
    format!(
        "connection: &con0\n  accepter: {accepter},127.0.0.1,{port}\n  connector: serialdev,{},{baud}n81,local\n  options:\n    kickolduser: {kick_old_user}\n    chardelay: false\n",
        device.display()
    )
}

/// Whether something listens on 127.0.0.1:`port` (read from `/proc/net/tcp`, so probing does
/// not open a connection ser2net would serve).
fn listening(port: u16) -> io::Result<bool> {
    let table = std::fs::read_to_string("/proc/net/tcp")?;
    let want = format!("0100007F:{port:04X}");
    Ok(table.lines().skip(1).any(|line| {
        let mut cols = line.split_whitespace();
        let local = cols.nth(1);
        let state = cols.nth(1);
        local == Some(want.as_str()) && state == Some("0A")
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_is_ser2net4_yaml() {
        let y = config_yaml(
            Path::new("/dev/pts/3"),
            115_200,
            Accepter::Rfc2217,
            4001,
            true,
        );
        assert!(
            y.contains("accepter: telnet(rfc2217),tcp,127.0.0.1,4001"),
            "{y}"
        );
        assert!(
            y.contains("connector: serialdev,/dev/pts/3,115200n81,local"),
            "{y}"
        );
        let raw = config_yaml(Path::new("/dev/pts/3"), 9600, Accepter::Raw, 4002, false);
        assert!(raw.contains("accepter: tcp,127.0.0.1,4002"), "{raw}");
    }

    #[test]
    fn a_listening_socket_is_seen() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        assert!(listening(port).unwrap());
        drop(l);
        assert!(!listening(port).unwrap());
    }
}
