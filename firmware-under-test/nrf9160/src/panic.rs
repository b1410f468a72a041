//! Print-then-reset panic handler: a panic (including a modem fault, which nrf-modem turns into
//! a panic, firmware.md §6.4) writes `#XFWPANIC: <message>` on the console UART and resets the
//! SoC, so the harness sees a line and then the boot banner instead of silence.
//!
//! The UART is driven at register level with interrupts off, because the async driver that
//! normally owns it cannot run any more. Nothing is written if the panic happens before the
//! UART was set up.

use core::fmt::Write;
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicBool, Ordering};

use at_console::response::PanicLine;
use embassy_nrf::pac;

static UART_READY: AtomicBool = AtomicBool::new(false);
static PANICKING: AtomicBool = AtomicBool::new(false);

/// Spin limit for one register wait: far more than 256 bytes take at 115200 baud.
const SPIN_LIMIT: u32 = 4_000_000;

/// Called once the console UART is configured (pins, baud rate, enabled).
pub fn uart_ready() {
    UART_READY.store(true, Ordering::Release);
}

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    cortex_m::interrupt::disable();
    // A panic while printing a panic: just reset.
    if !PANICKING.swap(true, Ordering::AcqRel) && UART_READY.load(Ordering::Acquire) {
        let mut line = Line::new();
        let _ = match info.location() {
            Some(loc) => write!(
                line,
                "{}",
                PanicLine(format_args!(
                    "{} ({}:{})",
                    info.message(),
                    loc.file(),
                    loc.line()
                ))
            ),
            None => write!(line, "{}", PanicLine(info.message())),
        };
        uart_write_blocking(line.finish());
    }
    cortex_m::peripheral::SCB::sys_reset()
}

/// Fixed buffer (on the stack, i.e. in RAM, as EasyDMA requires) holding one CRLF-ended line.
struct Line {
    buf: [u8; 256],
    len: usize,
}

impl Line {
    fn new() -> Self {
        // Start on a fresh line in case a reply was cut mid-line.
        let mut buf = [0; 256];
        buf[..2].copy_from_slice(b"\r\n");
        Self { buf, len: 2 }
    }

    /// The bytes, guaranteed to end in CRLF even if the message was cut.
    fn finish(&mut self) -> &[u8] {
        if !self.buf[..self.len].ends_with(b"\r\n") {
            let end = self.len.min(self.buf.len() - 2);
            self.buf[end..end + 2].copy_from_slice(b"\r\n");
            self.len = end + 2;
        }
        &self.buf[..self.len]
    }
}

impl Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let room = self.buf.len() - self.len;
        let n = s.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Stops whatever the driver was sending, then sends `bytes` by EasyDMA and waits for the end.
fn uart_write_blocking(bytes: &[u8]) {
    let r = pac::UARTE0;
    r.intenclr().write(|w| w.0 = u32::MAX);
    r.events_txstopped().write_value(0);
    r.tasks_dma().tx().stop().write_value(1);
    spin_until(|| r.events_txstopped().read() != 0);

    r.events_dma().tx().end().write_value(0);
    r.dma().tx().ptr().write_value(bytes.as_ptr() as u32);
    r.dma()
        .tx()
        .maxcnt()
        .write(|w| w.set_maxcnt(bytes.len() as _));
    r.tasks_dma().tx().start().write_value(1);
    spin_until(|| r.events_dma().tx().end().read() != 0);
}

fn spin_until(mut done: impl FnMut() -> bool) {
    for _ in 0..SPIN_LIMIT {
        if done() {
            return;
        }
    }
}
