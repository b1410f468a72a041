//! The built-in supply check, independent of `%XPOFWARN` (ref §4.2 [F3]): the modem checks
//! the supply against a fixed 3000 mV at the start of every RX/TX; below it the modem
//! disconnects, goes offline and stays there until the application sends `AT+CFUN=1`.
//!
//! This is the one POFWARN behaviour every firmware has, so the case runs on all of them: it
//! turns `%XPOFWARN` off where the command exists (on by default on nRF91x1, ref §4.1 [D7];
//! absent before MFW 1.3.1, ref §4.1 [D8]) so that only the built-in check acts. Whether the
//! modem notifies with a URC and whether a `%CMNG` write is blocked are observations (the
//! reference names neither for this check).

use hil_at::FinalResult;
use hil_lab::Board;
use hil_model::CredentialType;
use hil_runner::{FnCase, Problem};

use super::SUITE;
use super::bench::{self, Bench, ms};
use super::supply::MARGIN_VOLTS;
use super::warning::URC_DEADLINE;
use crate::fixtures;
use crate::support::{CaseResult, Findings, case};

/// The fixed level of the built-in check (ref §4.2 [F3]).
const BUILTIN_VOLTS: f64 = 3.0;

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![case(
        SUITE,
        "builtin_check_3000",
        "%XPOFWARN off, radio on, supply 100 mV below 3.0 V → offline (+CFUN: 4), still offline after the supply recovers, back with AT+CFUN=1",
        |ctx| bench::run(ctx, "builtin_check_3000", builtin_check),
    )]
}

fn builtin_check(b: &mut Bench<'_, '_>) -> CaseResult {
    let mut found = Findings::default();
    let probe = b.tag(0, CredentialType::ROOT_CA);
    only_the_builtin_check(b, probe)?;
    let below = step_below(b)?;
    // ref §4.2 [F3]: below 3000 mV the modem disconnects and goes offline.
    let cfun = b.cfun()?;
    b.observe("+CFUN below 3.0 V", cfun.to_string());
    if cfun != 4 {
        found.deviate(
            format!("+CFUN: {cfun} below 3.0 V"),
            format!(
                "with the radio on and the supply at {below:.3} V the built-in check takes the \
                 modem offline (+CFUN: 4, ref §4.2 [F3])"
            ),
        );
    }
    // OPEN: does the built-in check also block NVM updates (528 is documented for the
    // %XPOFWARN warning, ref §4.3)?
    b.set_cmee(1)?.expect_ok("AT+CMEE=1")?;
    let write = b.probe(probe, CredentialType::ROOT_CA, fixtures::ROOT_CA)?;
    b.observe(
        "%CMNG write below 3.0 V, %XPOFWARN off (OPEN)",
        write.label(),
    );
    after_recovery(b, &mut found)?;
    found.finish(b)
}

/// Offline at the nominal supply with the probe's sec_tag absent; `%XPOFWARN` off where the
/// command exists, so only the built-in check acts; then the radio on.
fn only_the_builtin_check(b: &mut Bench<'_, '_>, probe: u32) -> CaseResult {
    let nominal = b.nominal_volts();
    b.set_volts(nominal)?;
    b.offline()?;
    let _absent_or_deleted = b.cmng_delete(probe, CredentialType::ROOT_CA)?;
    let disabled = b.disarm()?;
    b.observe("AT%XPOFWARN=0", disabled.to_string());
    b.command("AT+CGEREP=1")?.expect_ok("AT+CGEREP=1")?;
    let mdmev = b.command("AT%MDMEV=1")?;
    b.observe("AT%MDMEV=1", mdmev.to_string());
    b.set_cfun(1)?.expect_ok("AT+CFUN=1")
}

/// One step from 100 mV above 3.0 V to 100 mV below it; the notification (if any) observed.
/// Returns the measured volts below.
fn step_below(b: &mut Bench<'_, '_>) -> Result<f64, Problem> {
    let above = b.set_volts(BUILTIN_VOLTS + MARGIN_VOLTS)?;
    b.observe("volts above 3.0 V", format!("{above:.3}"));
    b.mark("step below 3.0 V");
    let target = BUILTIN_VOLTS - MARGIN_VOLTS;
    let sent = b.command_volts(target)?;
    let urc = b.wait_warning(URC_DEADLINE)?;
    let below = b.settle_below(target, BUILTIN_VOLTS)?;
    b.observe("volts below 3.0 V", format!("{below:.3}"));
    b.observe(
        "notification",
        match &urc {
            Some(u) => format!(
                "`{}` after {} ms",
                u.line,
                ms(u.at.saturating_duration_since(sent))
            ),
            None => format!("none within {URC_DEADLINE:?}"),
        },
    );
    Ok(below)
}

/// ref §4.2 [F3]: after the supply recovers the modem stays offline until the application
/// sends `AT+CFUN=1`, which brings it back.
fn after_recovery(b: &mut Bench<'_, '_>, found: &mut Findings) -> CaseResult {
    let nominal = b.nominal_volts();
    let back = b.set_volts(nominal)?;
    b.observe("volts after recovery", format!("{back:.3}"));
    let cfun = b.cfun()?;
    b.observe("+CFUN after the supply recovered", cfun.to_string());
    if cfun != 4 {
        found.deviate(
            format!("+CFUN: {cfun} after the supply recovered"),
            "after the built-in check the modem stays offline until AT+CFUN=1 (ref §4.2 [F3])",
        );
    }
    let online = b.set_cfun(1)?.result();
    let cfun = b.cfun()?;
    if online != FinalResult::Ok || cfun != 1 {
        found.deviate(
            format!("AT+CFUN=1 after recovery: {online}, +CFUN: {cfun}"),
            "the application brings the modem back with AT+CFUN=1 once the supply is back (ref §4.2 [F3], [D6])",
        );
    }
    Ok(())
}
