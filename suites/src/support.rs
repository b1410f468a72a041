//! What every case needs: access to the board's console and supply as [`Problem`]s, the
//! mapping of console errors to problems, a known starting state, the sec_tags a case used
//! (deleted afterwards: credentials survive reflash and reboot, firmware.md §1.3), and the
//! case's slice of the AT transcript.

use std::sync::Arc;
use std::time::Duration;

use hil_at::{AtClient, AtError, FinalResult, Response};
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_power::GuardedSupply;
use hil_runner::{Case, CaseLog, FnCase, Problem};

/// A case's result.
pub type CaseResult = Result<(), Problem>;

/// First sec_tag of the range the suites write to; far from the tags applications use
/// (nRF Cloud uses 16842753, ref §1.1) and below the modem-reserved range (> 2147483647).
pub const TAG_BASE: u32 = 2_100_000_000;

/// What a case body works with.
pub struct Ctx<'a> {
    pub board: &'a mut Board,
    pub log: &'a mut CaseLog,
    used: Vec<(u32, CredentialType)>,
    tag_base: u32,
}

impl Ctx<'_> {
    /// The console, or an infrastructure problem.
    pub fn at(&mut self) -> Result<&mut AtClient, Problem> {
        self.board
            .console()
            .map_err(|fault| Problem::infra(fault.to_string()))
    }

    /// The supply, or not-applicable when the rack declares none (infrastructure when it
    /// declares one that does not work).
    pub fn supply(&mut self) -> Result<&mut GuardedSupply, Problem> {
        match self.board.power() {
            Ok(Some(supply)) => Ok(supply),
            Ok(None) => Err(Problem::not_applicable(
                "the rack declares no programmable supply for this DUT",
            )),
            Err(e) => Err(Problem::infra(e.to_string())),
        }
    }

    /// A sec_tag for this case, deleted after it. `n` < 10 stays in the case's own range;
    /// a larger `n` reaches into other cases' ranges, which is harmless because cases on a
    /// DUT run one at a time and each deletes what it wrote.
    pub fn tag(&mut self, n: u32, kind: CredentialType) -> u32 {
        let tag = self.tag_base + n;
        if !self.used.contains(&(tag, kind)) {
            self.used.push((tag, kind));
        }
        tag
    }

    /// Records a fact the case measured (shown in reports; the point of characterization).
    pub fn observe(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.log.observe(key, value);
    }

    /// Puts the modem offline with numeric errors: the state provisioning tools use
    /// (`AT+CFUN=4`, `AT+CMEE=1`; ref §3 [P1][F4]).
    pub fn offline(&mut self) -> CaseResult {
        let at = self.at()?;
        ok(at.command("AT+CFUN=4"), "AT+CFUN=4")?;
        ok(at.command("AT+CMEE=1"), "AT+CMEE=1")?;
        Ok(())
    }
}

/// The short signature of a final result, as expectation data spells it:
/// `OK`, `ERROR`, `+CME ERROR: 527`, `+CMS ERROR: 300`.
pub fn signature(result: FinalResult) -> String {
    result.to_string()
}

/// A console error as a problem: no answer is a hang (the runner recovers the board), port
/// trouble is infrastructure, anything else is a deviation in the DUT's behaviour.
pub fn at_problem(err: AtError) -> Problem {
    if err.is_timeout() {
        Problem::hang(err.to_string())
    } else if err.is_infrastructure() {
        Problem::infra(err.to_string())
    } else if let Some(result) = err.final_result() {
        Problem::deviation(signature(result), err.to_string())
    } else {
        Problem::deviation("malformed response", err.to_string())
    }
}

/// The response of a command that must answer `OK`; any other final result is a deviation
/// whose signature is that result, with `what` (the step) in the detail.
pub fn ok(result: Result<Response, AtError>, what: &str) -> Result<Response, Problem> {
    let response = result.map_err(at_problem)?;
    if response.is_ok() {
        Ok(response)
    } else {
        Err(Problem::deviation(
            signature(response.result),
            format!("{what}: expected OK, got {}", response.result),
        ))
    }
}

/// The final result of a transaction, whether the client took it as success or not; only a
/// missing answer or port trouble is a problem.
pub fn final_of(result: Result<Response, AtError>) -> Result<FinalResult, Problem> {
    match result {
        Ok(response) => Ok(response.result),
        Err(err) => match err.final_result() {
            Some(result) => Ok(result),
            None => Err(at_problem(err)),
        },
    }
}

/// A command expected to fail with `code`; `OK` or another code is a deviation whose
/// signature is what was seen.
pub fn expect_cme(
    result: Result<Response, AtError>,
    code: CmeCode,
    what: &str,
) -> Result<(), Problem> {
    let seen = final_of(result)?;
    if seen == FinalResult::CmeError(code.0) {
        Ok(())
    } else {
        Err(Problem::deviation(
            signature(seen),
            format!(
                "{what}: expected +CME ERROR: {} ({}), got {seen}",
                code.0,
                code.meaning()
            ),
        ))
    }
}

