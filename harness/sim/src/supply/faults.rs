//! Fault injection for simulated instruments: hang, drop-if-too-fast, slow answers, and lost
//! samples in a PPK2 stream.
//!
//! The knobs are atomics so a test can flip them while a driver is talking to the instrument.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// Misbehaviour of one simulated instrument. All off by default (except the Siglent and Korad
/// pacing quirks, which [`super::start`] switches on under realistic timing).
#[derive(Debug, Default)]
pub struct Faults {
    hang: AtomicBool,
    min_interval_us: AtomicU64,
    reply_delay_us: AtomicU64,
    drop_samples: AtomicU64,
}

impl Faults {
    /// While hung the instrument reads and logs commands (as not executed) but never acts on
    /// them or answers.
    pub fn set_hang(&self, hang: bool) {
        self.hang.store(hang, Ordering::SeqCst);
    }

    /// Whether the instrument is hung (see [`set_hang`](Self::set_hang)).
    pub fn hang(&self) -> bool {
        self.hang.load(Ordering::SeqCst)
    }

    /// A command arriving less than this after the previous executed command is silently not
    /// executed (logged with `executed: false`). Zero disables.
    pub fn set_min_interval(&self, d: Duration) {
        self.min_interval_us
            .store(d.as_micros() as u64, Ordering::SeqCst);
    }

    /// The minimum interval between executed commands (zero: none).
    pub fn min_interval(&self) -> Duration {
        Duration::from_micros(self.min_interval_us.load(Ordering::SeqCst))
    }

    /// Delay before each query answer.
    pub fn set_reply_delay(&self, d: Duration) {
        self.reply_delay_us
            .store(d.as_micros() as u64, Ordering::SeqCst);
    }

    /// The delay before each query answer.
    pub fn reply_delay(&self) -> Duration {
        Duration::from_micros(self.reply_delay_us.load(Ordering::SeqCst))
    }

    /// A streaming PPK2 leaves out its next `n` samples (their counter values too), as if they
    /// were lost on the way to the host.
    pub fn drop_samples(&self, n: u64) {
        self.drop_samples.fetch_add(n, Ordering::SeqCst);
    }

    /// Takes the samples still to drop (the streaming instrument calls this).
    pub(crate) fn take_drop_samples(&self) -> u64 {
        self.drop_samples.swap(0, Ordering::SeqCst)
    }
}
