//! Counters a simulated board keeps, for tests and `hil sim` diagnostics.

use serde::Serialize;

/// What happened on one board since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DutStats {
    /// Boots: power-ups, `AT#XRESET`, pin resets and image installs.
    pub boots: u64,
    /// Times the board lost power (output off or brown-out).
    pub power_losses: u64,
    /// Commands handed to the modem (or, on the legacy host, lost to it).
    pub commands: u64,
    /// `AT#XFWVER` / `AT#XRESET` handled by the firmware.
    pub local_commands: u64,
    /// Forwarded commands answered with `#XFWERR: timeout`.
    pub modem_timeouts: u64,
    /// Bytes received from the client.
    pub bytes_in: u64,
    /// Bytes written to the client.
    pub bytes_out: u64,
    /// Received while a command was in flight and dropped (ref §7.2: RX disabled while a
    /// command runs).
    pub dropped_busy: u64,
    /// Received while unpowered or frozen and discarded.
    pub dropped_dead: u64,
    /// Output dropped because the client did not read and the transmit queue was full.
    pub dropped_tx: u64,
}