/// A deviation built from what was seen and what the reference says.
pub fn deviation(seen: impl Into<String>, detail: impl Into<String>) -> Problem {
    Problem::deviation(seen, detail)
}

/// The final result of a response, for observations.
pub fn seen(response: &Result<Response, AtError>) -> String {
    match response {
        Ok(r) => signature(r.result),
        Err(e) => match e.final_result() {
            Some(result) => signature(result),
            None if e.is_timeout() => "no answer".to_string(),
            None => format!("error: {e}"),
        },
    }
}

/// Builds a case from a body; the wrapper gives every case the same frame: refuse a faulted
/// board, start a fresh transcript slice, run, restore the supply, delete the case's sec_tags,
/// and keep the transcript.
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
            let at = board
                .console()
                .map_err(|fault| Problem::infra(fault.to_string()))?;
            let _ = at.take_urcs();
            at.take_transcript();
            let mut ctx = Ctx {
                board,
                log,
                used: Vec::new(),
                tag_base,
            };
            let outcome = body(&mut ctx);
            if matches!(outcome, Err(Problem::Hang(_))) && !ctx.used.is_empty() {
                // The console is wedged: bring the board back before deleting what the case
                // wrote (the runner recovers it again before the next case, as for every hang).
                use hil_runner::DutSession;
                if let Err(e) = ctx.board.recover() {
                    ctx.log
                        .note(format!("cleanup skipped, the board did not recover: {e}"));
                    ctx.used.clear();
                }
            }
            let cleanup = cleanup(&mut ctx);
            if let Ok(at) = ctx.board.console() {
                ctx.log.transcript(&at.transcript().to_text());
            }
            match (outcome, cleanup) {
                (Err(problem), _) => Err(problem),
                (Ok(()), Err(problem)) => Err(problem),
                (Ok(()), Ok(())) => Ok(()),
            }
        },
    )
}

/// Restores the nominal supply voltage and deletes the sec_tags the case used. A power-off
/// warning that outlives the supply restore is cleared by a power cycle first.
fn cleanup(ctx: &mut Ctx) -> CaseResult {
    let nominal = ctx.board.nominal_volts;
    if let Ok(Some(supply)) = ctx.board.power()
        && (supply.setpoint() != Some(nominal) || supply.output() != Some(true))
    {
        supply
            .set_voltage(nominal)
            .and_then(|_| supply.set_output(true))
            .map_err(|e| Problem::infra(format!("restoring the supply: {e}")))?;
    }
    if ctx.used.is_empty() {
        return Ok(());
    }
    let used = std::mem::take(&mut ctx.used);
    let mut attempt = delete_all(ctx, &used);
    if matches!(&attempt, Err(left) if left.iter().any(|(_, r)| r.cme() == Some(CmeCode::POWER_OFF_WARNING)))
    {
        // The warning outlived the supply restore: clear it the way the lab clears a hang.
        use hil_runner::DutSession;
        ctx.board
            .recover()
            .map_err(|e| Problem::infra(format!("clearing the power-off warning: {e}")))?;
        attempt = delete_all(ctx, &used);
    }
    match attempt {
        Ok(()) => Ok(()),
        Err(left) => Err(Problem::infra(format!(
            "cleanup left credentials on the board: {}",
            left.iter()
                .map(|((tag, kind), r)| format!("{tag},{} ({})", kind.0, r.result))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

type Left = Vec<((u32, CredentialType), Response)>;

fn delete_all(ctx: &mut Ctx, used: &[(u32, CredentialType)]) -> Result<(), Left> {
    let Ok(at) = ctx.board.console() else {
        return Ok(());
    };
    let _ = at.command_timeout("AT+CFUN=4", Duration::from_secs(5));
    let _ = at.command_timeout("AT+CMEE=1", Duration::from_secs(5));
    let mut left = Vec::new();
    for &(tag, kind) in used {
        match at.command(&format!("AT%CMNG=3,{tag},{}", kind.0)) {
            Ok(r) if r.is_ok() || r.cme() == Some(CmeCode::NOT_FOUND) => {}
            // Plain ERROR (CMEE lost) for an absent item is also fine.
            Ok(r) if r.result == FinalResult::Error => {}
            Ok(r) => left.push(((tag, kind), r)),
            Err(_) => {}
        }
    }
    if left.is_empty() { Ok(()) } else { Err(left) }
}

fn stable_hash(suite: &str, name: &str) -> u32 {
    // FNV-1a: stable across runs and platforms, so a case always uses the same tags.
    let mut h: u32 = 0x811c_9dc5;
    for b in suite.bytes().chain([b':']).chain(name.bytes()) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Boxes cases for the runner.
pub fn boxed(cases: Vec<FnCase<Board>>) -> Vec<Arc<dyn Case<Board>>> {
    cases
        .into_iter()
        .map(|c| Arc::new(c) as Arc<dyn Case<Board>>)
        .collect()
}
