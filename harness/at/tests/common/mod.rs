//! A scripted serial device for client tests: a pty (the simulator's own endpoint type) whose
//! device side frames commands like the firmware (CR/LF outside quotes ends a command, ESC drops
//! the line) and answers through a closure. Bytes can also be injected at any time.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use hil_sim::pty::PtyEndpoint;

/// A fake DUT behind a pty.
pub struct FakeDut {
    path: PathBuf,
    inject: Sender<Vec<u8>>,
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
        let received = Arc::new(Mutex::new(Vec::new()));
        let commands = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let (stop, received, commands) = (stop.clone(), received.clone(), commands.clone());
            std::thread::spawn(move || run(pty, handler, injected, stop, received, commands))
        };
        FakeDut {
            path,
            inject,
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
        self.inject.send(bytes.to_vec()).unwrap();
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
