//! [`DutControl`]: the handle the rest of the simulator and the tests hold on a running board.
//!
//! It shares the board with the DUT thread behind a mutex, so every action takes effect before
//! the call returns (flashing an image reboots the board and queues its banner at once).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Instant;

use super::backend::ModemBackend;
use super::board::Board;
use super::options::validate_fw_id;
use super::stats::DutStats;
use crate::modem::Modem;
use crate::rail::SupplyRail;
use crate::supply::CommandLog;

/// Why a control action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ControlError {
    #[error("{dut}: {reason}")]
    /// The firmware id of an installed image is not valid.
    InvalidFwId {
        /// The board's name.
        dut: String,
        /// Why the id is invalid.
        reason: String,
    },
    #[error("{dut}: the board is not powered (rail off or below the power-on threshold)")]
    /// The operation needs power and the board has none.
    Unpowered {
        /// The board's name.
        dut: String,
    },
}

/// Shared handle on one simulated board.
pub struct DutControl<M: ModemBackend = Modem> {
    name: String,
    serial: PathBuf,
    rail: Arc<SupplyRail>,
    board: Mutex<Board<M>>,
    running: AtomicBool,
    supply_log: OnceLock<Arc<CommandLog>>,
}

impl<M: ModemBackend> std::fmt::Debug for DutControl<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DutControl")
            .field("name", &self.name)
            .field("serial", &self.serial)
            .field("running", &self.is_running())
            .finish_non_exhaustive()
    }
}

impl<M: ModemBackend> DutControl<M> {
    pub(super) fn new(board: Board<M>, serial: PathBuf, rail: Arc<SupplyRail>) -> Self {
        DutControl {
            name: board.options().name.clone(),
            serial,
            rail,
            board: Mutex::new(board),
            running: AtomicBool::new(true),
            supply_log: OnceLock::new(),
        }
    }

    pub(super) fn board(&self) -> MutexGuard<'_, Board<M>> {
        self.board.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn set_stopped(&self) {
        self.running.store(false, Ordering::SeqCst);
    }

    /// The board's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The serial port path clients open.
    pub fn serial(&self) -> &Path {
        &self.serial
    }

    /// The supply rail the board is powered from.
    pub fn rail(&self) -> &Arc<SupplyRail> {
        &self.rail
    }

    /// Simulated flashing: the board reboots into an image reporting `fw_id` in its banner and
    /// `AT#XFWVER`. Refused with an invalid id or an unpowered board (a probe cannot program it).
    pub fn install_image(&self, fw_id: &str) -> Result<(), ControlError> {
        validate_fw_id(fw_id).map_err(|reason| ControlError::InvalidFwId {
            dut: self.name.clone(),
            reason,
        })?;
        if self.board().install(fw_id, Instant::now()) {
            Ok(())
        } else {
            Err(self.unpowered())
        }
    }

    /// Pin reset (through the probe): output in progress is cut, the modem restarts from NVM,
    /// the banner follows. Also un-wedges a frozen board.
    pub fn reset(&self) -> Result<(), ControlError> {
        if self.board().restart(Instant::now(), true) {
            Ok(())
        } else {
            Err(self.unpowered())
        }
    }

    /// Fault injection: `true` wedges the board (no echo, no answer, no URC); a power cycle
    /// through the rail, [`reset`](Self::reset) or an image install clears it, as does
    /// `freeze(false)`.
    pub fn freeze(&self, frozen: bool) {
        self.board().set_frozen(frozen);
    }

    /// Whether the board is wedged by [`freeze`](Self::freeze).
    pub fn frozen(&self) -> bool {
        self.board().frozen()
    }

    /// Whether the board has power (it boots above POR and dies below BOR).
    pub fn powered(&self) -> bool {
        self.board().powered()
    }

    /// The firmware id the board runs.
    pub fn fw_id(&self) -> String {
        self.board().fw_id().to_owned()
    }

    /// What happened on the board since it started.
    pub fn stats(&self) -> DutStats {
        self.board().stats()
    }

    /// False once the DUT thread has stopped.
    pub fn is_running(&self) -> bool {
        self.running.load(Ordering::SeqCst)
    }

    /// Runs `f` on the modem (between two bytes of the DUT thread).
    pub fn with_modem<R>(&self, f: impl FnOnce(&mut M) -> R) -> R {
        f(&mut self.board().modem)
    }

    /// Every command the board's supply received (once the rack has wired one).
    pub fn supply_log(&self) -> Option<Arc<CommandLog>> {
        self.supply_log.get().cloned()
    }

    pub(crate) fn attach_supply_log(&self, log: Arc<CommandLog>) {
        let _ = self.supply_log.set(log);
    }

    fn unpowered(&self) -> ControlError {
        ControlError::Unpowered {
            dut: self.name.clone(),
        }
    }
}
