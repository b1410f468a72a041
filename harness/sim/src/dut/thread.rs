//! The DUT thread: moves bytes between the pty and the board, and keeps time.
//!
//! Each turn it polls the rail, runs the board's timers, hands the firmware the received bytes
//! whose wire time is up, writes what the transmitter releases, then waits for input at most
//! until the next deadline or the poll interval (a few ms). Input is read only while the
//! receiver has room. Each received byte re-checks the rail first, so a byte never reaches a
//! board that has just lost power. The loop ends when the stop flag is set; [`RunningDut`] sets it and joins on drop.

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::backend::ModemBackend;
use super::control::DutControl;
use crate::pty::PtyEndpoint;

/// A board running on its own thread. Dropping it stops and joins the thread.
pub struct RunningDut<M: ModemBackend> {
    control: Arc<DutControl<M>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl<M: ModemBackend> std::fmt::Debug for RunningDut<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningDut")
            .field("control", &self.control)
            .finish_non_exhaustive()
    }
}

impl<M: ModemBackend> RunningDut<M> {
    pub(super) fn start(control: Arc<DutControl<M>>, pty: PtyEndpoint) -> io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::Builder::new()
            .name(format!("sim-dut-{}", control.name()))
            .spawn({
                let control = control.clone();
                let stop = stop.clone();
                move || run(&control, &pty, &stop)
            })?;
        Ok(RunningDut {
            control,
            stop,
            thread: Some(thread),
        })
    }

    /// The handle to control the running board.
    pub fn control(&self) -> &Arc<DutControl<M>> {
        &self.control
    }

    /// Asks the thread to stop without waiting (drop joins it); lets a rack stop all its
    /// boards at once.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

impl<M: ModemBackend> Drop for RunningDut<M> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take()
            && thread.join().is_err()
        {
            tracing::error!(dut = %self.control.name(), "DUT thread panicked");
        }
    }
}

/// Marks the board stopped when the thread ends, also by a panic.
struct MarkStopped<'a, M: ModemBackend>(&'a DutControl<M>);

impl<M: ModemBackend> Drop for MarkStopped<'_, M> {
    fn drop(&mut self) {
        self.0.set_stopped();
    }
}

fn run<M: ModemBackend>(control: &DutControl<M>, pty: &PtyEndpoint, stop: &AtomicBool) {
    let _mark = MarkStopped(control);
    let mut buf = [0u8; 1024];
    while !stop.load(Ordering::SeqCst) {
        let (wait, room) = {
            let mut board = control.board();
            let now = Instant::now();
            board.poll_power(now);
            board.tick(now);
            board.deliver(now);
            pump(&mut board.tx, pty, now);
            (board.wait_time(now), board.rx_room())
        };
        if room == 0 {
            // The wire is full: the client's bytes wait in the pty until it drains.
            std::thread::sleep(wait);
            continue;
        }
        match pty.read_timeout(&mut buf[..room.min(1024)], wait) {
            Ok(0) => {}
            Ok(n) => {
                let mut board = control.board();
                let now = Instant::now();
                board.arrive(&buf[..n], now);
                board.deliver(now);
                board.tick(now);
                pump(&mut board.tx, pty, now);
            }
            Err(e) => {
                tracing::warn!(dut = %control.name(), error = %e, "serial read failed");
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

fn pump(tx: &mut super::uart::Transmitter, mut pty: &PtyEndpoint, now: Instant) {
    if let Err(e) = tx.pump(&mut pty, now) {
        tracing::warn!(error = %e, "serial write failed; output dropped");
        tx.clear();
    }
}
