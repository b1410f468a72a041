//! A simulated board: the firmware-under-test's console in front of a simulated modem, powered
//! from a supply rail, behind a pseudo-terminal.
//!
//! [`spawn`] starts one thread per board. The thread owns the [`PtyEndpoint`] and feeds every
//! received byte to the real firmware console code ([`at_console::Console`]); framed commands go
//! to the modem, local commands (`AT#XFWVER`, `AT#XRESET`, `ATE0/1`) are handled as the firmware
//! does (firmware.md §3), URCs come out as whole lines between replies. See [`board`] for the
//! behaviour and its sources, [`legacy_host`] for the old `at_host` framer (ref §7.3 (a)),
//! [`power`] for the supervisor thresholds, [`current`] for what the board draws, [`uart`] and
//! [`receiver`] for wire timing out and in. [`DutControl`] is the handle from outside (flash an
//! image, reset, freeze, NVM snapshot); [`RunningDut`] stops and joins the thread when dropped.

mod backend;
pub mod board;
mod control;
pub mod current;
pub mod framer;
pub mod legacy_host;
mod modem_glue;
mod options;
pub mod power;
pub mod receiver;
mod stats;
mod thread;
pub mod uart;

#[cfg(test)]
mod tests;

use std::io;
use std::sync::Arc;
use std::time::Instant;

pub use backend::ModemBackend;
pub use control::{ControlError, DutControl};
pub use legacy_host::{LegacyEra, LegacyHostOptions};
pub use options::{DEFAULT_FW_ID, DutOptions, validate_fw_id};
pub use power::Supervisor;
pub use stats::DutStats;
pub use thread::RunningDut;

use crate::pty::PtyEndpoint;
use crate::rail::SupplyRail;
use board::Board;

/// Starts a simulated board powered from `rail`, on its own thread behind a new pty.
///
/// The rail is looked at before this returns, so a board on a live rail has already booted and
/// queued its banner when the caller gets the handle.
pub fn spawn<M: ModemBackend>(
    options: DutOptions,
    modem: M,
    rail: Arc<SupplyRail>,
) -> io::Result<RunningDut<M>> {
    options.validate().map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}: {e}", options.name),
        )
    })?;
    let mut pty = PtyEndpoint::open()?;
    if let Some(link) = &options.link {
        pty.link_at(link)?;
    }
    let serial = pty.path().to_path_buf();
    let mut board = Board::new(options, modem, rail.clone());
    board.poll_power(Instant::now());
    let control = Arc::new(DutControl::new(board, serial, rail));
    RunningDut::start(control, pty)
}
