//! SIGINT / SIGTERM handling.
//!
//! The first signal sets a flag (the run's stop flag: DUT threads finish their current case,
//! reports are still written; `hil sim` shuts its rack down). A second signal that comes at
//! least [`ABORT_AFTER`] after the first exits at once with 128 + signal number — reports stay
//! valid because JUnit is rewritten atomically after each result — after printing one line
//! when one was given ([`register_with_abort_line`]). Copies of one stop that arrive together
//! count as one: `timeout(1)` signals the process and then its process group, so the process
//! gets the signal twice within microseconds.
//!
//! Short commands that hold boards (`hil at`, `hil psu`, `hil doctor`) stop by ending the
//! process instead ([`release_places_on_stop`]): the labgrid places they hold are given back
//! first.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// The signals that stop a command.
pub const STOP_SIGNALS: [i32; 2] = [SIGINT, SIGTERM];

/// How long after the first stop signal a second one aborts; one sooner is a copy of the
/// first (a process and its process group signalled together) and changes nothing. Half a
/// second: copies come microseconds apart, a person pressing Ctrl-C again takes longer.
pub const ABORT_AFTER: Duration = Duration::from_millis(500);

/// Sets `flag` on SIGINT/SIGTERM; a second one, [`ABORT_AFTER`] after the first, exits
/// immediately.
pub fn register(stop: &Arc<AtomicBool>) -> anyhow::Result<()> {
    register_abort(stop, None)
}

/// [`register`], and a second signal prints `line` on stderr before exiting (`hil run`: the run
/// was aborted and where its partial reports are).
pub fn register_with_abort_line(stop: &Arc<AtomicBool>, line: &str) -> anyhow::Result<()> {
    // Leaked once per process: the handler may run at any time until the process ends.
    let line: &'static [u8] = Box::leak(format!("{line}\n").into_bytes().into_boxed_slice());
    register_abort(stop, Some(line))
}

fn register_abort(stop: &Arc<AtomicBool>, line: Option<&'static [u8]>) -> anyhow::Result<()> {
    // When the first stop signal came (monotonic nanoseconds; 0: none yet), shared by both
    // signals: a SIGTERM after a Ctrl-C is a second stop too.
    let first: &'static AtomicU64 = Box::leak(Box::new(AtomicU64::new(0)));
    for sig in STOP_SIGNALS {
        let armed = Arc::clone(stop);
        let abort = move || {
            let now = monotonic_nanos().max(1);
            let since = match first.compare_exchange(0, now, Ordering::SeqCst, Ordering::SeqCst) {
                // The first stop signal: the flag is set by the next action.
                Ok(_) => return,
                Err(at) => now.saturating_sub(at),
            };
            if armed.load(Ordering::SeqCst) && since >= ABORT_AFTER.as_nanos() as u64 {
                if let Some(line) = line {
                    // SAFETY: write(2) on stderr with a buffer that lives for the whole
                    // process; async-signal-safe, as is the _exit(2) behind `low_level::exit`.
                    unsafe { libc::write(2, line.as_ptr().cast(), line.len()) };
                }
                signal_hook::low_level::exit(128 + sig);
            }
        };
        // Registered first, so it sees the flag as it was before this delivery set it.
        // SAFETY: the action only reads the clock, uses atomics, calls write(2) and exits.
        unsafe { signal_hook::low_level::register(sig, abort) }
            .with_context(|| format!("installing the handler of signal {sig}"))?;
        flag::register(sig, Arc::clone(stop))
            .with_context(|| format!("installing the handler of signal {sig}"))?;
    }
    Ok(())
}

/// The monotonic clock in nanoseconds; `clock_gettime(2)` is async-signal-safe.
fn monotonic_nanos() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime(2) writes the timespec we pass and nothing else.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// Prints `message` once when the flag gets set (signal handlers cannot print safely).
/// Stops watching when dropped.
pub struct Notice {
    done: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Notice {
    pub fn start(stop: Arc<AtomicBool>, message: &'static str) -> Self {
        let done = Arc::new(AtomicBool::new(false));
        let watching = Arc::clone(&done);
        let handle = std::thread::Builder::new()
            .name("hil-signal-notice".into())
            .spawn(move || {
                while !watching.load(Ordering::SeqCst) {
                    if stop.load(Ordering::SeqCst) {
                        eprintln!("{message}");
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
            .ok();
        Notice { done, handle }
    }
}

impl Drop for Notice {
    fn drop(&mut self) {
        self.done.store(true, Ordering::SeqCst);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// On SIGINT/SIGTERM: releases the labgrid places this process holds (over a new session,
/// bounded), says so, and exits with 128 + signal. Local board leases need nothing: they are
/// file locks the kernel releases with the process.
pub fn release_places_on_stop() -> anyhow::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(STOP_SIGNALS)
        .context("installing the SIGINT/SIGTERM handler")?;
    std::thread::Builder::new()
        .name("hil-signal-release".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                eprintln!("stopped by signal {sig}");
                for line in hil_labgrid::lease::on_exit::release_registered() {
                    eprintln!("lab: {line}");
                }
                std::process::exit(128 + sig);
            }
        })
        .context("starting the signal watcher")?;
    Ok(())
}
