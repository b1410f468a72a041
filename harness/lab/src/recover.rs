//! Bringing a hung board back: power-cycle it through its supply (or reset it through its
//! probe when it has no supply), wait for the firmware's boot banner, and check the console
//! answers again. No fixed sleeps: every wait is on a measurement or a line, with a deadline.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hil_flash::FlashError;
use hil_power::{GuardedSupply, PowerError};

use crate::board::{Board, BoardState, SupplyState};
use crate::fault::BoardFault;

/// How long a board may take to print its banner after power returns.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the output stays off when the supply cannot measure that it reached zero.
pub const UNMEASURED_OFF_HOLD: Duration = Duration::from_millis(500);

/// The supply half of a power cycle: output off (held off for [`UNMEASURED_OFF_HOLD`] when
/// the supply cannot measure that it reached zero), `volts` set, output back on. Returns the
/// instant power returned: only a banner read after it belongs to the new boot.
pub fn power_cycle(supply: &mut GuardedSupply, volts: f64) -> Result<Instant, PowerError> {
    let off = supply.set_output(false)?;
    if off.assumed() {
        // No voltage readback (e.g. a PPK2): nothing to wait on, so hold the output off long
        // enough for the board to discharge below brown-out.
        std::thread::sleep(UNMEASURED_OFF_HOLD);
    }
    supply.set_voltage(volts)?;
    let on = Instant::now();
    supply.set_output(true)?;
    Ok(on)
}

/// How a board was (or was to be) brought back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryMeans {
    /// Output off and on again through its supply.
    PowerCycle,
    /// A reset through its debug probe (the board has no usable supply).
    ProbeReset,
}

impl fmt::Display for RecoveryMeans {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RecoveryMeans::PowerCycle => "power cycle",
            RecoveryMeans::ProbeReset => "probe reset",
        })
    }
}

/// Why a board could not be brought back; the board is lost for the rest of the run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RecoverError {
    /// The board never came up.
    #[error("it never came up: {0}")]
    NotReady(Arc<BoardFault>),
    /// Neither a usable supply nor a probe reaches the board.
    #[error("neither a usable supply nor a probe to recover it with")]
    NoMeans,
    /// The supply refused part of the power cycle.
    #[error("power cycle at {volts} V: {source}")]
    PowerCycle {
        /// The nominal voltage power was to return at.
        volts: f64,
        /// The supply's error.
        #[source]
        source: PowerError,
    },
    /// The probe could not reset the board.
    #[error("probe reset: {0}")]
    ProbeReset(#[source] FlashError),
    /// No boot banner after power returned or the reset, or no `OK` to `AT` after it.
    #[error("after the {means}, {source}")]
    NotBooted {
        /// What was done.
        means: RecoveryMeans,
        /// What the boot wait saw.
        #[source]
        source: hil_at::BootError,
    },
}

/// Output off until the measured voltage is near zero, then back on at the nominal voltage,
/// then the banner, then `AT` → `OK`. A board without a usable supply is reset through its
/// probe instead.
pub fn recover(board: &mut Board) -> Result<(), RecoverError> {
    let nominal = board.nominal_volts;
    let console = match &mut board.state {
        BoardState::Ready { console, .. } => console,
        BoardState::Faulted { fault, .. } => return Err(RecoverError::NotReady(fault.clone())),
    };
    let (since, means) = if let SupplyState::Usable(supply) = &mut board.supply {
        let since = power_cycle(supply, nominal).map_err(|source| RecoverError::PowerCycle {
            volts: nominal,
            source,
        })?;
        (since, RecoveryMeans::PowerCycle)
    } else if let Some(flasher) = board.flasher.as_mut() {
        let since = Instant::now();
        flasher.reset().map_err(RecoverError::ProbeReset)?;
        (since, RecoveryMeans::ProbeReset)
    } else {
        return Err(RecoverError::NoMeans);
    };
    console
        .wait_boot(since, BOOT_TIMEOUT)
        .map_err(|source| RecoverError::NotBooted { means, source })?;
    console.note(format!("recovered by {means}"));
    board.notes.push(format!("recovered by {means}"));
    Ok(())
}
