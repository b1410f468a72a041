//! A simulated board's probe on the network: a TCP endpoint on 127.0.0.1 that lets a
//! `hil flash --probe sim@127.0.0.1:PORT` in another process (or over SSH on this host) flash
//! and reset the board. One request line and one answer line per connection:
//!
//! | request              | answer                               |
//! |----------------------|--------------------------------------|
//! | `install <fw id>\n`  | `ok\n` or `error <why>\n`            |
//! | `reset\n`            | `ok\n` or `error <why>\n`            |
//! | `approtect\n`        | `unlocked\n` (no simulated APPROTECT) |
//!
//! The client is `hil_flash::TcpSimTarget`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::dut::DutControl;

/// How long a client may take to send its request line.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest request line accepted.
const MAX_REQUEST: u64 = 256;

/// A running probe endpoint; stops (and joins its thread) on drop.
#[derive(Debug)]
pub struct ProbeEndpoint {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ProbeEndpoint {
    /// Listens on 127.0.0.1 (a free port) for requests to `control`.
    pub fn start(control: Arc<DutControl>) -> std::io::Result<ProbeEndpoint> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name(format!("sim-probe {}", control.name()))
            .spawn(move || serve(&listener, &control, &stopping))?;
        Ok(ProbeEndpoint {
            address,
            stop,
            thread: Some(thread),
        })
    }

    /// `127.0.0.1:PORT`.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The probe selector that names this endpoint: `sim@127.0.0.1:PORT`.
    pub fn selector(&self) -> String {
        format!("{}{}", hil_model::SIM_PROBE_PREFIX, self.address)
    }
}

impl Drop for ProbeEndpoint {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(listener: &TcpListener, control: &DutControl, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        // One request at a time: a probe is one cable.
        if let Ok(stream) = stream {
            let _ = answer(stream, control);
        }
    }
}

fn answer(stream: TcpStream, control: &DutControl) -> std::io::Result<()> {
    stream.set_read_timeout(Some(REQUEST_TIMEOUT))?;
    stream.set_write_timeout(Some(REQUEST_TIMEOUT))?;
    let mut line = String::new();
    BufReader::new((&stream).take(MAX_REQUEST)).read_line(&mut line)?;
    let reply = respond(line.trim_end(), control);
    (&stream).write_all(format!("{reply}\n").as_bytes())
}

/// The answer line to one request.
fn respond(request: &str, control: &DutControl) -> String {
    let done = |r: Result<(), crate::dut::ControlError>| match r {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("error {}", e.to_string().replace('\n', " ")),
    };
    match request.split_once(' ') {
        Some(("install", id)) => done(control.install_image(id.trim())),
        None if request == "reset" => done(control.reset()),
        None if request == "approtect" => "unlocked".to_string(),
        _ => format!("error unknown request `{}`", request.escape_debug()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rack::{SimDutConfig, SimRack, SimRackConfig};
    use crate::timing::Timing;

    fn ask(address: SocketAddr, request: &str) -> String {
        let stream = TcpStream::connect(address).unwrap();
        (&stream)
            .write_all(format!("{request}\n").as_bytes())
            .unwrap();
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line).unwrap();
        line.trim_end().to_string()
    }

    #[test]
    fn installs_resets_and_refuses_nonsense() {
        let rack = SimRack::start(SimRackConfig {
            duts: vec![SimDutConfig::new("b1", "mfw_nrf9160_1.3.6")],
            timing: Timing::Fast,
            profile_dirs: Vec::new(),
            link_dir: None,
        })
        .unwrap();
        let dut = &rack.duts()[0];
        let address: SocketAddr = dut.probe.strip_prefix("sim@").unwrap().parse().unwrap();
        assert_eq!(ask(address, "install 2.0.0+abc123"), "ok");
        assert_eq!(dut.control.fw_id(), "2.0.0+abc123");
        assert_eq!(ask(address, "reset"), "ok");
        assert_eq!(ask(address, "approtect"), "unlocked");
        assert!(ask(address, "install not an id").starts_with("error "));
        assert!(ask(address, "format c:").starts_with("error unknown request"));
    }
}
