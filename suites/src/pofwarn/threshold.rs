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
use super::bench::{self, Bench, ms};
use super::probe::{CME_528, SILENT_DROP, WRITE_PERSISTED};
use super::supply::{MARGIN_VOLTS, volts};
use super::warning::{CGEV_LOW, MDMEV_LOW, URC_DEADLINE};
use crate::fixtures;
use crate::support::{CaseResult, Findings, Listed, case, signature};

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

/// The two sec_tags of the case: `kept` exists before the warning (the delete target),
/// `fresh` does not (the write target).
struct Targets {
    kept: u32,
    fresh: u32,
}

/// What the warning let through, read back at the nominal supply.
struct ReadBack {
    fresh_stored: bool,
    kept_digest: Option<String>,
}

fn threshold(b: &mut Bench<'_, '_>, mv: u16) -> CaseResult {
    let mut found = Findings::default();
    let targets = Targets {
        kept: b.tag(0, ROOT_CA),
        fresh: b.tag(1, ROOT_CA),
    };
    let kept_before = prepare(b, &targets)?;
    arm_above(b, mv, &mut found)?;
    step_below(b, mv, &mut found)?;
    let (write, delete) = during_warning(b, &targets, &mut found)?;
    let after = read_back(b, &targets, &kept_before)?;
    judge_write(&mut found, write, after.fresh_stored, mv);
    judge_delete(
        &mut found,
        delete,
        after.kept_digest.as_deref(),
        &kept_before,
        mv,
    );
    found.finish(b)
}

/// Known state at the nominal supply: offline with numeric errors (ref §3 [P1]), the delete
/// target stored, the write target absent. Returns the delete target's digest.
fn prepare(b: &mut Bench<'_, '_>, t: &Targets) -> Result<String, Problem> {
    let nominal = b.nominal_volts();
    b.set_volts(nominal)?;
    b.offline()?;
    b.cmng_write(t.kept, ROOT_CA, fixtures::ROOT_CA)?
        .expect_ok("writing the delete target at the nominal supply")?;
    let _absent_or_deleted = b.cmng_delete(t.fresh, ROOT_CA)?;
    let kept = b.cmng_digest(t.kept, ROOT_CA)?.ok_or_else(|| {
        Problem::deviation(
            "write not listed",
            format!(
                "sec_tag {} written at the nominal supply is not listed",
                t.kept
            ),
        )
    })?;
    if b.cmng_digest(t.fresh, ROOT_CA)?.is_some() {
        return Err(Problem::infra(format!(
            "sec_tag {} is still listed after its delete",
            t.fresh
        )));
    }
    Ok(kept)
}

/// An application's state: radio on (so going offline is visible), both URCs subscribed, the
/// warning armed (ref §4.1 [D6], §4.2 [D6]); the supply just above the threshold, where no
/// warning may come.
fn arm_above(b: &mut Bench<'_, '_>, mv: u16, found: &mut Findings) -> CaseResult {
    b.set_cfun(1)?.expect_ok("AT+CFUN=1")?;
    b.subscribe()?;
    b.arm(mv)?;
    let above = b.set_volts(volts(mv) + MARGIN_VOLTS)?;
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
    Ok(())
}

/// One step across the threshold; both URCs must come, timed from the step's set command.
fn step_below(b: &mut Bench<'_, '_>, mv: u16, found: &mut Findings) -> CaseResult {
    b.mark(format!("step across {mv} mV"));
    let target = volts(mv) - MARGIN_VOLTS;
    let sent = b.command_volts(target)?;
    let cgev = b.wait_urc(CGEV_LOW, URC_DEADLINE)?;
    let mdmev = b.wait_urc(MDMEV_LOW, URC_DEADLINE)?;
    let below = b.settle_below(target, volts(mv))?;
    b.observe("volts below the threshold", format!("{below:.3}"));
    for (urc, line) in [(&cgev, CGEV_LOW), (&mdmev, MDMEV_LOW)] {
        let key = format!("`{line}` latency ms");
        match urc {
            Some(u) => b.observe(key, ms(u.at.saturating_duration_since(sent))),
            None => {
                b.observe(key, "none");
                found.deviate(
                    format!("no {line}"),
                    format!(
                        "nothing within {URC_DEADLINE:?} of the supply stepping below {mv} mV (ref §4.2 [D6])"
                    ),
                );
            }
        }
    }
    Ok(())
}

/// During the warning: the modem offline (ref §4.2 [D6]), `%CMNG` write and delete refused
/// with 528 (ref §4.3 [D1][D2]); `%XVBAT` and a list are observed. Returns the write's and
/// the delete's results.
fn during_warning(
    b: &mut Bench<'_, '_>,
    t: &Targets,
    found: &mut Findings,
) -> Result<(FinalResult, FinalResult), Problem> {
    let cfun = b.cfun()?;
    b.observe("+CFUN during the warning", cfun.to_string());
    if cfun != 4 {
        found.deviate(
            format!("+CFUN: {cfun} during the warning"),
            "the modem switches itself offline when the warning fires (+CFUN: 4, ref §4.2 [D6])",
        );
    }
    let xvbat = match b.at()?.xvbat() {
        Ok(mv) => mv.to_string(),
        Err(e) => e.to_string(),
    };
    b.observe("%XVBAT during the warning (mV)", xvbat);
    b.set_cmee(1)?.expect_ok("AT+CMEE=1")?;
    let write = b.cmng_write(t.fresh, ROOT_CA, fixtures::ROOT_CA)?.result();
    let delete = b.cmng_delete(t.kept, ROOT_CA)?.result();
    b.observe("%CMNG write during the warning", write.to_string());
    b.observe("%CMNG delete during the warning", delete.to_string());
    // OPEN (ref §4.3): Nordic support says reads are blocked too; the doc says updates only.
    let list = match b.cmng_listed(t.kept, ROOT_CA)? {
        Listed::Stored(_) => "OK, listed".to_string(),
        Listed::Absent => "OK, not listed".to_string(),
        Listed::Refused(r) => r.to_string(),
    };
    b.observe("%CMNG list during the warning (OPEN, ref §4.3)", list);
    Ok((write, delete))
}

/// Read back at the nominal supply after a power cycle, whatever clears the warning (that is
/// `clear_policy`'s question): nothing may have changed (ref §4.3 [C5]).
fn read_back(b: &mut Bench<'_, '_>, t: &Targets, kept_before: &str) -> Result<ReadBack, Problem> {
    b.power_cycle("read back at the nominal supply")?;
    b.offline()?;
    let kept_digest = b.cmng_digest(t.kept, ROOT_CA)?;
    let fresh_stored = b.cmng_digest(t.fresh, ROOT_CA)?.is_some();
    b.observe(
        "read-back: write target",
        if fresh_stored { "stored" } else { "absent" },
    );
    b.observe(
        "read-back: delete target",
        match &kept_digest {
            Some(d) if d.eq_ignore_ascii_case(kept_before) => "kept",
            Some(_) => "digest changed",
            None => "deleted",
        },
    );
    Ok(ReadBack {
        fresh_stored,
        kept_digest,
    })
}

/// The write during the warning against the read-back.
fn judge_write(found: &mut Findings, write: FinalResult, stored: bool, mv: u16) {
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
