//! Putting the firmware-under-test on a board: skipped when the board already reports the
//! image's exact id, verified afterwards by asking the firmware for its id.

use std::sync::Arc;
use std::time::Duration;

use hil_at::{AtClient, AtError};
use hil_flash::{FirmwareImage, FlashError, FlashEvent, Flasher, flash_decision};

use crate::board::{Board, BoardState};
use crate::fault::BoardFault;

/// What flashing did on one board, for the bring-up notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlashOutcome {
    /// Not flashed, and why (e.g. the board already runs the image).
    Skipped(String),
    /// Flashed and verified.
    Flashed {
        /// Bytes written.
        bytes: u64,
        /// Time the probe took.
        elapsed: Duration,
        /// One line per phase with its throughput.
        phases: Vec<String>,
    },
}

/// Why a board was not (or not correctly) flashed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FlashBoardError {
    /// The board did not come up, so nothing was written to it.
    #[error("not flashed: {0}")]
    NotReady(Arc<BoardFault>),
    /// The board needs the image but the rack gives it no probe.
    #[error("needs flashing but has no probe in the rack file")]
    NoProbe,
    /// The probe failed.
    #[error(transparent)]
    Flasher(#[from] FlashError),
    /// No boot banner, or no answer to `AT`, after the flash.
    #[error("after flashing, {0}")]
    NotBooted(#[source] hil_at::BootError),
    /// The firmware does not answer `AT#XFWVER` after the flash.
    #[error("after flashing, does not report its firmware id: {0}")]
    NoFirmwareId(#[source] AtError),
    /// Another firmware runs after the flash.
    #[error("after flashing `{wanted}`, reports firmware `{reported}`")]
    WrongFirmware {
        /// The image's id.
        wanted: String,
        /// What the board reported.
        reported: String,
    },
}

/// Flashes `image` onto a ready `board` unless it already runs it. `Err` is an infrastructure
/// error. `force` flashes even a board that already runs the image. `progress` sees every
/// flash event (the CLI draws a progress bar from them).
pub fn flash_board(
    board: &mut Board,
    image: &FirmwareImage,
    force: bool,
    progress: &mut dyn FnMut(&FlashEvent),
) -> Result<FlashOutcome, FlashBoardError> {
    match &mut board.state {
        BoardState::Ready {
            console,
            app_firmware,
            ..
        } => {
            let flasher = board.flasher.as_deref_mut();
            let (outcome, now) = flash_console(console, flasher, image, force, progress)?;
            *app_firmware = now;
            Ok(outcome)
        }
        BoardState::Faulted { fault, .. } => Err(FlashBoardError::NotReady(fault.clone())),
    }
}

/// Flashes through `flasher` and checks the result on `console`; also gives the firmware id
/// the board reports afterwards.
pub(crate) fn flash_console(
    console: &mut AtClient,
    flasher: Option<&mut (dyn Flasher + 'static)>,
    image: &FirmwareImage,
    force: bool,
    progress: &mut dyn FnMut(&FlashEvent),
) -> Result<(FlashOutcome, Option<String>), FlashBoardError> {
    let wanted = image.install_id();
    if !force {
        let reported = console.firmware_id().ok();
        let decision = flash_decision(Some(&wanted), reported.as_deref());
        if !decision.should_flash() {
            let skipped = FlashOutcome::Skipped(decision.reason().to_string());
            return Ok((skipped, reported));
        }
    }
    let flasher = flasher.ok_or(FlashBoardError::NoProbe)?;
    let since = std::time::Instant::now();
    let report = flasher.flash(image, progress)?;
    console
        .wait_boot(since, crate::recover::BOOT_TIMEOUT)
        .map_err(FlashBoardError::NotBooted)?;
    let now = console
        .firmware_id()
        .map_err(FlashBoardError::NoFirmwareId)?;
    if now != wanted {
        return Err(FlashBoardError::WrongFirmware {
            wanted,
            reported: now,
        });
    }
    let outcome = FlashOutcome::Flashed {
        bytes: report.loadable_bytes,
        elapsed: report.elapsed,
        phases: report
            .phases
            .iter()
            .map(|t| match t.bytes_per_second {
                Some(rate) => format!("{} {} B at {rate:.0} B/s", t.phase.name(), t.bytes),
                None => format!("{} {} B", t.phase.name(), t.bytes),
            })
            .collect(),
    };
    Ok((outcome, Some(now)))
}
