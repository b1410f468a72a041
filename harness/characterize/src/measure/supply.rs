//! The power-off warning driven through the supply (ref §4): the default at boot, what an NVM
//! operation does during it (528 or a silent drop, ref §4.3), whether it blocks reads and
//! `%KEYGEN`, what clears it and the release hysteresis (OPEN, ref §4.4), one-shot (ref §4.1
//! [D7]), and the built-in fixed check (ref §4.2 [F3]). Needs a supply whose limits reach
//! 2.9 V; otherwise every fact here is listed as unmeasured.
//!
//! The clearing ladder follows the `pofwarn.clear_policy` case (suites): (a) the supply back up
//! in 20 mV steps with a write probe at each, (b) re-arm, (d) a CFUN cycle, (e) a reset, (f) a
//! power cycle; the first step after which a probe is stored names the policy.

use hil_at::FinalResult;
use hil_model::policy::ClearPolicy;
use hil_sim::profile::WarningNvm;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::{Probe, Session};

/// Threshold code the warning is armed at (3.1 V).
const ARM_MV: u32 = 3100;
/// Lowest voltage the measurement needs.
const LOWEST: f64 = 2.8;
const STEP: f64 = 0.020;
/// Step (a) ramps up to this far above the threshold.
const RELEASE_SPAN: f64 = 0.300;

const PATHS: [&str; 7] = [
    "pofwarn.default_mv",
    "pofwarn.one_shot",
    "pofwarn.nvm",
    "pofwarn.builtin_check_mv",
    "policy.pofwarn_clear",
    "policy.hysteresis_mv",
    "policy.builtin_check_sets_warning",
];

/// Everything the supply allows.
pub fn measure(s: &mut Session, _: &Options, f: &mut Findings) -> Result<(), Error> {
    let nominal = s.nominal_volts();
    let why = if s.supply().is_none() {
        Some("the rack declares no usable supply for this board".to_string())
    } else if !s.volts_allowed(LOWEST) || !s.volts_allowed(nominal) {
        Some(format!("the rack's supply limits do not allow {LOWEST} V"))
    } else {
        None
    };
    if let Some(why) = why {
        for p in PATHS {
            f.skip(p, why.clone());
        }
        return Ok(());
    }
    builtin(s, f)?;
    if f.pofwarn_command != Some(true) {
        return Ok(());
    }
    s.touch_pofwarn()?;
    boot_default(s, f)?;
    warning(s, f)?;
    one_shot(s, f)?;
    s.set_volts(nominal)
}

/// Volts → whole millivolts.
fn mv(v: f64) -> i64 {
    (v * 1000.0).round() as i64
}

/// Whole millivolts → volts.
fn volts(mv: i64) -> f64 {
    mv as f64 / 1000.0
}

/// Steps the supply from `from` down to `to` with a probe at each step: the first blocked
/// probe and its voltage.
fn step_down(
    s: &mut Session,
    from: f64,
    to: f64,
    step: f64,
) -> Result<Option<(f64, Probe)>, Error> {
    let tag = s.tag(6)?;
    let (from, to, step) = (mv(from), mv(to), mv(step));
    let mut v = from;
    while v >= to {
        s.set_volts(volts(v))?;
        let p = s.probe(tag)?;
        if p.blocked() {
            return Ok(Some((volts(v), p)));
        }
        v -= step;
    }
    Ok(None)
}

/// After a reset, with no `%XPOFWARN` command: stepped down in 100 mV, from 3.35 V.
fn boot_default(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    s.reset()?;
    s.offline()?;
    let levels: Vec<u32> = f
        .pofwarn_levels
        .as_ref()
        .map(|l| l.values().copied().collect())
        .unwrap_or_default();
    match step_down(s, 3.35, 2.95, 0.1)? {
        Some((v, _)) => {
            let mv = (v * 1000.0).round() as u32;
            f.pofwarn_default_mv = Some(levels.iter().copied().filter(|l| *l > mv).min());
            clear(s, f, false)?;
        }
        None => f.pofwarn_default_mv = Some(None),
    }
    s.at()?.xpofwarn_disable()?;
    Ok(())
}

/// Armed at 3.1 V: the trip, the NVM effect, reads and `%KEYGEN` during it, what clears it.
fn warning(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    let level = f64::from(ARM_MV) / 1000.0;
    s.offline()?;
    s.at()?.xpofwarn_enable(ARM_MV as u16)?;
    let Some((trip, probe)) = step_down(s, level + 0.06, level - 0.2, STEP)? else {
        f.pofwarn_nvm = Some(None);
        f.skip(
            "policy.pofwarn_clear",
            "an armed warning never blocked a write",
        );
        f.skip(
            "policy.hysteresis_mv",
            "an armed warning never blocked a write",
        );
        f.skip("pofwarn.one_shot", "an armed warning never blocked a write");
        s.set_volts(s.nominal_volts())?;
        return Ok(());
    };
    f.observe(
        "warning trip volts",
        format!("{trip:.3} (armed at {ARM_MV} mV)"),
    );
    f.pofwarn_nvm = Some(match probe {
        Probe::Refused(FinalResult::CmeError(528)) => {
            f.observe("528", "%CMNG write during a power-off warning");
            Some(WarningNvm::Refuse528)
        }
        Probe::Dropped => Some(WarningNvm::SilentDrop),
        _ => {
            f.observe("write during the warning", format!("{probe:?}"));
            None
        }
    });
    let list = s.result("AT%CMNG=1")?;
    f.pofwarn_blocks_read = Some(list == FinalResult::CmeError(528));
    if f.keygen == Some(true) {
        let tag = s.tag(7)?;
        let key = hil_model::CredentialType::CLIENT_KEY;
        let r = s.result(&format!("AT%KEYGEN={tag},2,1"))?;
        // `OK` without a stored key is the silent drop (ref §4.3 [C5]): blocked too.
        let stored = r == FinalResult::Ok && s.listed(tag, key)?.is_some();
        f.pofwarn_blocks_keygen = Some(!stored);
        if stored {
            s.delete(tag, key)?;
        }
    } else {
        f.skip("policy.pofwarn_blocks_keygen", "no %KEYGEN");
    }
    let (policy, release) = ladder(s, trip, level)?;
    f.pofwarn_clear = policy;
    match (policy, release) {
        (Some(ClearPolicy::Level), Some(v)) => {
            let h = ((v - level) * 1000.0).round().max(0.0) as u32;
            f.hysteresis_mv = Some(h);
            f.observe("hysteresis mV", format!("{h} (±20 mV: 20 mV steps)"));
        }
        _ => f.skip(
            "policy.hysteresis_mv",
            "the warning does not clear with the supply alone",
        ),
    }
    Ok(())
}

