//! Error reporting (ref §2.2): `+CMEE=0` gives a plain `ERROR`, `1` and `2` give numeric
//! `+CME ERROR: <n>` (the nRF9151 stays numeric even for 2, [F4]); the default after boot and
//! whether the setting survives `CFUN=0` are OPEN and characterized.

use std::sync::Arc;

use hil_at::FinalResult;
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::{Case, Problem};

use crate::support::{CaseResult, Ctx, Findings, boxed, case};

/// The suite's cases in run order.
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

/// The final result of deleting a credential that is not there.
fn delete_missing(ctx: &mut Ctx) -> Result<FinalResult, Problem> {
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    Ok(ctx.cmng_delete(tag, CredentialType::ROOT_CA)?.result())
}

fn error_modes(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let expected = [
        (0u8, FinalResult::Error),
        (1, FinalResult::CmeError(CmeCode::NOT_FOUND.0)),
        // ref §2.2 [F4]: verbose mode still answers numerically.
        (2, FinalResult::CmeError(CmeCode::NOT_FOUND.0)),
    ];
    let mut found = Findings::default();
    for (mode, want) in expected {
        ctx.set_cmee(mode)?.expect_ok("set CMEE")?;
        let got = delete_missing(ctx)?;
        ctx.observe(
            format!("CMEE={mode}: delete of a missing credential"),
            got.to_string(),
        );
        if got != want {
            found.deviate(
                format!("CMEE={mode}: {got}"),
                format!(
                    "with AT+CMEE={mode} a delete of a missing credential gave {got}, the reference is {want} (ref §2.2)"
                ),
            );
        }
    }
    ctx.set_cmee(1)?.expect_ok("restore CMEE=1")?;
    found.finish(ctx)
}

fn default_and_persistence(ctx: &mut Ctx) -> CaseResult {
    ctx.reset()?;
    let after_reset = ctx.cmee()?;
    ctx.observe("CMEE after reset", after_reset.to_string());
    ctx.set_cmee(1)?.expect_ok("AT+CMEE=1")?;
    ctx.set_cfun(0)?.expect_ok("AT+CFUN=0")?;
    let after_cfun0 = ctx.cmee()?;
    ctx.observe("CMEE=1 after CFUN=0", after_cfun0.to_string());
    ctx.set_cmee(1)?.expect_ok("restore CMEE=1")
}
