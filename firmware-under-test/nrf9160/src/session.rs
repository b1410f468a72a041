//! The console loop: UART bytes → [`at_console::Console`] → modem / local commands → UART, plus
//! the URC writer. Owns the I/O ordering rules of firmware.md §3:
//! - echo for a byte is written before anything that byte triggers;
//! - one reply is written under one hold of the TX lock, so a URC lands *between* replies,
//!   never inside one;
//! - the idle timer only runs while a line is in progress.

use core::fmt::Write as _;

use at_console::response::{self, Banner, FwVersion};
use at_console::{Action, Console, IDLE_TIMEOUT_MS, LocalCommand, MODEM_TIMEOUT_MS};
use embassy_nrf::buffered_uarte::{BufferedUarteRx, BufferedUarteTx};
use embassy_sync::blocking_mutex::raw::CriticalSectionRawMutex;
use embassy_sync::mutex::Mutex;
use embassy_time::{Duration, Timer, with_timeout};
use embedded_io_async::Write;
use heapless::{String, Vec};

use crate::fw_id::fw_id;
use crate::modem::{self, AtError};

/// The UART's transmit half, shared by the console loop and the URC task.
pub type SharedTx = Mutex<CriticalSectionRawMutex, BufferedUarteTx<'static>>;

/// Bytes taken from the RX ring per read.
const CHUNK: usize = 64;
/// A reply that is a line written by the firmware itself (banner, version, panic, …).
const TEXT_CAP: usize = 160;

/// Writes `bytes`; a UART write error leaves nothing sensible to do but go on.
async fn write(tx: &mut BufferedUarteTx<'static>, bytes: &[u8]) {
    if tx.write_all(bytes).await.is_err() {
        defmt::warn!("uart write failed");
    }
}

/// Renders a firmware text (always short: its parts are bounded).
fn text(args: core::fmt::Arguments<'_>) -> String<TEXT_CAP> {
    let mut s = String::new();
    if s.write_fmt(args).is_err() {
        defmt::warn!("reply text cut");
    }
    s
}

/// Boot output: `#XFWERR: modem init` if libmodem failed, then the banner.
pub async fn banner(tx: &SharedTx, modem_ok: bool) {
    let mut tx = tx.lock().await;
    if !modem_ok {
        write(&mut tx, response::ERR_MODEM_INIT.as_bytes()).await;
    }
    write(
        &mut tx,
        text(format_args!("{}", Banner(fw_id()))).as_bytes(),
    )
    .await;
}

/// Forwards URCs as whole lines, between replies.
#[embassy_executor::task]
pub async fn urc_task(tx: &'static SharedTx) {
    loop {
        let urc = modem::URCS.receive().await;
        let mut tx = tx.lock().await;
        write(&mut tx, &urc).await;
        let dropped = modem::URCS_DROPPED.swap(0, core::sync::atomic::Ordering::Relaxed);
        if dropped > 0 {
            defmt::warn!("{} URCs dropped (queue full)", dropped);
        }
    }
}

/// Echo bytes collected for one chunk, written before any action and at the chunk's end.
struct PendingEcho(Vec<u8, { 3 * CHUNK }>);

impl PendingEcho {
    async fn flush(&mut self, tx: &SharedTx) {
        if !self.0.is_empty() {
            write(&mut *tx.lock().await, &self.0).await;
            self.0.clear();
        }
    }
}

/// The console loop; never returns.
pub async fn run(mut rx: BufferedUarteRx<'static>, tx: &'static SharedTx) -> ! {
    let mut console: Console = Console::new();
    let mut chunk = [0u8; CHUNK];
    let mut echo = PendingEcho(Vec::new());
    let idle = Duration::from_millis(IDLE_TIMEOUT_MS.into());
    loop {
        let read = if console.has_partial_line() {
            match with_timeout(idle, rx.read(&mut chunk)).await {
                Ok(read) => read,
                Err(_) => {
                    if let Some(step) = console.idle_timeout() {
                        let mut tx = tx.lock().await;
                        write(&mut tx, step.echo.as_bytes()).await;
                        if let Action::Reply(reply) = step.action {
                            write(&mut tx, reply.as_bytes()).await;
                        }
                    }
                    continue;
                }
            }
        } else {
            rx.read(&mut chunk).await
        };
        let n = match read {
            Ok(n) => n,
            Err(e) => {
                defmt::warn!("uart rx: {}", e);
                // Bytes were lost: the line in progress cannot be trusted.
                if console.idle_timeout().is_some() {
                    write(&mut *tx.lock().await, response::ERR_OVERRUN.as_bytes()).await;
                }
                continue;
            }
        };
        for &byte in &chunk[..n] {
            let step = console.push(byte);
            if echo.0.extend_from_slice(step.echo.as_bytes()).is_err() {
                echo.flush(tx).await;
                let _ = echo.0.extend_from_slice(step.echo.as_bytes());
            }
            if step.action == Action::Nothing {
                continue;
            }
            echo.flush(tx).await;
            match step.action {
                Action::Nothing => {}
                Action::Reply(reply) => write(&mut *tx.lock().await, reply.as_bytes()).await,
                Action::Forward(line) => forward(line, tx).await,
                Action::Local(LocalCommand::Version) => {
                    let reply = text(format_args!("{}", FwVersion(fw_id())));
                    write(&mut *tx.lock().await, reply.as_bytes()).await;
                }
                Action::Local(LocalCommand::Reset) => reset(tx).await,
                // The console applies ATE0/ATE1 itself and answers with `Reply`.
                Action::Local(LocalCommand::EchoOff | LocalCommand::EchoOn) => {
                    write(&mut *tx.lock().await, response::OK.as_bytes()).await;
                }
            }
        }
        echo.flush(tx).await;
    }
}

/// Sends a command to the modem and writes its raw answer (or a `#XFWERR`) as one reply.
async fn forward(line: &[u8], tx: &SharedTx) {
    let deadline = Duration::from_millis(MODEM_TIMEOUT_MS.into());
    let result = modem::command(line, deadline).await;
    let mut tx = tx.lock().await;
    match result {
        Ok(()) => {
            let mut buf = [0u8; 256];
            let mut offset = 0;
            let truncated = loop {
                let (n, truncated) = modem::read_response(offset, &mut buf);
                if n == 0 {
                    break truncated;
                }
                write(&mut tx, &buf[..n]).await;
                offset += n;
            };
            if truncated {
                defmt::warn!("modem answer longer than {} bytes", modem::RESPONSE_CAP);
                write(&mut tx, response::ERR_RESPONSE_TRUNCATED.as_bytes()).await;
            }
        }
        Err(AtError::Timeout) => write(&mut tx, response::ERR_TIMEOUT.as_bytes()).await,
        Err(e @ AtError::Modem(_)) => {
            defmt::warn!("AT command failed: {}", e);
            write(&mut tx, response::ERR_MODEM.as_bytes()).await;
        }
    }
}

/// `AT#XRESET`: `OK` out of the UART first, then modem off and SoC reset (the banner follows).
async fn reset(tx: &SharedTx) -> ! {
    {
        let mut tx = tx.lock().await;
        write(&mut tx, response::OK.as_bytes()).await;
        let _ = tx.flush().await;
    }
    // The last byte leaves the shift register after the DMA end event.
    Timer::after_millis(2).await;
    modem::shut_down();
    cortex_m::peripheral::SCB::sys_reset()
}
