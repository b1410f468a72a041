//! The factory-jig field report (`seeds/field-report-528-pofwarn.txt`, ref [F1], §11): a
//! Memfault-style application on MFW 1.3.6 / NCS 2.6.0 deletes a stale root CA and installs
//! the current one about half a second after boot, on a jig whose supply sits just below the
//! warning threshold; both calls fail with `err -140`.
//!
//! The reference of this case is the reporter's expectation — provisioning succeeds — so on
//! firmware that has 528 it deviates with `+CME ERROR: 528`, and the failure text carries the
//! NCS translation (528 → -ECANCELED (-140) from NCS 2.2, ref §2.4) that connects the AT
//! result to the report's log. Expectation data lists that as the expected failure on
//! nRF9160 ≥ 1.3.2 and nRF91x1; on 1.3.1 (no 528) the failure is the silent drop.
//!
//! The jig: the board powers up at 2.94 V (60 mV under the 3000 mV threshold — the nRF91x1
//! default and the NCS `modem_battery` default, ref §4.1 [D7], §4.5 [C5]); the application's
//! init arms `AT%XPOFWARN=1,30` as `modem_battery` does (ref §4.5 [C5]; nRF91x1 has it armed
//! from boot anyway); then `modem_key_mgmt`-style provisioning: offline, numeric errors
//! (ref §2.2 [C1]), delete the stale CA, write the current one. A read-back at the nominal
//! supply after a power cycle shows what NVM holds.

use hil_at::FinalResult;
use hil_lab::Board;
use hil_model::cme::NcsGeneration;
use hil_model::{CmeCode, CredentialType};
use hil_runner::{FnCase, Problem};

use super::SUITE;
use super::bench::{self, Bench};
use super::probe::{CME_528, SILENT_DROP};
use super::supply::volts;
use crate::fixtures;
use crate::support::{CaseResult, Findings, case, signature};

const ROOT_CA: CredentialType = CredentialType::ROOT_CA;
/// The warning threshold of the scenario (mV).
const JIG_THRESHOLD_MV: u16 = 3000;
/// The jig's supply: just below the threshold, clear of the supply's settle tolerance.
const JIG_VOLTS: f64 = 2.94;

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![case(
        SUITE,
        "factory_jig_report",
        "field report [F1]: power-up at 2.94 V, %XPOFWARN armed at 3.0 V, delete the stale root CA then install the current one: provisioning must succeed",
        |ctx| bench::run(ctx, "factory_jig_report", factory_jig),
    )]
}

/// Memfault's "Removing Root CA 1004" and "Cert 1001 in storage is not up-to-date".
struct Tags {
    removed: u32,
    updated: u32,
}

/// The provisioning's two answers on the jig.
#[derive(Clone, Copy)]
struct Provisioning {
    delete: FinalResult,
    write: FinalResult,
}

/// What NVM holds afterwards, read at the nominal supply.
struct ReadBack {
    removed_still_stored: bool,
    installed: bool,
}

fn factory_jig(b: &mut Bench<'_, '_>) -> CaseResult {
    let tags = Tags {
        removed: b.tag(0, ROOT_CA),
        updated: b.tag(1, ROOT_CA),
    };
    let stale = stale_cas(b, &tags)?;
    let volts = power_up_on_jig(b)?;
    let jig = provision(b, &tags)?;
    let after = read_back(b, &tags, &stale)?;
    let retry = provision_again(b, &tags)?;
    let mut found = Findings::default();
    judge(&mut found, volts, jig, &after, retry, b.nominal_volts());
    found.finish(b)
}

/// Before the jig: the board holds two stale CAs. Returns the digest of the one to update.
fn stale_cas(b: &mut Bench<'_, '_>, tags: &Tags) -> Result<String, Problem> {
    let nominal = b.nominal_volts();
    b.set_volts(nominal)?;
    b.offline()?;
    for tag in [tags.removed, tags.updated] {
        b.cmng_write(tag, ROOT_CA, fixtures::CLIENT_CERT)?
            .expect_ok("writing a stale CA at the nominal supply")?;
    }
    b.cmng_digest(tags.updated, ROOT_CA)?.ok_or_else(|| {
        Problem::deviation(
            "write not listed",
            format!(
                "sec_tag {} written at the nominal supply is not listed",
                tags.updated
            ),
        )
    })
}

/// On the jig: power-up below the threshold, then the application's init arms the warning.
/// Returns the measured volts.
fn power_up_on_jig(b: &mut Bench<'_, '_>) -> Result<f64, Problem> {
    b.power_cycle_at(JIG_VOLTS, "power-up on the jig")?;
    let volts = b.settle_below(JIG_VOLTS, volts(JIG_THRESHOLD_MV))?;
    b.observe("jig volts at boot", format!("{volts:.3}"));
    b.arm(JIG_THRESHOLD_MV)?;
    Ok(volts)
}

/// `modem_key_mgmt`-style provisioning: offline, numeric errors, delete the stale CA, write
/// the current one. The answers, and any warning URC, are observed.
fn provision(b: &mut Bench<'_, '_>, tags: &Tags) -> Result<Provisioning, Problem> {
    b.offline()?;
    let delete = b.cmng_delete(tags.removed, ROOT_CA)?.result();
    let write = b
        .cmng_write(tags.updated, ROOT_CA, fixtures::ROOT_CA)?
        .result();
    b.observe("delete of the stale root CA", describe(delete));
    b.observe("write of the current root CA", describe(write));
    let urcs: Vec<String> = b.take_warnings()?.into_iter().map(|u| u.line).collect();
    b.observe(
        "warning URCs (none subscribed, as on the jig)",
        if urcs.is_empty() {
            "none".to_string()
        } else {
            urcs.join(" | ")
        },
    );
    Ok(Provisioning { delete, write })
}

