//! What the modem says it is (ref §6): `+CGMR`, `%SHORTSWVER`, `%HWVERSION`, `+CGMM`, `+CGMI`
//! and the IMEI, checked for form and consistency and recorded with the result.

use std::sync::Arc;

use hil_lab::Board;
use hil_model::MfwVersion;
use hil_runner::Case;

use crate::support::{CaseResult, Ctx, at_problem, boxed, case, deviation};

/// The suite's cases.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    boxed(vec![case(
        "identity",
        "report",
        "CGMR names an MFW build, SHORTSWVER agrees with it, HWVERSION/CGMM/IMEI are well formed",
        report,
    )])
}

fn report(ctx: &mut Ctx) -> CaseResult {
    let id = ctx.at()?.identity().map_err(at_problem)?;
    ctx.property("cgmr", id.revision.clone());
    for (key, value) in [
        ("shortswver", &id.short_sw_version),
        ("hwversion", &id.hw_version),
        ("cgmm", &id.model),
        ("cgmi", &id.manufacturer),
    ] {
        if let Some(v) = value {
            ctx.property(key, v.clone());
        }
    }
    // ref §6: `^(mfw|mfw-pti)_(nrf9160|nrf91x1|nrf9151-ntn)_x.y.z(-pre)?$` (INFERRED grammar).
    let mfw = MfwVersion::parse(&id.revision).map_err(|e| {
        deviation(
            "CGMR not an MFW name",
            format!("+CGMR `{}`: {e}", id.revision),
        )
    })?;
    // ref §6 [C11]: `%SHORTSWVER: <family>_<x.y.z>`.
    match &id.short_sw_version {
        Some(short) if *short == mfw.short() => {}
        Some(short) => {
            return Err(deviation(
                "SHORTSWVER disagrees with CGMR",
                format!("%SHORTSWVER `{short}` vs +CGMR `{}`", id.revision),
            ));
        }
        None => return Err(deviation("no SHORTSWVER", "AT%SHORTSWVER gave no value")),
    }
    // ref §6 [D15][D18][F6]: e.g. `nRF9160 SICA B1A`, `nRF9151 LACA A0A`.
    let hw = id.hw_version.clone().unwrap_or_default();
    let parts: Vec<&str> = hw.split(' ').collect();
    if parts.len() != 3 || !parts[0].starts_with("nRF9") {
        return Err(deviation(
            "HWVERSION malformed",
            format!("%HWVERSION `{hw}` is not `nRF91xx <package> <revision>`"),
        ));
    }
    let imei = id
        .imei
        .clone()
        .ok_or_else(|| deviation("no IMEI", "AT+CGSN gave no IMEI (ref §6 [F7])"))?;
    if !luhn_ok(&imei) {
        return Err(deviation(
            "IMEI check digit wrong",
            format!("IMEI {imei} fails the Luhn check"),
        ));
    }
    Ok(())
}

/// The IMEI check digit (Luhn over 15 digits).
fn luhn_ok(imei: &str) -> bool {
    if imei.len() != 15 || !imei.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = imei
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

#[cfg(test)]
mod tests {
    use super::luhn_ok;

    #[test]
    fn luhn() {
        assert!(luhn_ok("490154203237518"));
        assert!(!luhn_ok("490154203237519"));
        assert!(!luhn_ok("49015420323751"));
    }
}
