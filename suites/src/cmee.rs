//! Error reporting (ref §2.2): `+CMEE=0` gives a plain `ERROR`, `1` and `2` give numeric
//! `+CME ERROR: <n>` (the nRF9151 stays numeric even for 2, [F4]); the default after boot and
//! whether the setting survives `CFUN=0` are OPEN and characterized.

use std::sync::Arc;
use std::time::Duration;

use hil_at::FinalResult;
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::Case;

use crate::support::{CaseResult, Ctx, at_problem, boxed, case, deviation, final_of, ok};

pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    boxed(vec![
        case(
            "cmee",
            "error_modes",
            "CMEE 0 gives ERROR, CMEE 1 and 2 give a numeric +CME ERROR for a missing credential",
            error_modes,
        ),
        case(
            "cmee",
            "default_and_persistence",
            "characterizes CMEE after a reset and across CFUN=0 (OPEN, ref §2.2)",
            default_and_persistence,
        ),
    ])
}

fn delete_missing(ctx: &mut Ctx) -> Result<FinalResult, hil_runner::Problem> {
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    let at = ctx.at()?;
    final_of(at.exchange(&format!("AT%CMNG=3,{tag},0")))
}

fn error_modes(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let expected = [
        (0u8, FinalResult::Error),
        (1, FinalResult::CmeError(CmeCode::NOT_FOUND.0)),
        // ref §2.2 [F4]: verbose mode still answers numerically.
        (2, FinalResult::CmeError(CmeCode::NOT_FOUND.0)),
    ];
    let mut first_deviation = None;
    for (mode, want) in expected {
        ok(ctx.at()?.command(&format!("AT+CMEE={mode}")), "set CMEE")?;
        let got = delete_missing(ctx)?;
        ctx.observe(
            format!("CMEE={mode}: delete of a missing credential"),
            got.to_string(),
        );
        if got != want && first_deviation.is_none() {
            first_deviation = Some(deviation(
                format!("CMEE={mode}: {got}"),
                format!(
                    "with AT+CMEE={mode} a delete of a missing credential gave {got}, the reference is {want} (ref §2.2)"
                ),
            ));
        }
    }
    ok(ctx.at()?.command("AT+CMEE=1"), "restore CMEE=1")?;
    first_deviation.map_or(Ok(()), Err)
}

fn default_and_persistence(ctx: &mut Ctx) -> CaseResult {
    let at = ctx.at()?;
    at.reset_and_wait(Duration::from_secs(10))
        .map_err(at_problem)?;
    let after_reset = at.cmee().map_err(at_problem)?;
    ctx.observe("CMEE after reset", after_reset.to_string());
    let at = ctx.at()?;
    ok(at.command("AT+CMEE=1"), "AT+CMEE=1")?;
    ok(at.command("AT+CFUN=0"), "AT+CFUN=0")?;
    let after_cfun0 = at.cmee().map_err(at_problem)?;
    ctx.observe("CMEE=1 after CFUN=0", after_cfun0.to_string());
    ok(ctx.at()?.command("AT+CMEE=1"), "restore CMEE=1")?;
    Ok(())
}
