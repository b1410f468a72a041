//! The functional-mode matrix (ref §3): write and delete are refused with 518 while the modem
//! is active (`+CFUN` 1, 2, 21; CONFIRMED [D1][D3]) and allowed offline (0, 4); GNSS-only modes
//! 31/41/44 are not named (OPEN, observed). Read and list have no documented restriction.

use hil_at::{CmngFilter, FinalResult};
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::{FnCase, Problem};

use crate::fixtures::ROOT_CA;
use crate::support::{CaseResult, Ctx, Reply, case, deviation};

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
/// (ref §2.2), and this matrix is about 518, not about CMEE. False (observed) when the modem
/// refuses the mode.
fn set_mode(ctx: &mut Ctx, mode: u8) -> Result<bool, Problem> {
    let result = ctx.set_cfun(mode)?;
    if !result.is_ok() {
        ctx.observe(format!("CFUN={mode}"), format!("mode refused: {result}"));
        return Ok(false);
    }
    ctx.set_cmee(1)?.expect_ok("AT+CMEE=1")?;
    Ok(true)
}

/// The matrix's verdict: the problems found, or none.
fn verdict(signature: &str, problems: Vec<String>) -> CaseResult {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(deviation(signature, problems.join("; ")))
    }
}

fn write_delete(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(0, CredentialType::ROOT_CA);
    let mut problems = Vec::new();
    for mode in MODES {
        // A stored item to delete, written offline.
        ctx.set_cfun(4)?.expect_ok("AT+CFUN=4")?;
        let _absent_or_deleted = ctx.cmng_delete(tag, CredentialType::ROOT_CA)?;
        ctx.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA)?
            .expect_ok("offline write")?;
        if !set_mode(ctx, mode)? {
            continue;
        }
        let delete = ctx.cmng_delete(tag, CredentialType::ROOT_CA)?.result();
        let write = ctx
            .cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA)?
            .result();
        ctx.observe(format!("CFUN={mode}: delete"), delete.to_string());
        ctx.observe(format!("CFUN={mode}: write"), write.to_string());
        problems.extend(judge_update(mode, [("delete", delete), ("write", write)]));
    }
    ctx.set_cfun(4)?.expect_ok("back offline")?;
    verdict("CFUN matrix", problems)
}

/// An update in `mode` against the reference: 518 in the active modes, `OK` offline.
fn judge_update(mode: u8, results: [(&str, FinalResult); 2]) -> Vec<String> {
    let mut problems = Vec::new();
    for (op, got) in results {
        let refused = got == FinalResult::CmeError(CmeCode::NOT_ALLOWED_ACTIVE.0);
        if ACTIVE.contains(&mode) && !refused {
            problems.push(format!("CFUN={mode} {op}: {got} (reference 518)"));
        }
        if OFFLINE.contains(&mode) && !got.is_ok() {
            problems.push(format!("CFUN={mode} {op}: {got} (reference OK)"));
        }
    }
    problems
}

fn read_list(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(1, CredentialType::ROOT_CA);
    ctx.cmng_write(tag, CredentialType::ROOT_CA, ROOT_CA)?
        .expect_ok("write")?;
    let mut problems = Vec::new();
    for mode in MODES {
        if !set_mode(ctx, mode)? {
            continue;
        }
        match ctx.cmng_read(tag, CredentialType::ROOT_CA)? {
            Reply::Ok(item) if item.content == ROOT_CA => {}
            Reply::Ok(_) => problems.push(format!("CFUN={mode} read: content differs")),
            Reply::Refused(r) => problems.push(format!("CFUN={mode} read: {r}")),
        }
        match ctx.cmng_list(CmngFilter::Tag(tag))? {
            Reply::Ok(items) if items.len() == 1 => {}
            Reply::Ok(items) => problems.push(format!("CFUN={mode} list: {} items", items.len())),
            Reply::Refused(r) => problems.push(format!("CFUN={mode} list: {r}")),
        }
    }
    ctx.set_cfun(4)?.expect_ok("back offline")?;
    verdict("read/list refused", problems)
}
