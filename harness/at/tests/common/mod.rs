//! A scripted serial device for client tests: a pty (the simulator's own endpoint type) whose
//! device side frames commands like the firmware (CR/LF outside quotes ends a command, ESC drops
//! the line) and answers through a closure. Bytes can also be injected at any time.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hil_sim::pty::PtyEndpoint;

/// A fake DUT behind a pty.
pub struct FakeDut {
    path: PathBuf,
    inject: Sender<Vec<u8>>,
    injected: Arc<AtomicUsize>,
    sent_injections: AtomicUsize,
    stop: Arc<AtomicBool>,
    received: Arc<Mutex<Vec<u8>>>,
    commands: Arc<Mutex<Vec<Vec<u8>>>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeDut {
    /// Starts a device answering each complete command with `handler(command)`.
    pub fn start(handler: impl FnMut(&[u8]) -> Vec<u8> + Send + 'static) -> Self {
        let pty = PtyEndpoint::open().expect("pty");
        let path = pty.path().to_path_buf();
        let (inject, injected) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let written = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, received, commands, written) = (
                stop.clone(),
                received.clone(),
                commands.clone(),
                written.clone(),
            );
            std::thread::spawn(move || {
                run(pty, handler, injected, written, stop, received, commands)
            })
        };
        FakeDut {
            path,
            inject,
            injected: written,
            sent_injections: AtomicUsize::new(0),
            stop,
            received,
            commands,
            thread: Some(thread),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes bytes to the client as if the device sent them spontaneously.
    pub fn inject(&self, bytes: &[u8]) {
        self.sent_injections.fetch_add(1, Ordering::SeqCst);
        self.inject.send(bytes.to_vec()).unwrap();
    }

    /// Waits (at most 10 s) until every injected chunk has been written to the pty.
    pub fn flush_injected(&self) {
        let want = self.sent_injections.load(Ordering::SeqCst);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while self.injected.load(Ordering::SeqCst) < want {
            assert!(std::time::Instant::now() < deadline, "fake device stalled");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    /// Every byte the client sent.
    pub fn received(&self) -> Vec<u8> {
        self.received.lock().unwrap().clone()
    }

    /// The complete commands the device framed.
    pub fn commands(&self) -> Vec<Vec<u8>> {
        self.commands.lock().unwrap().clone()
    }
}

impl Drop for FakeDut {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(
    pty: PtyEndpoint,
    mut handler: impl FnMut(&[u8]) -> Vec<u8>,
    injected: Receiver<Vec<u8>>,
    written: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    received: Arc<Mutex<Vec<u8>>>,
    commands: Arc<Mutex<Vec<Vec<u8>>>>,
) {
    let mut line = Vec::new();
    let mut in_quote = false;
    let mut buf = [0u8; 4096];
    while !stop.load(Ordering::SeqCst) {
        while let Ok(bytes) = injected.try_recv() {
            pty.write_timeout(&bytes, Duration::from_secs(1)).unwrap();
            written.fetch_add(1, Ordering::SeqCst);
        }
        let n = pty
            .read_timeout(&mut buf, Duration::from_millis(2))
            .unwrap_or(0);
        received.lock().unwrap().extend_from_slice(&buf[..n]);
        for &b in &buf[..n] {
            match b {
                0x1b => {
                    line.clear();
                    in_quote = false;
                }
                b'"' => {
                    in_quote = !in_quote;
                    line.push(b);
                }
                b'\r' | b'\n' if !in_quote => {
                    if !line.is_empty() {
                        commands.lock().unwrap().push(line.clone());
                        let reply = handler(&line);
                        pty.write_timeout(&reply, Duration::from_secs(1)).unwrap();
                        line.clear();
                    }
                }
                _ => line.push(b),
            }
        }
    }
}

/// A handler answering `OK` to everything.
pub fn ok_to_all(_: &[u8]) -> Vec<u8> {
    b"OK\r\n".to_vec()
}

// ---- the simulated rack ----------------------------------------------------------------------

use hil_at::AtClient;
use hil_sim::rack::{SimDut, SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;

/// Deadline for one command against the simulator (generous for a loaded CI machine).
pub const SIM_TIMEOUT: Duration = Duration::from_secs(10);

/// A rack of the given boards in fast timing.
pub fn sim_rack(duts: Vec<SimDutConfig>) -> SimRack {
    SimRack::start(SimRackConfig {
        duts,
        timing: Timing::Fast,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .unwrap_or_else(|e| panic!("simulated rack did not start: {e}"))
}

/// A rack with one board running `profile`.
pub fn sim_one(profile: &str) -> SimRack {
    sim_rack(vec![SimDutConfig::new("dut", profile)])
}

/// A client on a simulated board's pty.
pub fn client(dut: &SimDut) -> AtClient {
    let mut at = AtClient::open(&dut.serial, dut.baud)
        .unwrap_or_else(|e| panic!("open {}: {e}", dut.serial.display()));
    at.set_timeout(SIM_TIMEOUT);
    at
}

/// Numeric errors on and the modem offline, as provisioning tools do (ref §3).
pub fn provisioning(at: &mut AtClient) {
    at.set_cmee(1).unwrap();
    at.set_cfun(4).unwrap();
}

/// A small self-signed test certificate (LF PEM, no secret).
pub fn cert() -> String {
    fixture("cert-small.pem")
}

/// A ~2 KB self-signed test certificate (RSA-4096, LF PEM, no secret).
pub fn cert_2k() -> String {
    fixture("cert-2k.pem")
}

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Key-shaped test content (not a key): what a `%CMNG` type 2 write carries.
pub const FAKE_KEY: &str = "-----BEGIN PRIVATE KEY-----\nTESTONLYxNOTxAxKEYxSECRETxMATERIALxTESTONLY\n-----END PRIVATE KEY-----\n";
