//! Bringing a hung board back: power-cycle it through its supply (or reset it through its
//! probe when it has no supply), wait for the firmware's boot banner, and check the console
//! answers again. No fixed sleeps: every wait is on a measurement or a line, with a deadline.

use std::time::Duration;

use crate::board::Board;

/// How long a board may take to print its banner after power returns.
pub const BOOT_TIMEOUT: Duration = Duration::from_secs(10);

/// Output off until the measured voltage is near zero, then back on at the nominal voltage,
/// then the banner, then `AT` → `OK`.
pub fn recover(board: &mut Board) -> Result<(), String> {
    if let Some(fault) = &board.fault {
        return Err(fault.clone());
    }
    let name = board.spec.name.clone();
    let nominal = board.nominal_volts;
    let how = if let Some(supply) = board.supply.as_mut() {
        supply
            .set_output(false)
            .map_err(|e| format!("power cycle of `{name}`: output off: {e}"))?;
        supply
            .set_voltage(nominal)
            .map_err(|e| format!("power cycle of `{name}`: set {nominal} V: {e}"))?;
        // Clear stale console input before power returns, so the banner is what we wait on.
        if let Some(at) = board.at.as_mut() {
            let _ = at.take_urcs();
        }
        board
            .supply
            .as_mut()
            .expect("checked above")
            .set_output(true)
            .map_err(|e| format!("power cycle of `{name}`: output on: {e}"))?;
        "power cycle"
    } else if let Some(flasher) = board.flasher.as_mut() {
        flasher
            .reset()
            .map_err(|e| format!("probe reset of `{name}`: {e}"))?;
        "probe reset"
    } else {
        return Err(format!(
            "`{name}` has neither a supply nor a probe to recover it with"
        ));
    };
    let at = board
        .at
        .as_mut()
        .ok_or_else(|| format!("`{name}` has no console"))?;
    at.wait_ready(BOOT_TIMEOUT)
        .map_err(|e| format!("after the {how}, `{name}` printed no READY banner: {e}"))?;
    at.command("AT")
        .and_then(|r| r.check())
        .map_err(|e| format!("after the {how}, `{name}` does not answer AT: {e}"))?;
    at.note(format!("recovered by {how}"));
    board.notes.push(format!("recovered by {how}"));
    Ok(())
}
