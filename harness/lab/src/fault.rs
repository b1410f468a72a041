//! Why a board or its supply is unusable, as types: each fault carries the error that caused it,
//! and its message is what the report, `hil run` and `hil doctor` show — bounded like every
//! per-case message ([`hil_runner::bound`]): a board that babbles at bring-up gives a fault of
//! a few KB (its first and last bytes and a count of what was left out), not megabytes.

use std::fmt;
use std::sync::Arc;

use hil_at::AtError;
use hil_power::PowerError;
use hil_rack::SupplySpec;

use crate::flashing::FlashBoardError;
use crate::identity::IdentityMismatch;

/// `args` as text, bounded with [`hil_runner::bound::bounded_message`].
fn bound(args: fmt::Arguments<'_>) -> String {
    hil_runner::bound::bounded_message(&args.to_string())
}

/// Why bring-up stopped on a board: every case on it is an infrastructure error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BoardFault {
    /// The rack entry names no serial port.
    #[error("the rack file gives this DUT no serial port")]
    NoSerialPort,
    /// The console port could not be opened.
    #[error("{}", bound(format_args!("console: {}", .0)))]
    ConsoleOpen(#[source] AtError),
    /// The console opened, but the board did not answer the identity queries.
    #[error("{}", bound(format_args!(
        "the board does not answer the identity queries{}: {}",
        if *after_flash { " after flashing" } else { "" },
        .source
    )))]
    NoAnswer {
        /// Whether it was asked after it was flashed (it was silent before).
        after_flash: bool,
        /// The failed transaction.
        #[source]
        source: AtError,
    },
    /// The board is not the one the rack entry names (swapped ports, wrong board, other
    /// modem firmware).
    #[error("{}", bound(format_args!("{}", .0)))]
    IdentityMismatch(#[from] IdentityMismatch),
    /// Putting the firmware-under-test on the board failed.
    #[error("{}", bound(format_args!("{}", .0)))]
    Flash(#[from] FlashBoardError),
    /// The supply the rack file gives the board does not answer or refused to power it
    /// (found at bring-up, before any case).
    #[error("{}", bound(format_args!("supply {}: {}", .supply, .fault)))]
    Supply {
        /// The supply as the rack file gives it (see [`describe_supply`]).
        supply: String,
        /// What went wrong (shared with the board's supply state).
        #[source]
        fault: Arc<SupplyFault>,
    },
    /// The run was stopped before this board's bring-up began: nothing was opened on it or
    /// sent to it. Not a fault of the board (no lab problem, no health verdict).
    #[error("bring-up not started: the run was stopped first")]
    NotStarted,
}

impl BoardFault {
    /// True for [`BoardFault::NotStarted`]: the board was left alone, not found faulty.
    pub fn is_not_started(&self) -> bool {
        matches!(self, BoardFault::NotStarted)
    }
}

/// A rack file's supply entry in words: `scpi-tcp rigol-dp800 at 10.0.0.5:5555, channel 1`.
pub fn describe_supply(spec: &SupplySpec) -> String {
    let model = spec
        .scpi_model()
        .map(|m| format!(" {}", m.as_str()))
        .unwrap_or_default();
    format!(
        "{}{model} at {}, channel {}",
        spec.driver.as_str(),
        spec.address,
        spec.channel
    )
}

/// Why a supply the rack declares for a board is unusable.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SupplyFault {
    /// The rack entry declares a supply but no limits, so it is never driven.
    #[error("the rack file declares a supply but no limits for this DUT: refusing to drive it")]
    NoLimits,
    /// The supply could not be opened or its limits are unusable.
    #[error("opening the supply: {0}")]
    Open(#[source] PowerError),
    /// The supply opened but does not answer a query (`*IDN?` or the driver's equivalent).
    #[error("the supply does not answer: {0}")]
    NoAnswer(#[source] PowerError),
    /// The supply opened but refused the nominal voltage or turning the output on.
    #[error("powering the board at {volts} V: {source}")]
    PowerOn {
        /// The nominal voltage that was set.
        volts: f64,
        /// The supply's error.
        #[source]
        source: PowerError,
    },
    /// Not opened: bring-up stopped before the supply (the board's console could not be opened,
    /// and nothing is sent to the supply of a board another program may be using).
    #[error("not opened: bring-up stopped at the console, nothing was sent to the supply")]
    NotOpened,
}
