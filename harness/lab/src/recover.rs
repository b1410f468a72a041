//! Bringing a hung board back: power-cycle it through its supply (or reset it through its
//! probe when it has no supply), wait for the firmware's boot banner, and check the console
//! answers again. No fixed sleeps: every wait is on a measurement or a line, with a deadline.

use std::time::{Duration, Instant};

use hil_power::{GuardedSupply, PowerError};

use crate::board::Board;

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

/// Output off until the measured voltage is near zero, then back on at the nominal voltage,
/// then the banner, then `AT` → `OK`.
pub fn recover(board: &mut Board) -> Result<(), String> {
    if let Some(fault) = &board.fault {
        return Err(fault.clone());
    }
    let name = board.spec.name.clone();
    let nominal = board.nominal_volts;
    let (since, how) = if let Some(supply) = board.supply.as_mut() {
        let since = power_cycle(supply, nominal)
            .map_err(|e| format!("power cycle of `{name}` at {nominal} V: {e}"))?;
        (since, "power cycle")
    } else if let Some(flasher) = board.flasher.as_mut() {
        let since = Instant::now();
        flasher
            .reset()
            .map_err(|e| format!("probe reset of `{name}`: {e}"))?;
        (since, "probe reset")
    } else {
        return Err(format!(
            "`{name}` has neither a supply nor a probe to recover it with"
        ));
    };
    let at = board
        .at
        .as_mut()
        .ok_or_else(|| format!("`{name}` has no console"))?;
    at.wait_boot(since, BOOT_TIMEOUT)
        .map_err(|e| format!("after the {how}, `{name}` {e}"))?;
    at.note(format!("recovered by {how}"));
    board.notes.push(format!("recovered by {how}"));
    Ok(())
}
