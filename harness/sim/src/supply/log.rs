//! The record of every command a simulated instrument received.

use std::sync::Mutex;
use std::time::Instant;

use super::arrival::Arrival;

/// One received command.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedCommand {
    /// When it arrived: at `at`, or (when the simulator could not tell exactly, e.g. it read
    /// late) somewhere in `earliest..=at`.
    pub at: Instant,
    /// The earliest time it may have arrived.
    pub earliest: Instant,
    /// The command as text (SCPI and Korad: as sent, without terminator; PPK2: opcode name and
    /// decoded argument, e.g. `RegulatorSet 3300`).
    pub text: String,
    /// False when the instrument received it but did not act on it (too soon after the previous
    /// command, or the instrument was hung).
    pub executed: bool,
}

/// Every command an instrument received, in order.
#[derive(Debug, Default)]
pub struct CommandLog {
    entries: Mutex<Vec<LoggedCommand>>,
}

impl CommandLog {
    pub(crate) fn push(&self, text: impl Into<String>, arrival: Arrival, executed: bool) {
        self.lock().push(LoggedCommand {
            at: arrival.at,
            earliest: arrival.earliest,
            text: text.into(),
            executed,
        });
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<LoggedCommand>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every command received, executed or not.
    pub fn commands(&self) -> Vec<String> {
        self.lock().iter().map(|e| e.text.clone()).collect()
    }

    /// The commands the instrument acted on.
    pub fn executed(&self) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|e| e.executed)
            .map(|e| e.text.clone())
            .collect()
    }

    /// The commands it received but ignored.
    pub fn dropped(&self) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|e| !e.executed)
            .map(|e| e.text.clone())
            .collect()
    }

    /// Full entries with arrival times.
    pub fn entries(&self) -> Vec<LoggedCommand> {
        self.lock().clone()
    }

    /// True if any received command contains `needle` (case-insensitive).
    pub fn contains(&self, needle: &str) -> bool {
        let needle = needle.to_ascii_uppercase();
        self.lock()
            .iter()
            .any(|e| e.text.to_ascii_uppercase().contains(&needle))
    }

    /// Forgets every logged command.
    pub fn clear(&self) {
        self.lock().clear();
    }
}
