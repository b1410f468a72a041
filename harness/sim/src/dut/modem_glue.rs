//! The simulated [`Modem`] as a board's modem, and what only a real modem model offers.

use std::time::Duration;

use super::backend::ModemBackend;
use super::control::DutControl;
use super::current::ModemDraw;
use crate::modem::{Modem, Reply};
use crate::profile::{CurrentFigures, DrawState};

impl ModemBackend for Modem {
    fn execute(&mut self, command: &[u8]) -> Option<Vec<u8>> {
        match Modem::execute(self, command) {
            Reply::Answer(answer) => Some(answer),
            Reply::Silent => None,
        }
    }

    fn take_urcs(&mut self) -> Vec<String> {
        Modem::take_urcs(self)
    }

    fn supply_changed(&mut self, volts: f64) {
        Modem::supply_changed(self, volts);
    }

    fn reboot(&mut self) {
        Modem::reboot(self);
    }

    fn latency(&self, command: &[u8]) -> Duration {
        Modem::latency(self, command)
    }

    fn radio_on(&self) -> bool {
        self.cfun() == 1
    }

    fn draw(&self) -> ModemDraw {
        ModemDraw {
            state: DrawState::of(self.cfun(), self.pofwarn_active()),
            nvm_writes: self.nvm_writes(),
            keygens: self.keygens(),
        }
    }

    fn current_figures(&self) -> CurrentFigures {
        self.profile().current.clone()
    }
}

impl DutControl<Modem> {
    /// Snapshot of the modem's credential store (NVM): `(sec_tag, type, bytes)`, factory items
    /// included. Survives power cycles and resets.
    pub fn credentials(&self) -> Vec<(u32, u8, Vec<u8>)> {
        self.with_modem(|m| m.credentials())
    }

    /// The modem's functional mode (`+CFUN`).
    pub fn cfun(&self) -> u8 {
        self.with_modem(|m| m.cfun())
    }

    /// Whether the modem's power-off warning is active.
    pub fn pofwarn_active(&self) -> bool {
        self.with_modem(|m| m.pofwarn_active())
    }
}
