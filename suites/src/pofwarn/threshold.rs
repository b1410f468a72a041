//! One case per `%XPOFWARN` threshold (3.0, 3.1, 3.2, 3.3 V): the reference behaviour of a
//! warning driven by the supply.
//!
//! With the radio on, `+CGEREP=1`, `%MDMEV=1` and `AT%XPOFWARN=1,<30..33>`, one supply step
//! from 100 mV above the threshold to 100 mV below it must bring `+CGEV: ME BATTERY LOW` and
//! `%MDMEV: ME BATTERY LOW` (ref §4.2 [D6]), leave the modem offline (`+CFUN: 4`, ref §4.2
//! [D6]), and refuse a `%CMNG` write and delete with 528 (ref §4.3 [D1][D2]); a read-back after
//! a power cycle must show nothing changed (ref §4.3 [C5]). The URC latency (from the set
//! command of the step; the supply's slew over 100 mV bounds the error), the volts on both
//! sides, `%XVBAT` and what a list does during the warning (OPEN, ref §4.3) are observations.

use hil_at::FinalResult;
use hil_lab::Board;
use hil_model::CredentialType;
use hil_runner::{FnCase, Problem};

use super::SUITE;
use super::bench::{
    self, Bench, CGEV_LOW, CME_528, Findings, MARGIN_VOLTS, MDMEV_LOW, SILENT_DROP, URC_DEADLINE,
    WRITE_PERSISTED, ms, volts,
};
use crate::fixtures;
use crate::support::{CaseResult, at_problem, case, ok, signature};

const ROOT_CA: CredentialType = CredentialType::ROOT_CA;

/// (threshold mV, case name, description): names are stable ids used by expectation data.
const CASES: [(u16, &str, &str); 4] = [
    (
        3000,
        "threshold_3000",
        "%XPOFWARN at 3.0 V: supply 100 mV below → +CGEV/%MDMEV ME BATTERY LOW, offline, 528 on %CMNG write and delete, nothing stored",
    ),
    (
        3100,
        "threshold_3100",
        "%XPOFWARN at 3.1 V: supply 100 mV below → +CGEV/%MDMEV ME BATTERY LOW, offline, 528 on %CMNG write and delete, nothing stored",
    ),
    (
        3200,
        "threshold_3200",
        "%XPOFWARN at 3.2 V: supply 100 mV below → +CGEV/%MDMEV ME BATTERY LOW, offline, 528 on %CMNG write and delete, nothing stored",
    ),
    (
        3300,
        "threshold_3300",
        "%XPOFWARN at 3.3 V: supply 100 mV below → +CGEV/%MDMEV ME BATTERY LOW, offline, 528 on %CMNG write and delete, nothing stored",
    ),
];

pub(super) fn cases() -> Vec<FnCase<Board>> {
    CASES
        .iter()
        .map(|&(mv, name, description)| {
            case(SUITE, name, description, move |ctx| {
                bench::run(ctx, name, |b| threshold(b, mv))
            })
        })
        .collect()
}

