//! The modem side: libmodem start-up (no AT traffic of its own), forwarding one AT command at a
//! time with a deadline, URC delivery, the reset sequence, and the OS hook nrf-modem lacks.
//!
//! Commands go through libmodem's `nrf_modem_at_cmd_async` directly rather than
//! `nrf_modem::send_at_bytes`: the response is copied as raw bytes (no UTF-8 check that could
//! panic on odd modem output) into a static buffer, and truncation is detected exactly.

use core::cell::RefCell;
use core::ffi::{CStr, c_char};
use core::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, Ordering};

use embassy_sync::blocking_mutex::Mutex;
use embassy_sync::blocking_mutex::raw::CriticalSectionRawMutex;
use embassy_sync::channel::Channel;
use embassy_sync::signal::Signal;
use embassy_time::{Duration, with_timeout};
use heapless::Vec;
use nrf_modem::nrfxlib_sys as sys;

/// Largest modem response kept; longer ones are cut and flagged (`#XFWERR: response truncated`).
pub const RESPONSE_CAP: usize = 8192;
/// Largest URC kept (longer ones are cut, still ending in CRLF).
pub const URC_CAP: usize = 512;
/// URCs queued while the console is busy; more are dropped (and counted).
const URC_QUEUE: usize = 8;
/// How long libmodem's blocking AT calls (only the reset path uses one) wait for a busy channel.
const AT_SEM_TIMEOUT_MS: i32 = 10_000;

/// One URC line, CRLF-terminated.
pub type Urc = Vec<u8, URC_CAP>;

/// URCs from libmodem's notification handler (interrupt context) to the console.
pub static URCS: Channel<CriticalSectionRawMutex, Urc, URC_QUEUE> = Channel::new();
/// URCs dropped because the queue was full.
pub static URCS_DROPPED: AtomicU32 = AtomicU32::new(0);

struct Response {
    buf: [u8; RESPONSE_CAP],
    len: usize,
    truncated: bool,
}

static RESPONSE: Mutex<CriticalSectionRawMutex, RefCell<Response>> =
    Mutex::new(RefCell::new(Response {
        buf: [0; RESPONSE_CAP],
        len: 0,
        truncated: false,
    }));
/// Which answer callback the command in flight uses ([`NONE`] if none waits). Consecutive
/// commands alternate between two callbacks, so the late answer of a command that timed out can
/// never be taken for the answer of the next one.
static EXPECTED: AtomicU8 = AtomicU8::new(NONE);
static LAST_TAG: AtomicU8 = AtomicU8::new(TAG_B);
const NONE: u8 = 0;
const TAG_A: u8 = 1;
const TAG_B: u8 = 2;
static ANSWERED: Signal<CriticalSectionRawMutex, ()> = Signal::new();
static INITIALISED: AtomicBool = AtomicBool::new(false);

/// Why a forwarded command has no (complete) answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, defmt::Format)]
pub enum AtError {
    /// libmodem refused the command (not initialised, busy, out of shared memory, …).
    Modem(i32),
    /// No answer within the deadline.
    Timeout,
}

/// Starts libmodem without sending any AT command (the harness owns modem state) and installs
/// the URC handler. `ipc` is the shared-memory region from the memory map.
pub fn init(ipc_base: u32, ipc_len: u32) -> Result<(), nrf_modem::Error> {
    let layout = nrf_modem::MemoryLayout {
        base_address: ipc_base,
        tx_area_size: 0x2000,
        rx_area_size: 0x4000,
        trace_area_size: 0,
    };
    // CTRL area + TX + RX must fit the region given to the modem.
    if sys::NRF_MODEM_CELLULAR_SHMEM_CTRL_SIZE + layout.tx_area_size + layout.rx_area_size > ipc_len
    {
        return Err(nrf_modem::Error::BadMemoryLayout);
    }
    nrf_modem::init_with_custom_layout_core(layout)?;
    // SAFETY: plain libmodem configuration calls after a successful init.
    unsafe {
        sys::nrf_modem_at_notif_handler_set(Some(urc_handler));
        sys::nrf_modem_at_sem_timeout_set(AT_SEM_TIMEOUT_MS);
    }
    INITIALISED.store(true, Ordering::Release);
    Ok(())
}

/// Sends one command (no terminator) and waits up to `timeout` for the whole answer. On success
/// the answer is in the response buffer: read it with [`read_response`].
pub async fn command(line: &[u8], timeout: Duration) -> Result<(), AtError> {
    if !INITIALISED.load(Ordering::Acquire) {
        return Err(AtError::Modem(-(sys::NRF_EPERM as i32)));
    }
    let Ok(len) = core::ffi::c_int::try_from(line.len()) else {
        return Err(AtError::Modem(-(sys::NRF_EINVAL as i32)));
    };
    let (tag, callback): (u8, unsafe extern "C" fn(*const c_char)) =
        if LAST_TAG.load(Ordering::Relaxed) == TAG_A {
            (TAG_B, at_response_b)
        } else {
            (TAG_A, at_response_a)
        };
    LAST_TAG.store(tag, Ordering::Relaxed);
    ANSWERED.reset();
    EXPECTED.store(tag, Ordering::Release);
    // SAFETY: "%.*s" with (len, ptr) reads exactly `line`, which outlives the call; libmodem
    // copies the command into shared memory before returning.
    let rc = unsafe {
        sys::nrf_modem_at_cmd_async(Some(callback), c"%.*s".as_ptr(), len, line.as_ptr())
    };
    if rc != 0 {
        EXPECTED.store(NONE, Ordering::Release);
        return Err(AtError::Modem(rc));
    }
    match with_timeout(timeout, ANSWERED.wait()).await {
        Ok(()) => Ok(()),
        Err(_) => {
            EXPECTED.store(NONE, Ordering::Release);
            Err(AtError::Timeout)
        }
    }
}

