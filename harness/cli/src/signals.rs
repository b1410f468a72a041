//! SIGINT / SIGTERM handling.
//!
//! The first signal sets a flag (the run's stop flag: DUT threads finish their current case,
//! reports are still written; `hil sim` shuts its rack down). A second signal while the flag is
//! set exits at once with 128 + signal number — reports stay valid because JUnit is rewritten
//! atomically after each result — after printing one line when one was given
//! ([`register_with_abort_line`]).
//!
//! Short commands that hold boards (`hil at`, `hil psu`, `hil doctor`) stop by ending the
//! process instead ([`release_places_on_stop`]): the labgrid places they hold are given back
//! first.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;

/// The signals that stop a command.
pub const STOP_SIGNALS: [i32; 2] = [SIGINT, SIGTERM];

/// Sets `flag` on SIGINT/SIGTERM; a second one while it is set exits immediately.
pub fn register(stop: &Arc<AtomicBool>) -> anyhow::Result<()> {
    for sig in STOP_SIGNALS {
        // Registered first, so it sees the flag as it was before this delivery set it.
        flag::register_conditional_shutdown(sig, 128 + sig, Arc::clone(stop))
            .with_context(|| format!("installing the handler of signal {sig}"))?;
        flag::register(sig, Arc::clone(stop))
            .with_context(|| format!("installing the handler of signal {sig}"))?;
    }
    Ok(())
}

/// [`register`], and a second signal prints `line` on stderr before exiting (`hil run`: the run
/// was aborted and where its partial reports are).
pub fn register_with_abort_line(stop: &Arc<AtomicBool>, line: &str) -> anyhow::Result<()> {
    // Leaked once per process: the handler may run at any time until the process ends.
    let line: &'static [u8] = Box::leak(format!("{line}\n").into_bytes().into_boxed_slice());
    for sig in STOP_SIGNALS {
        let armed = Arc::clone(stop);
        let abort = move || {
            if armed.load(Ordering::SeqCst) {
                // SAFETY: write(2) on stderr with a buffer that lives for the whole process;
                // async-signal-safe, as is the _exit(2) behind `low_level::exit`.
                unsafe { libc::write(2, line.as_ptr().cast(), line.len()) };
                signal_hook::low_level::exit(128 + sig);
            }
        };
        // Registered first, so it sees the flag as it was before this delivery set it.
        // SAFETY: the action only loads an atomic, calls write(2) and exits (see above).
        unsafe { signal_hook::low_level::register(sig, abort) }
            .with_context(|| format!("installing the handler of signal {sig}"))?;
        flag::register(sig, Arc::clone(stop))
            .with_context(|| format!("installing the handler of signal {sig}"))?;
    }
    Ok(())
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