/// The clearing ladder from a trip at `trip` volts: the policy and, for (a), the release volts.
fn ladder(
    s: &mut Session,
    trip: f64,
    level: f64,
) -> Result<(Option<ClearPolicy>, Option<f64>), Error> {
    let tag = s.tag(6)?;
    let (mut v, top, step) = (mv(trip), mv(level + RELEASE_SPAN), mv(STEP));
    while v + step <= top {
        v += step;
        s.set_volts(volts(v))?;
        if !s.probe(tag)?.blocked() {
            s.set_volts(s.nominal_volts())?;
            return Ok((Some(ClearPolicy::Level), Some(volts(v))));
        }
    }
    s.set_volts(s.nominal_volts())?;
    if !s.probe(tag)?.blocked() {
        return Ok((Some(ClearPolicy::Level), None));
    }
    s.at()?.xpofwarn_enable(ARM_MV as u16)?;
    if !s.probe(tag)?.blocked() {
        return Ok((Some(ClearPolicy::ReArm), None));
    }
    let at = s.at()?;
    at.set_cfun(0)?;
    at.set_cfun(4)?;
    if !s.probe(tag)?.blocked() {
        return Ok((Some(ClearPolicy::CfunCycle), None));
    }
    s.reset()?;
    s.offline()?;
    if !s.probe(tag)?.blocked() {
        return Ok((Some(ClearPolicy::Reset), None));
    }
    s.power_cycle()?;
    s.offline()?;
    if !s.probe(tag)?.blocked() {
        return Ok((Some(ClearPolicy::PowerCycle), None));
    }
    Ok((None, None))
}

/// Clears a warning whatever its policy (the ladder without measuring).
fn clear(s: &mut Session, f: &mut Findings, _record: bool) -> Result<(), Error> {
    let nominal = s.nominal_volts();
    s.set_volts(nominal)?;
    let (policy, _) = ladder(s, nominal, nominal - RELEASE_SPAN)?;
    if policy.is_none() {
        f.observe("warning", "not cleared by a power cycle");
    }
    s.offline()
}

/// Level-cleared warnings only: trip, recover, trip again without re-arming.
fn one_shot(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    if f.pofwarn_clear != Some(ClearPolicy::Level) {
        f.skip(
            "pofwarn.one_shot",
            "only measurable when the supply alone clears the warning",
        );
        return Ok(());
    }
    let level = f64::from(ARM_MV) / 1000.0;
    s.offline()?;
    s.at()?.xpofwarn_enable(ARM_MV as u16)?;
    let first = step_down(s, level + 0.06, level - 0.2, STEP)?;
    s.set_volts(s.nominal_volts())?;
    let tag = s.tag(6)?;
    if first.is_none() || s.probe(tag)?.blocked() {
        f.skip(
            "pofwarn.one_shot",
            "the warning did not trip and clear again",
        );
        return clear(s, f, false);
    }
    let again = step_down(s, level + 0.06, level - 0.2, STEP)?;
    f.pofwarn_one_shot = Some(again.is_none());
    s.set_volts(s.nominal_volts())?;
    if again.is_some() {
        clear(s, f, false)?;
    }
    s.at()?.xpofwarn_disable()?;
    Ok(())
}

/// The built-in check: warning off, radio on (CFUN=1), the supply stepped down in 100 mV until
/// the modem goes offline; then whether it left a blocking warning behind.
fn builtin(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    if f.pofwarn_command == Some(true) {
        s.touch_pofwarn()?;
        s.at()?.xpofwarn_disable()?;
    }
    if s.result("AT+CFUN=1")? != FinalResult::Ok {
        f.skip("pofwarn.builtin_check_mv", "AT+CFUN=1 refused");
        return Ok(());
    }
    let mut found = None;
    let mut v: i64 = 3300;
    while v >= 2900 {
        s.set_volts(volts(v))?;
        if s.at()?.cfun()? != 1 {
            found = Some((v + 100) as u32);
            break;
        }
        v -= 100;
    }
    s.set_volts(s.nominal_volts())?;
    s.offline()?;
    f.builtin_check_mv = Some(found);
    if found.is_some() {
        let tag = s.tag(6)?;
        let blocked = s.probe(tag)?.blocked();
        f.builtin_check_sets_warning = Some(blocked);
        if blocked {
            clear(s, f, false)?;
        }
    } else {
        f.builtin_check_sets_warning = Some(false);
    }
    Ok(())
}
