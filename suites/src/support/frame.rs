//! The frame every case runs in: refuse a faulted board, start a fresh transcript slice and
//! the power recording, run the body, restore the supply, delete the case's sec_tags, attach
//! the power timeline, keep the transcript.

use std::sync::Arc;
use std::time::Duration;

use hil_at::FinalResult;
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::{Case, CaseLog, DutSession, FnCase, Problem};

use super::{CaseResult, Ctx, board_problem};

/// First sec_tag of the range the suites write to; far from the tags applications use
/// (nRF Cloud uses 16842753, ref §1.1) and below the modem-reserved range (> 2147483647).
pub const TAG_BASE: u32 = 2_100_000_000;

/// Builds the case `<suite>::<name>` from a body. `description` is one line saying what the
/// case checks (shown in reports). Each case gets its own ten sec_tags ([`Ctx::tag`]), stable
/// across runs, derived from its id.
pub fn case(
    suite: &'static str,
    name: &'static str,
    description: &'static str,
    body: impl Fn(&mut Ctx) -> CaseResult + Send + Sync + 'static,
) -> FnCase<Board> {
    let tag_base = TAG_BASE + (stable_hash(suite, name) % 100_000) * 10;
    FnCase::new(
        suite,
        name,
        description,
        move |board: &mut Board, log: &mut CaseLog| {
            start(board)?;
            let mut ctx = Ctx::new(board, log, tag_base);
            ctx.start_power_capture();
            let outcome = body(&mut ctx);
            finish(&mut ctx, outcome, suite, name)
        },
    )
}

/// Boxes cases for the runner (what a suite's `cases()` returns).
pub fn boxed(cases: Vec<FnCase<Board>>) -> Vec<Arc<dyn Case<Board>>> {
    cases
        .into_iter()
        .map(|c| Arc::new(c) as Arc<dyn Case<Board>>)
        .collect()
}

/// A faulted board is refused (infrastructure); otherwise URCs and transcript of earlier
/// cases are dropped, so the case's transcript is its own.
fn start(board: &mut Board) -> CaseResult {
    let at = board.console().map_err(board_problem)?;
    let _ = at.take_urcs();
    at.take_transcript();
    Ok(())
}

/// After the body: recover a hung board before cleaning up, clean up, attach the power
/// timeline, keep the transcript. The body's problem wins over a cleanup problem.
fn finish(ctx: &mut Ctx, outcome: CaseResult, suite: &str, name: &str) -> CaseResult {
    if matches!(outcome, Err(Problem::Hang(_))) && !ctx.used.is_empty() {
        // The console is wedged: bring the board back before deleting what the case wrote (the
        // runner recovers it again before the next case, as for every hang).
        if let Err(e) = ctx.board.recover() {
            ctx.note(format!("cleanup skipped, the board did not recover: {e}"));
            ctx.used.clear();
        }
    }
    let cleanup = cleanup(ctx);
    ctx.finish_power_capture(suite, name);
    if let Ok(at) = ctx.board.console() {
        ctx.log.transcript(&at.transcript().to_text());
    }
    outcome.and(cleanup)
}

/// Restores the nominal supply voltage and deletes the sec_tags the case used. A power-off
/// warning that outlives the supply restore (528 on the delete) is cleared by a power cycle
/// first.
fn cleanup(ctx: &mut Ctx) -> CaseResult {
    restore_supply(ctx)?;
    if ctx.used.is_empty() {
        return Ok(());
    }
    let used = std::mem::take(&mut ctx.used);
    let mut attempt = delete_all(ctx, &used);
    if matches!(&attempt, Err(left) if left.iter().any(|(_, r)| *r == FinalResult::CmeError(CmeCode::POWER_OFF_WARNING.0)))
    {
        ctx.power_cycle("clear the power-off warning before deleting the case's credentials")
            .map_err(|p| Problem::infra(format!("clearing the power-off warning: {p}")))?;
        attempt = delete_all(ctx, &used);
    }
    attempt.map_err(|left| {
        Problem::infra(format!(
            "cleanup left credentials on the board: {}",
            left.iter()
                .map(|((tag, kind), r)| format!("{tag},{} ({r})", kind.0))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// The supply back at the nominal voltage with its output on, when the case changed either.
fn restore_supply(ctx: &mut Ctx) -> CaseResult {
    let nominal = ctx.nominal_volts();
    if let Ok(Some(supply)) = ctx.board.power()
        && (supply.setpoint() != Some(nominal) || supply.output() != Some(true))
    {
        supply
            .set_voltage(nominal)
            .and_then(|_| supply.set_output(true))
            .map_err(|e| Problem::infra(format!("restoring the supply: {e}")))?;
    }
    Ok(())
}

/// What a cleanup could not delete, with the answer it got.
type Left = Vec<((u32, CredentialType), FinalResult)>;

/// Deletes every `(tag, type)` offline. Absent items (513, or plain `ERROR` when CMEE was
/// lost) are fine; an unanswered delete is left to the runner's recovery.
fn delete_all(ctx: &mut Ctx, used: &[(u32, CredentialType)]) -> Result<(), Left> {
    let Ok(at) = ctx.board.console() else {
        return Ok(());
    };
    let _ = at.command_timeout("AT+CFUN=4", Duration::from_secs(5));
    let _ = at.command_timeout("AT+CMEE=1", Duration::from_secs(5));
    let mut left = Vec::new();
    for &(tag, kind) in used {
        match at.cmng_delete(tag, kind).map_err(|e| e.final_result()) {
            Ok(_) | Err(None) => {}
            Err(Some(r))
                if r == FinalResult::Error || r == FinalResult::CmeError(CmeCode::NOT_FOUND.0) => {}
            Err(Some(r)) => left.push(((tag, kind), r)),
        }
    }
    if left.is_empty() { Ok(()) } else { Err(left) }
}

/// FNV-1a of the case id: stable across runs and platforms, so a case always uses the same tags.
fn stable_hash(suite: &str, name: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in suite.bytes().chain([b':']).chain(name.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}
