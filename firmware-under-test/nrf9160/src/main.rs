//! nRF9160 firmware-under-test: bridges UARTE0 (the DK's VCOM0: RX P0.28, TX P0.29, 115200 8N1,
//! no flow control) to the modem's AT interface through the shared `at-console` state machine.
//!
//! Boot: clocks and time driver, SPU hand-over of the modem's shared RAM (secure image only),
//! IPC interrupt, UART, libmodem (no AT traffic of its own), then the banner
//! `#XFWVER: "<fw id>"` + `READY`. Wire protocol: `firmware-under-test/README.md`.
#![no_std]
#![no_main]

#[cfg(all(feature = "secure", feature = "non-secure"))]
compile_error!("features `secure` and `non-secure` are exclusive");

mod fw_id;
mod modem;
mod panic;
mod session;

use defmt_rtt as _;
// libmodem links against a small C library; tinyrlibc provides it.
extern crate tinyrlibc;

use embassy_executor::Spawner;
use embassy_nrf::buffered_uarte::{self, BufferedUarte};
use embassy_nrf::interrupt::typelevel::{self, Handler};
use embassy_nrf::interrupt::{self, InterruptExt, Priority};
use embassy_nrf::{bind_interrupts, peripherals, uarte};
use embassy_sync::mutex::Mutex;
use static_cell::StaticCell;

use session::SharedTx;

/// Routes the IPC interrupt to libmodem.
struct IpcHandler;

impl Handler<typelevel::IPC> for IpcHandler {
    unsafe fn on_interrupt() {
        nrf_modem::ipc_irq_handler();
    }
}

bind_interrupts!(struct Irqs {
    SERIAL0 => buffered_uarte::InterruptHandler<peripherals::SERIAL0>;
    IPC => IpcHandler;
});

/// RX ring: absorbs a whole 4 KiB command pasted at 115200 baud while the modem works.
const RX_RING: usize = 4096;
const TX_RING: usize = 1024;

unsafe extern "C" {
    static __start_ipc: u8;
    static __end_ipc: u8;
}

/// The modem's shared-memory region from the memory map (`memory-*.x`).
fn ipc_region() -> (u32, u32) {
    // Only the addresses of the linker symbols are taken, never their contents.
    let start = &raw const __start_ipc as u32;
    let end = &raw const __end_ipc as u32;
    (start, end.saturating_sub(start))
}

#[embassy_executor::main]
async fn main(spawner: Spawner) {
    let p = embassy_nrf::init(Default::default());
    defmt::info!("firmware {}", fw_id::fw_id());

    let (ipc_base, ipc_len) = ipc_region();
    #[cfg(feature = "secure")]
    modem::grant_shared_memory(ipc_base, ipc_len);

    interrupt::IPC.set_priority(Priority::P0);
    // SAFETY: the handler is bound above and libmodem's state is static.
    unsafe { interrupt::IPC.enable() };

    static RX_BUF: StaticCell<[u8; RX_RING]> = StaticCell::new();
    static TX_BUF: StaticCell<[u8; TX_RING]> = StaticCell::new();
    let mut config = uarte::Config::default();
    config.baudrate = uarte::Baudrate::Baud115200;
    config.parity = uarte::Parity::Excluded;
    let uart = BufferedUarte::new(
        p.SERIAL0,
        p.TIMER0,
        p.PPI_CH0,
        p.PPI_CH1,
        p.PPI_GROUP0,
        p.P0_28,
        p.P0_29,
        Irqs,
        config,
        RX_BUF.init([0; RX_RING]),
        TX_BUF.init([0; TX_RING]),
    );
    let (rx, tx) = uart.split();
    panic::uart_ready();
    static TX: StaticCell<SharedTx> = StaticCell::new();
    let tx: &'static SharedTx = TX.init(Mutex::new(tx));

    let modem_ok = match modem::init(ipc_base, ipc_len) {
        Ok(()) => true,
        Err(e) => {
            defmt::error!("modem init failed: {}", defmt::Debug2Format(&e));
            false
        }
    };
    session::banner(tx, modem_ok).await;
    match session::urc_task(tx) {
        Ok(token) => spawner.spawn(token),
        Err(_) => defmt::error!("cannot spawn the URC task: URCs will not be forwarded"),
    }
    session::run(rx, tx).await
}
