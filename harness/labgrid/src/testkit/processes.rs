//! The labgrid processes of a test lab: started in their own process group (so an exporter's
//! ser2net children die with it), stopped with SIGTERM then SIGKILL, always waited for.

use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

/// The first of the tools a labgrid lab needs that is not on `PATH`.
pub fn missing_tools() -> Option<String> {
    ["labgrid-coordinator", "labgrid-exporter", "ser2net"]
        .into_iter()
        .find(|tool| !on_path(tool))
        .map(str::to_string)
}

/// Whether `tool` is on `PATH` (or in `/usr/sbin`).
pub(crate) fn on_path(tool: &str) -> bool {
    let dirs = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&dirs)
        .chain([Path::new("/usr/sbin").to_path_buf()])
        .any(|d| d.join(tool).is_file())
}

/// A TCP port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port on 127.0.0.1")
}

/// A process in its own group.
#[derive(Debug)]
pub struct Group {
    child: Child,
    name: String,
}

impl Group {
    /// Starts `cmd` in a new process group, output to `log`.
    pub fn spawn(name: &str, mut cmd: Command, log: &Path) -> Group {
        let out = std::fs::File::create(log).expect("process log");
        let err = out.try_clone().expect("process log");
        cmd.stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .process_group(0);
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("starting {name}: {e}"));
        Group {
            child,
            name: name.to_string(),
        }
    }

    /// Whether it still runs.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Kills the whole group at once (a host that dies), and waits.
    pub fn kill(&mut self) {
        self.signal(Signal::SIGKILL);
        let _ = self.child.wait();
    }

    /// SIGTERM to the group, SIGKILL after 5 s, and waits.
    pub fn stop(&mut self) {
        if !self.running() {
            self.signal(Signal::SIGKILL);
            return;
        }
        self.signal(Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.running() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        self.kill();
    }

    fn signal(&self, signal: Signal) {
        if let Ok(pid) = i32::try_from(self.child.id()) {
            // The group may be gone already; ser2net children too.
            let _ = killpg(Pid::from_raw(pid), signal);
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits until something accepts connections on 127.0.0.1:`port`.
pub fn wait_listening(port: u16, group: &mut Group, limit: Duration) {
    let deadline = Instant::now() + limit;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(group.running(), "{} exited before listening", group.name());
        assert!(
            Instant::now() < deadline,
            "{} is not listening on {port}",
            group.name()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
