//! SIGINT / SIGTERM handling.
//!
//! The first signal sets a flag (the run's stop flag: DUT threads finish their current case,
//! reports are still written; `hil sim` shuts its rack down). A second signal while the flag is
//! set exits at once with 128 + signal number — reports stay valid because JUnit is rewritten
//! atomically after each result.

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