fn threshold(b: &mut Bench<'_, '_>, mv: u16) -> CaseResult {
    let level = volts(mv);
    let nominal = b.nominal();
    let mut found = Findings::default();
    // `kept` exists before the warning (the delete target), `fresh` does not (the write target).
    let kept = b.ctx.tag(0, ROOT_CA);
    let fresh = b.ctx.tag(1, ROOT_CA);

    // Known state at the nominal supply: offline with numeric errors (ref §3 [P1]).
    b.set_volts(nominal)?;
    b.ctx.offline()?;
    ok(
        b.at()?.cmng_write(kept, ROOT_CA, fixtures::ROOT_CA),
        "writing the delete target at the nominal supply",
    )?;
    b.delete(fresh, ROOT_CA)?;
    let kept_digest = b.digest(kept, ROOT_CA)?.ok_or_else(|| {
        Problem::deviation(
            "write not listed",
            format!("sec_tag {kept} written at the nominal supply is not listed"),
        )
    })?;
    if b.digest(fresh, ROOT_CA)?.is_some() {
        return Err(Problem::infra(format!(
            "sec_tag {fresh} is still listed after its delete"
        )));
    }

    // An application's state: radio on (so going offline is visible), both URCs subscribed,
    // the warning armed (ref §4.1 [D6], §4.2 [D6]).
    ok(b.at()?.set_cfun(1), "AT+CFUN=1")?;
    b.subscribe()?;
    b.arm(mv)?;
    let above = b.set_volts(level + MARGIN_VOLTS)?;
    b.observe("volts above the threshold", format!("{above:.3}"));
    if let Some(early) = b.take_warnings()?.first() {
        found.deviate(
            "warning above the threshold",
            format!(
                "`{}` with the supply at {above:.3} V, above the {mv} mV threshold (ref §4.1 [D6])",
                early.line
            ),
        );
    }

    // One step across the threshold; the URCs are timed from its set command.
    b.mark(format!("step across {mv} mV"));
    let sent = b.command_volts(level - MARGIN_VOLTS)?;
    let cgev = b.wait_urc(CGEV_LOW, URC_DEADLINE)?;
    let mdmev = b.wait_urc(MDMEV_LOW, URC_DEADLINE)?;
    let below = b.settle()?;
    if below >= level {
        return Err(Problem::infra(format!(
            "the supply measured {below:.3} V after a set point of {:.3} V: not below {mv} mV",
            level - MARGIN_VOLTS
        )));
    }
    b.observe("volts below the threshold", format!("{below:.3}"));
    for (urc, line) in [(&cgev, CGEV_LOW), (&mdmev, MDMEV_LOW)] {
        match urc {
            Some(u) => b.observe(
                format!("`{line}` latency ms"),
                ms(u.at.saturating_duration_since(sent)),
            ),
            None => {
                b.observe(format!("`{line}` latency ms"), "none");
                found.deviate(
                    format!("no {line}"),
                    format!(
                        "nothing within {URC_DEADLINE:?} of the supply stepping below {mv} mV (ref §4.2 [D6])"
                    ),
                );
            }
        }
    }

    // ref §4.2 [D6]: the modem switches itself offline.
    let cfun = b.at()?.cfun().map_err(at_problem)?;
    b.observe("+CFUN during the warning", cfun.to_string());
    if cfun != 4 {
        found.deviate(
            format!("+CFUN: {cfun} during the warning"),
            "the modem switches itself offline when the warning fires (+CFUN: 4, ref §4.2 [D6])",
        );
    }
    match b.at()?.xvbat() {
        Ok(mv) => b.observe("%XVBAT during the warning (mV)", mv.to_string()),
        Err(e) => b.observe("%XVBAT during the warning (mV)", e.to_string()),
    }

    // ref §4.3 [D1][D2]: updates are refused with 528 while the warning is active.
    ok(b.at()?.command("AT+CMEE=1"), "AT+CMEE=1")?;
    let write = b.write(fresh, ROOT_CA, fixtures::ROOT_CA)?;
    let delete = b.delete(kept, ROOT_CA)?;
    b.observe("%CMNG write during the warning", write.to_string());
    b.observe("%CMNG delete during the warning", delete.to_string());
    // OPEN (ref §4.3): Nordic support says reads are blocked too; the doc says updates only.
    let list = match b.listed(kept, ROOT_CA)? {
        Ok(Some(_)) => "OK, listed".to_string(),
        Ok(None) => "OK, not listed".to_string(),
        Err(r) => r.to_string(),
    };
    b.observe("%CMNG list during the warning (OPEN, ref §4.3)", list);

    // Read back at the nominal supply after a power cycle, whatever clears the warning (that is
    // `clear_policy`'s question): nothing may have changed (ref §4.3 [C5]).
    b.power_cycle("read back at the nominal supply")?;
    b.ctx.offline()?;
    let kept_now = b.digest(kept, ROOT_CA)?;
    let fresh_now = b.digest(fresh, ROOT_CA)?;
    b.observe(
        "read-back: write target",
        if fresh_now.is_some() {
            "stored"
        } else {
            "absent"
        },
    );
    b.observe(
        "read-back: delete target",
        match &kept_now {
            Some(d) if d.eq_ignore_ascii_case(&kept_digest) => "kept",
            Some(_) => "digest changed",
            None => "deleted",
        },
    );
    judge_write(&mut found, write, fresh_now.is_some(), mv);
    judge_delete(&mut found, delete, kept_now.as_deref(), &kept_digest, mv);
    found.finish(b.ctx.log)
}

/// The write during the warning against the read-back.
pub(super) fn judge_write(found: &mut Findings, write: FinalResult, stored: bool, mv: u16) {
    match (write, stored) {
        (CME_528, false) => {}
        (CME_528, true) => found.deviate(
            "528 but the write was stored",
            "the write answered +CME ERROR: 528 and the item is listed after the warning",
        ),
        (FinalResult::Ok, false) => found.deviate(
            SILENT_DROP,
            format!(
                "the %CMNG write during the {mv} mV warning answered OK and nothing was stored \
                 (ref §4.3 [C5]: NVM operations appear to finish without being executed; 528 \
                 exists from MFW 1.3.2, §2.1, §8)"
            ),
        ),
        (FinalResult::Ok, true) => found.deviate(
            WRITE_PERSISTED,
            format!(
                "the %CMNG write during the {mv} mV warning answered OK and was stored \
                 (ref §4.3 [D1][D2]: 528 expected)"
            ),
        ),
        (other, _) => found.deviate(
            signature(other),
            format!(
                "%CMNG write during the {mv} mV warning: expected +CME ERROR: 528 (not allowed \
                 while a power-off warning is active, ref §4.3 [D1][D2]), got {other}"
            ),
        ),
    }
}

/// The delete during the warning against the read-back.
fn judge_delete(
    found: &mut Findings,
    delete: FinalResult,
    now: Option<&str>,
    before: &str,
    mv: u16,
) {
    let kept = now.is_some_and(|d| d.eq_ignore_ascii_case(before));
    match (delete, kept) {
        (CME_528, true) => {}
        (CME_528, false) => found.deviate(
            "528 but the item changed",
            "the delete answered +CME ERROR: 528 and the item is gone or changed afterwards",
        ),
        (FinalResult::Ok, true) => found.deviate(
            "no 528; delete silently dropped",
            format!(
                "the %CMNG delete during the {mv} mV warning answered OK and the item is still \
                 stored (ref §4.3 [C5])"
            ),
        ),
        (FinalResult::Ok, false) => found.deviate(
            "no 528; delete executed during the warning",
            format!(
                "the %CMNG delete during the {mv} mV warning answered OK and removed the item \
                 (ref §4.3 [D1][D2]: 528 expected)"
            ),
        ),
        (other, _) => found.deviate(
            signature(other),
            format!(
                "%CMNG delete during the {mv} mV warning: expected +CME ERROR: 528 (ref §4.3 \
                 [D1][D2]), got {other}"
            ),
        ),
    }
}