/// What NVM holds, read at the nominal supply after a power cycle.
fn read_back(b: &mut Bench<'_, '_>, tags: &Tags, stale: &str) -> Result<ReadBack, Problem> {
    b.power_cycle("read back at the nominal supply")?;
    b.offline()?;
    let removed_still_stored = b.cmng_digest(tags.removed, ROOT_CA)?.is_some();
    let updated_now = b.cmng_digest(tags.updated, ROOT_CA)?;
    let installed = updated_now
        .as_deref()
        .is_some_and(|d| !d.eq_ignore_ascii_case(stale));
    b.observe(
        "read-back: stale root CA",
        if removed_still_stored {
            "still stored"
        } else {
            "removed"
        },
    );
    b.observe(
        "read-back: current root CA",
        match &updated_now {
            _ if installed => "installed",
            Some(_) => "stale content still stored",
            None => "absent",
        },
    );
    Ok(ReadBack {
        removed_still_stored,
        installed,
    })
}

/// The reporter's question (latched or supply-level?): the same provisioning at the nominal
/// supply after the power cycle.
fn provision_again(b: &mut Bench<'_, '_>, tags: &Tags) -> Result<Provisioning, Problem> {
    let retry = Provisioning {
        delete: b.cmng_delete(tags.removed, ROOT_CA)?.result(),
        write: b
            .cmng_write(tags.updated, ROOT_CA, fixtures::ROOT_CA)?
            .result(),
    };
    b.observe(
        "provisioning again at the nominal supply",
        retry_text(retry),
    );
    Ok(retry)
}

fn retry_text(retry: Provisioning) -> String {
    format!("delete {}, write {}", retry.delete, retry.write)
}

/// The reference is the reporter's expectation: provisioning succeeds on the jig.
fn judge(
    found: &mut Findings,
    volts: f64,
    jig: Provisioning,
    after: &ReadBack,
    retry: Provisioning,
    nominal: f64,
) {
    let Provisioning { delete, write } = jig;
    let retry_text = retry_text(retry);
    if delete == CME_528 || write == CME_528 {
        found.deviate(
            signature(CME_528),
            report_528(volts, delete, write, &retry_text),
        );
    }
    if !matches!(
        delete,
        FinalResult::Ok | FinalResult::CmeError(513) | CME_528
    ) {
        found.deviate(
            signature(delete),
            format!("delete of the stale root CA: expected OK, got {delete}"),
        );
    }
    if !matches!(write, FinalResult::Ok | CME_528) {
        found.deviate(
            signature(write),
            format!("write of the current root CA: expected OK, got {write}"),
        );
    }
    if write == FinalResult::Ok && !after.installed {
        found.deviate(
            SILENT_DROP,
            format!(
                "the write at {volts:.3} V answered OK but the stale content is still stored \
                 (ref §4.3 [C5]: during the warning NVM operations appear to finish without being \
                 executed; no 528 before MFW 1.3.2, §8)"
            ),
        );
    }
    if delete == FinalResult::Ok && after.removed_still_stored {
        found.deviate(
            "no 528; delete silently dropped",
            format!(
                "the delete at {volts:.3} V answered OK but the stale root CA is still stored (ref §4.3 [C5])"
            ),
        );
    }
    if !matches!(retry.delete, FinalResult::Ok | FinalResult::CmeError(513))
        || retry.write != FinalResult::Ok
    {
        found.deviate(
            "provisioning fails at the nominal supply",
            format!("after a power cycle at {nominal:.3} V: {retry_text}"),
        );
    }
}

/// A result with what NCS `modem_key_mgmt` would return for it (ref §2.4).
fn describe(result: FinalResult) -> String {
    match result {
        FinalResult::CmeError(n) => {
            let code = CmeCode(n);
            let errno = |generation| {
                code.ncs_errno(generation)
                    .map(|(name, value)| format!("{name} ({value})"))
                    .unwrap_or_else(|| "untranslated (assert / 0xBAADBAAD)".to_string())
            };
            format!(
                "{result} ({}); NCS < 2.2: {}, NCS 2.2–2.8: {}, NCS ≥ 2.9: {}",
                code.meaning(),
                errno(NcsGeneration::Pre2_2),
                errno(NcsGeneration::From2_2),
                errno(NcsGeneration::From2_9)
            )
        }
        other => other.to_string(),
    }
}

/// The failure text of the reproduced report.
fn report_528(volts: f64, delete: FinalResult, write: FinalResult, retry: &str) -> String {
    let code = CmeCode::POWER_OFF_WARNING;
    let errno = code
        .ncs_errno(NcsGeneration::From2_2)
        .map(|(name, value)| format!("{name} ({value})"))
        .unwrap_or_else(|| "an untranslated code".to_string());
    format!(
        "with the supply at {volts:.3} V, below the {JIG_THRESHOLD_MV} mV warning threshold, \
         right after boot: delete of the stale root CA answered {delete}, write of the current one \
         answered {write}. +CME ERROR: {} is \"{}\" (ref §2.1, §4.3 [D1][D2]). NCS >= 2.2 \
         modem_key_mgmt maps 528 to {errno} — the `err -140` of the factory-jig report \
         (ref §2.4 [C1][Z1], [F1]); before NCS 2.2 it has no mapping (assert, 0xBAADBAAD). \
         After a power cycle at the nominal supply the same provisioning answered: {retry}.",
        code.0,
        code.meaning()
    )
}