/// Copies up to `out.len()` bytes of the last answer from `offset`; returns the count (0 at the
/// end) and whether the answer had been cut to [`RESPONSE_CAP`].
pub fn read_response(offset: usize, out: &mut [u8]) -> (usize, bool) {
    RESPONSE.lock(|r| {
        let r = r.borrow();
        let src = r.buf[..r.len].get(offset..).unwrap_or(&[]);
        let n = src.len().min(out.len());
        out[..n].copy_from_slice(&src[..n]);
        (n, r.truncated)
    })
}

/// `AT+CFUN=0` so the modem saves its NVM, then libmodem shutdown. The caller resets the SoC.
pub fn shut_down() {
    if !INITIALISED.load(Ordering::Acquire) {
        return;
    }
    // SAFETY: plain libmodem calls; the format string has no conversions.
    unsafe {
        let rc = sys::nrf_modem_at_printf(c"AT+CFUN=0".as_ptr());
        if rc != 0 {
            defmt::warn!("AT+CFUN=0 before reset: {}", rc);
        }
        let rc = sys::nrf_modem_shutdown();
        if rc != 0 {
            defmt::warn!("nrf_modem_shutdown: {}", rc);
        }
    }
}

/// Bytes of a NUL-terminated C string from libmodem (empty for NULL).
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string valid for the call.
unsafe fn c_bytes<'a>(ptr: *const c_char) -> &'a [u8] {
    if ptr.is_null() {
        &[]
    } else {
        // SAFETY: per this function's contract.
        unsafe { CStr::from_ptr(ptr) }.to_bytes()
    }
}

/// libmodem's answer callbacks (interrupt context), one per tag.
unsafe extern "C" fn at_response_a(resp: *const c_char) {
    // SAFETY: forwarded from libmodem.
    unsafe { at_response(TAG_A, resp) }
}

unsafe extern "C" fn at_response_b(resp: *const c_char) {
    // SAFETY: forwarded from libmodem.
    unsafe { at_response(TAG_B, resp) }
}

/// # Safety
/// `resp` is NULL or a NUL-terminated string valid for the call.
unsafe fn at_response(tag: u8, resp: *const c_char) {
    if EXPECTED
        .compare_exchange(tag, NONE, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return; // late answer to a command that already timed out
    }
    // SAFETY: libmodem passes a NUL-terminated response.
    let bytes = unsafe { c_bytes(resp) };
    RESPONSE.lock(|r| {
        let mut r = r.borrow_mut();
        let n = bytes.len().min(RESPONSE_CAP);
        r.buf[..n].copy_from_slice(&bytes[..n]);
        r.len = n;
        r.truncated = bytes.len() > RESPONSE_CAP;
    });
    ANSWERED.signal(());
}

/// libmodem's notification callback (interrupt context): queue the URC as one CRLF line.
unsafe extern "C" fn urc_handler(notif: *const c_char) {
    // SAFETY: libmodem passes a NUL-terminated notification.
    let bytes = unsafe { c_bytes(notif) };
    let mut body = bytes;
    while let [rest @ .., b'\r' | b'\n'] = body {
        body = rest;
    }
    if body.is_empty() {
        return;
    }
    let mut urc = Urc::new();
    let keep = body.len().min(URC_CAP - 2);
    // Cannot fail: `keep + 2 <= URC_CAP`.
    let _ = urc.extend_from_slice(&body[..keep]);
    let _ = urc.extend_from_slice(b"\r\n");
    if URCS.try_send(urc).is_err() {
        URCS_DROPPED.fetch_add(1, Ordering::Relaxed);
    }
}

/// OS hook libmodem 3.4 calls from `nrf_modem_shutdown` and nrf-modem 0.11 does not provide
/// (firmware.md §2.5 item 5). Only used on the reset path, so a busy wait is fine.
#[unsafe(no_mangle)]
extern "C" fn nrf_modem_os_sleep(timeout_ms: u32) -> i32 {
    /// Core clock of the nRF9160 application core.
    const CYCLES_PER_MS: u32 = 64_000;
    for _ in 0..timeout_ms {
        cortex_m::asm::delay(CYCLES_PER_MS);
    }
    0
}

/// Makes the modem's shared RAM and the peripherals nrf-modem uses through their non-secure
/// aliases (REGULATORS, CLOCK/POWER, IPC) accessible to the modem. Secure image only; in the
/// non-secure variant the secure image (SPM/TF-M) does this.
#[cfg(feature = "secure")]
pub fn grant_shared_memory(ipc_base: u32, ipc_len: u32) {
    use embassy_nrf::pac;

    /// SPU RAM regions are 8 KiB each, from the start of RAM.
    const RAM_START: u32 = 0x2000_0000;
    const REGION_SIZE: u32 = 0x2000;
    /// SPU peripheral ids (nRF9160 product specification, instantiation table).
    const REGULATORS_ID: usize = 4;
    const CLOCK_POWER_ID: usize = 5;
    const IPC_ID: usize = 42;

    let spu = pac::SPU;
    let first = (ipc_base - RAM_START) / REGION_SIZE;
    let end = (ipc_base + ipc_len - RAM_START).div_ceil(REGION_SIZE);
    for region in first..end {
        spu.ramregion(region as usize).perm().write(|w| {
            w.set_read(true);
            w.set_write(true);
            w.set_execute(true);
            w.set_secattr(false);
            w.set_lock(false);
        });
    }
    for id in [REGULATORS_ID, CLOCK_POWER_ID, IPC_ID] {
        spu.periphid(id).perm().write(|w| w.set_secattr(false));
    }
}
