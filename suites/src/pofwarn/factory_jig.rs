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
use super::bench::{self, Bench, CME_528, Findings, SILENT_DROP};
use crate::fixtures;
use crate::support::{CaseResult, case, ok, signature};

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

fn factory_jig(b: &mut Bench<'_, '_>) -> CaseResult {
    let nominal = b.nominal();
    let mut found = Findings::default();
    // Memfault's "Removing Root CA 1004" and "Cert 1001 in storage is not up-to-date".
    let removed = b.ctx.tag(0, ROOT_CA);
    let updated = b.ctx.tag(1, ROOT_CA);

    // Before the jig: the board holds two stale CAs.
    b.set_volts(nominal)?;
    b.ctx.offline()?;
    for tag in [removed, updated] {
        ok(
            b.at()?.cmng_write(tag, ROOT_CA, fixtures::CLIENT_CERT),
            "writing a stale CA at the nominal supply",
        )?;
    }
    let stale = b.digest(updated, ROOT_CA)?.ok_or_else(|| {
        Problem::deviation(
            "write not listed",
            format!("sec_tag {updated} written at the nominal supply is not listed"),
        )
    })?;

    // On the jig: power-up below the threshold, the application's init arms the warning.
    b.power_cycle_at(JIG_VOLTS, "power-up on the jig")?;
    let volts = b.settle()?;
    b.observe("jig volts at boot", format!("{volts:.3}"));
    if volts >= bench::volts(JIG_THRESHOLD_MV) {
        return Err(Problem::infra(format!(
            "the supply measured {volts:.3} V: not below the {JIG_THRESHOLD_MV} mV threshold"
        )));
    }
    b.arm(JIG_THRESHOLD_MV)?;

    // modem_key_mgmt-style provisioning.
    b.ctx.offline()?;
    let delete = b.delete(removed, ROOT_CA)?;
    let write = b.write(updated, ROOT_CA, fixtures::ROOT_CA)?;
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

    // What NVM holds, read at the nominal supply.
    b.power_cycle("read back at the nominal supply")?;
    b.ctx.offline()?;
    let removed_now = b.digest(removed, ROOT_CA)?;
    let updated_now = b.digest(updated, ROOT_CA)?;
    let installed = updated_now
        .as_deref()
        .is_some_and(|d| !d.eq_ignore_ascii_case(&stale));
    b.observe(
        "read-back: stale root CA",
        if removed_now.is_some() {
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

    // The reporter's question (latched or supply-level?): the same provisioning at the nominal
    // supply after a power cycle.
    let again = [
        b.delete(removed, ROOT_CA)?,
        b.write(updated, ROOT_CA, fixtures::ROOT_CA)?,
    ];
    let retry = format!("delete {}, write {}", again[0], again[1]);
    b.observe("provisioning again at the nominal supply", retry.clone());

    if delete == CME_528 || write == CME_528 {
        found.deviate(signature(CME_528), report_528(volts, delete, write, &retry));
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
    if write == FinalResult::Ok && !installed {
        found.deviate(
            SILENT_DROP,
            format!(
                "the write at {volts:.3} V answered OK but the stale content is still stored \
                 (ref §4.3 [C5]: during the warning NVM operations appear to finish without being \
                 executed; no 528 before MFW 1.3.2, §8)"
            ),
        );
    }
    if delete == FinalResult::Ok && removed_now.is_some() {
        found.deviate(
            "no 528; delete silently dropped",
            format!(
                "the delete at {volts:.3} V answered OK but the stale root CA is still stored (ref §4.3 [C5])"
            ),
        );
    }
    if !matches!(again[0], FinalResult::Ok | FinalResult::CmeError(513))
        || again[1] != FinalResult::Ok
    {
        found.deviate(
            "provisioning fails at the nominal supply",
            format!("after a power cycle at {nominal:.3} V: {retry}"),
        );
    }
    found.finish(b.ctx.log)
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
