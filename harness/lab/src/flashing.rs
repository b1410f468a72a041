//! Putting the firmware-under-test on a board: skipped when the board already reports the
//! image's exact id, verified afterwards by asking the firmware for its id.

use std::time::Duration;

use hil_flash::{FirmwareImage, FlashEvent, flash_decision};

use crate::board::Board;

/// What flashing did on one board, for the bring-up notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlashOutcome {
    Skipped(String),
    Flashed {
        bytes: u64,
        elapsed: Duration,
        /// One line per phase with its throughput.
        phases: Vec<String>,
    },
}

/// Flashes `image` onto `board` unless it already runs it. `Err` is an infrastructure error.
/// `force` flashes even a board that already runs the image. `progress` sees every flash
/// event (the CLI draws a progress bar from them).
pub fn flash_board(
    board: &mut Board,
    image: &FirmwareImage,
    force: bool,
    progress: &mut dyn FnMut(&FlashEvent),
) -> Result<FlashOutcome, String> {
    let name = board.spec.name.clone();
    let wanted = image.install_id();
    if !force {
        let reported = board.at.as_mut().and_then(|at| at.firmware_id().ok());
        let decision = flash_decision(Some(&wanted), reported.as_deref());
        if !decision.should_flash() {
            board.app_firmware = reported;
            return Ok(FlashOutcome::Skipped(decision.reason().to_string()));
        }
    }
    let flasher = board
        .flasher
        .as_mut()
        .ok_or_else(|| format!("`{name}` needs flashing but has no probe in the rack file"))?;
    let since = std::time::Instant::now();
    let report = flasher
        .flash(image, progress)
        .map_err(|e| format!("flashing `{name}`: {e}"))?;
    let at = board
        .at
        .as_mut()
        .ok_or_else(|| format!("`{name}` has no console to verify the flash"))?;
    at.wait_boot(since, crate::recover::BOOT_TIMEOUT)
        .map_err(|e| format!("after flashing, `{name}` {e}"))?;
    let now = at
        .firmware_id()
        .map_err(|e| format!("after flashing, `{name}` does not report its firmware id: {e}"))?;
    if now != wanted {
        return Err(format!(
            "after flashing `{wanted}`, `{name}` reports firmware `{now}`"
        ));
    }
    board.app_firmware = Some(now);
    Ok(FlashOutcome::Flashed {
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
    })
}
