//! The shared graceful-stop flag.
//!
//! Set from a SIGINT handler (e.g. `signal_hook::flag::register(SIGINT, flag.as_atomic())`):
//! every DUT thread finishes its current case and stops; no retry starts after it is set.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// A cloneable stop request shared by the scheduler and the signal handler.
#[derive(Debug, Clone, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    /// A flag with no stop requested.
    pub fn new() -> Self {
        StopFlag::default()
    }

    /// Asks every DUT thread to stop after its current case.
    pub fn request(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether a stop was requested.
    pub fn is_requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// The underlying flag, for signal handler registration.
    pub fn as_atomic(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}
