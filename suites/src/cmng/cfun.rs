//! The functional-mode matrix (ref §3): write and delete are refused with 518 while the modem
//! is active (`+CFUN` 1, 2, 21; CONFIRMED [D1][D3]) and allowed offline (0, 4); GNSS-only modes
//! 31/41/44 are not named (OPEN, observed). Read and list have no documented restriction.

use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::FnCase;

use crate::fixtures::ROOT_CA;
use crate::support::{CaseResult, Ctx, at_problem, case, deviation, final_of, ok};

/// Every mode the reference lists for the matrix (ref §10.4).
const MODES: [u8; 8] = [0, 1, 2, 4, 21, 31, 41, 44];
/// Modes in which updates are refused with 518 (ref §3 [D1]).
const ACTIVE: [u8; 3] = [1, 2, 21];
/// Modes in which updates are documented to work.
const OFFLINE: [u8; 2] = [0, 4];

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![
        case(
            "cmng",
            "cfun_write_delete",
            "write and delete give 518 in CFUN 1/2/21 and succeed in CFUN 0/4; 31/41/44 observed",
            write_delete,
        ),
        case(
            "cmng",
            "cfun_read_list",
            "read and list work in every CFUN mode",
            read_list,
        ),
    ]
}

/// Sets `mode`, then numeric errors again: whether CMEE survives a CFUN change is OPEN
/// (ref §2.2), and this matrix is about 518, not about CMEE.
fn set_mode(ctx: &mut Ctx, mode: u8) -> Result<bool, hil_runner::Problem> {
    let result = final_of(ctx.at()?.exchange(&format!("AT+CFUN={mode}")))?;
    if !result.is_ok() {
        ctx.observe(format!("CFUN={mode}"), format!("mode refused: {result}"));
        return Ok(false);
    }
    ok(ctx.at()?.command("AT+CMEE=1"), "AT+CMEE=1")?;
    Ok(true)
}

fn write_delete(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    let mut problems = Vec::new();
    for mode in MODES {
        // A stored item to delete, written offline.
        ok(ctx.at()?.command("AT+CFUN=4"), "AT+CFUN=4")?;
        let _ = ctx.at()?.exchange(&format!("AT%CMNG=3,{tag},0"));
        ok(
            ctx.at()?.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA),
            "offline write",
        )?;
        if !set_mode(ctx, mode)? {
            continue;
        }
        let at = ctx.at()?;
        let delete = at.exchange(&format!("AT%CMNG=3,{tag},0"));
        let write = at.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA);
        let (delete, write) = (final_of(delete)?, final_of(write)?);
        ctx.observe(format!("CFUN={mode}: delete"), delete.to_string());
        ctx.observe(format!("CFUN={mode}: write"), write.to_string());
        let want_518 = ACTIVE.contains(&mode);
        for (op, got) in [("delete", delete), ("write", write)] {
            let refused = got == hil_at::FinalResult::CmeError(CmeCode::NOT_ALLOWED_ACTIVE.0);
            if want_518 && !refused {
                problems.push(format!("CFUN={mode} {op}: {got} (reference 518)"));
            }
            if OFFLINE.contains(&mode) && !got.is_ok() {
                problems.push(format!("CFUN={mode} {op}: {got} (reference OK)"));
            }
        }
    }
    ok(ctx.at()?.command("AT+CFUN=4"), "back offline")?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(deviation("CFUN matrix", problems.join("; ")))
    }
}

fn read_list(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(1, CredentialType::ROOT_CA);
    ok(
        ctx.at()?.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA),
        "write",
    )?;
    let mut problems = Vec::new();
    for mode in MODES {
        if !set_mode(ctx, mode)? {
            continue;
        }
        let at = ctx.at()?;
        match at.cmng_read(tag, CredentialType::ROOT_CA) {
            Ok(item) if item.content == ROOT_CA => {}
            Ok(_) => problems.push(format!("CFUN={mode} read: content differs")),
            Err(e) => problems.push(format!("CFUN={mode} read: {}", at_problem(e))),
        }
        match at.cmng_list(hil_at::CmngFilter::Tag(tag)) {
            Ok(items) if items.len() == 1 => {}
            Ok(items) => problems.push(format!("CFUN={mode} list: {} items", items.len())),
            Err(e) => problems.push(format!("CFUN={mode} list: {}", at_problem(e))),
        }
    }
    ok(ctx.at()?.command("AT+CFUN=4"), "back offline")?;
    if problems.is_empty() {
        Ok(())
    } else {
        Err(deviation("read/list refused", problems.join("; ")))
    }
}
