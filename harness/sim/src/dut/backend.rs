//! What a simulated board needs from its modem, as a trait.
//!
//! The board drives [`crate::modem::Modem`] through this seam; unit tests drive it with a
//! scripted modem, so the board's own behaviour (timeouts, URC placement, power) is tested
//! without depending on modem semantics.

use std::time::Duration;

use super::current::ModemDraw;
use crate::profile::{CurrentFigures, DrawState};

/// The modem side of a simulated board.
pub trait ModemBackend: Send + 'static {
    /// Executes one command (no terminator). `Some(answer)`: information lines and final result,
    /// each CRLF-terminated. `None`: the modem does not answer (yet).
    fn execute(&mut self, command: &[u8]) -> Option<Vec<u8>>;
    /// Unsolicited result codes produced since the last call, one line each.
    fn take_urcs(&mut self) -> Vec<String>;
    /// The supply voltage at the modem changed.
    fn supply_changed(&mut self, volts: f64);
    /// The board reset or power returned: volatile state lost, NVM kept.
    fn reboot(&mut self);
    /// The profile's processing time for `command` (applied in realistic timing only).
    fn latency(&self, command: &[u8]) -> Duration;
    /// Whether the radio is on (`CFUN=1`), for the load current reported to the rail.
    fn radio_on(&self) -> bool;
    /// What the board's current model needs (default: active or off from [`Self::radio_on`],
    /// no NVM activity).
    fn draw(&self) -> ModemDraw {
        ModemDraw {
            state: if self.radio_on() {
                DrawState::Active
            } else {
                DrawState::Off
            },
            nvm_writes: 0,
            keygens: 0,
        }
    }
    /// Current figures per state (the firmware profile's `current:` section).
    fn current_figures(&self) -> CurrentFigures {
        CurrentFigures::default()
    }
}
