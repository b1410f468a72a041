//! What clears the warning once the supply has recovered — OPEN (ref §4.4 (a)–(f), §11 Q1).
//!
//! The warning is armed at 3.1 V and found by stepping the supply down 20 mV at a time. With
//! the block confirmed by a `%CMNG` write probe (write, then a list read-back, so the silent
//! drop of 1.3.1 counts as blocked, ref §4.3 [C5]), the clearing steps are tried in order and
//! the first one after which a probe is stored is recorded:
//! - (a) nothing: the supply is stepped back up 20 mV at a time to 300 mV above the threshold
//!   with a probe at each step (the first stored one gives the release voltage and so the
//!   hysteresis, ±20 mV), then to the nominal voltage;
//! - (b) re-arming `AT%XPOFWARN=1,31` (Nordic's recipe on nRF91x1, ref §4.4);
//! - (c) `AT%XPOFWARN=0` (then re-armed, so later steps see the same configuration);
//! - (d) a CFUN cycle `AT+CFUN=0`, `AT+CFUN=4` (Nordic's recipe sets CFUN, ref §4.4);
//! - (e) a SoC reset (`AT#XRESET`, the firmware-under-test's reset; modem included);
//! - (f) a power cycle through the supply.
//!
//! The modem stays offline (`+CFUN: 4`) between probes and no `AT+CFUN` is sent before step
//! (d), so a step never borrows a later step's effect.

use hil_lab::Board;
use hil_model::CredentialType;
use hil_runner::{FnCase, Problem};

use super::SUITE;
use super::bench::{self, Bench};
use super::probe::Probe;
use super::supply::{STEP_VOLTS, Trip, volts};
use crate::fixtures;
use crate::support::{CaseResult, Findings, case};

const ROOT_CA: CredentialType = CredentialType::ROOT_CA;
/// Threshold the warning is armed at (mV).
const ARM_MV: u16 = 3100;
/// The downward search starts this far above the threshold and gives up this far below.
const SEARCH_ABOVE: f64 = 0.060;
const SEARCH_BELOW: f64 = 0.200;
/// Step (a) raises the supply to this far above the threshold, probing at each step.
const RELEASE_SPAN: f64 = 0.300;

type Step = fn(&mut Bench<'_, '_>) -> CaseResult;

/// The clearing steps after (a)'s supply ramp, in order.
const LADDER: [(&str, Step); 6] = [
    ("(a) nothing: supply back at the nominal voltage", nothing),
    ("(b) re-arm: AT%XPOFWARN=1,31", rearm),
    ("(c) disable: AT%XPOFWARN=0", disable),
    ("(d) CFUN cycle: AT+CFUN=0, AT+CFUN=4", cfun_cycle),
    ("(e) SoC reset: AT#XRESET", reset),
    ("(f) power cycle through the supply", power_cycle),
];

pub(super) fn cases() -> Vec<FnCase<Board>> {
    vec![case(
        SUITE,
        "clear_policy",
        "OPEN (ref §4.4): after the supply recovers, which of nothing / re-arm / disable / CFUN cycle / reset / power cycle first lets a %CMNG write through, and the release hysteresis",
        |ctx| bench::run(ctx, "clear_policy", clear_policy),
    )]
}

fn clear_policy(b: &mut Bench<'_, '_>) -> CaseResult {
    let mut found = Findings::default();
    let tag = b.tag(0, ROOT_CA);
    prepare(b, tag)?;
    let trip = find_trip(b)?;

    // The block while the supply is low (ref §4.3).
    let low = probe(b, tag)?;
    b.observe("probe while low", low.label());
    if low == Probe::Stored {
        b.observe(
            "cleared by",
            "nothing to clear: the write was stored during the warning",
        );
        found.deviate(
            "write stored during the warning",
            format!(
                "a %CMNG write at {:.3} V, below the {ARM_MV} mV warning, was stored (ref §4.3 [D1][D2])",
                trip.volts
            ),
        );
        return found.finish(b);
    }
    if !released_by_supply(b, tag, &trip, low)? && !cleared_by_ladder(b, tag)? {
        b.observe("cleared by", "nothing tried");
        found.deviate(
            "not cleared by a power cycle",
            "a %CMNG write is still refused or dropped after every step up to a power cycle at the nominal supply (ref §4.4)",
        );
    }
    found.finish(b)
}

/// At the nominal supply, offline, the probe's sec_tag absent; both URCs subscribed and the
/// warning armed.
fn prepare(b: &mut Bench<'_, '_>, tag: u32) -> CaseResult {
    let nominal = b.nominal_volts();
    b.set_volts(nominal)?;
    b.offline()?;
    let _absent_or_deleted = b.cmng_delete(tag, ROOT_CA)?;
    if b.cmng_digest(tag, ROOT_CA)?.is_some() {
        return Err(Problem::infra(format!(
            "sec_tag {tag} is still listed after its delete"
        )));
    }
    b.subscribe()?;
    b.arm(ARM_MV)
}

/// The supply stepped down until the warning comes; none in the window is a deviation.
fn find_trip(b: &mut Bench<'_, '_>) -> Result<Trip, Problem> {
    let level = volts(ARM_MV);
    let (start, stop) = (level + SEARCH_ABOVE, level - SEARCH_BELOW);
    let trip = b.step_down_until_warning(start, stop)?.ok_or_else(|| {
        Problem::deviation(
            "no warning",
            format!(
                "no warning URC with the supply stepped from {start:.3} V down to {stop:.3} V, armed at {ARM_MV} mV (ref §4.2 [D6])"
            ),
        )
    })?;
    b.observe(
        "trip volts",
        match trip.above {
            Some(above) => format!("{:.3} (no warning at {above:.3})", trip.volts),
            None => format!("{:.3} (first step)", trip.volts),
        },
    );
    Ok(trip)
}

/// (a) The supply alone, stepped back up with a probe at each step: true (and the release
/// voltage and hysteresis observed) when a probe was stored on the way.
fn released_by_supply(
    b: &mut Bench<'_, '_>,
    tag: u32,
    trip: &Trip,
    low: Probe,
) -> Result<bool, Problem> {
    let level = volts(ARM_MV);
    b.mark("(a) supply stepped back up with a probe at each step");
    let mut set = trip.set;
    let mut last = low;
    let mut blocked_at = trip.volts;
    while set + STEP_VOLTS <= level + RELEASE_SPAN + 1e-9 {
        set += STEP_VOLTS;
        let volts = b.set_volts(set)?;
        last = probe(b, tag)?;
        if last == Probe::Stored {
            observe_release(b, trip, blocked_at, volts);
            return Ok(true);
        }
        blocked_at = volts;
    }
    b.observe(
        format!("(a) supply up to {:.3} V", level + RELEASE_SPAN),
        last.label(),
    );
    b.observe(
        "hysteresis mV (release − trip, from the 20 mV steps)",
        format!(
            "over {:.0}",
            (blocked_at - trip.above.unwrap_or(trip.volts)) * 1000.0
        ),
    );
    Ok(false)
}

/// The trip lies in (trip.volts, trip.above], the release in (blocked_at, volts].
fn observe_release(b: &mut Bench<'_, '_>, trip: &Trip, blocked_at: f64, volts: f64) {
    let above = trip.above.unwrap_or(trip.volts);
    let low_mv = ((blocked_at - above) * 1000.0).max(0.0);
    let high_mv = (volts - trip.volts) * 1000.0;
    b.observe(
        "release volts",
        format!("{volts:.3} (still blocked at {blocked_at:.3})"),
    );
    b.observe(
        "hysteresis mV (release − trip, from the 20 mV steps)",
        format!("{low_mv:.0} to {high_mv:.0}"),
    );
    b.observe(
        "cleared by",
        format!("(a) nothing: the supply back at {volts:.3} V"),
    );
}

/// The rest of the ladder, at the nominal supply: true when a step let a probe through.
fn cleared_by_ladder(b: &mut Bench<'_, '_>, tag: u32) -> Result<bool, Problem> {
    let nominal = b.nominal_volts();
    b.set_volts(nominal)?;
    for (label, step) in LADDER {
        b.mark(label);
        step(b)?;
        let seen = probe(b, tag)?;
        b.observe(label, seen.label());
        if seen == Probe::Stored {
            b.observe("cleared by", label);
            return Ok(true);
        }
    }
    Ok(false)
}

/// `AT+CMEE=1` (lost by a reset or a CFUN=0, ref §2.2), then a write probe.
fn probe(b: &mut Bench<'_, '_>, tag: u32) -> Result<Probe, Problem> {
    b.set_cmee(1)?.expect_ok("AT+CMEE=1")?;
    b.probe(tag, ROOT_CA, fixtures::ROOT_CA)
}

fn nothing(_: &mut Bench<'_, '_>) -> CaseResult {
    Ok(())
}

fn rearm(b: &mut Bench<'_, '_>) -> CaseResult {
    b.arm(ARM_MV)
}

fn disable(b: &mut Bench<'_, '_>) -> CaseResult {
    b.disarm()?.expect_ok("AT%XPOFWARN=0")?;
    Ok(())
}

/// The warning armed again after (c), so (d)–(f) run as (a)–(b) did.
fn cfun_cycle(b: &mut Bench<'_, '_>) -> CaseResult {
    b.arm(ARM_MV)?;
    b.set_cfun(0)?.expect_ok("AT+CFUN=0")?;
    b.set_cfun(4)?.expect_ok("AT+CFUN=4")?;
    Ok(())
}

fn reset(b: &mut Bench<'_, '_>) -> CaseResult {
    b.reset()
}

fn power_cycle(b: &mut Bench<'_, '_>) -> CaseResult {
    b.power_cycle("clear the warning")
}

#[cfg(test)]
mod tests {
    use hil_lab::{Lab, LabOptions, RackSource};
    use hil_runner::{Case, CaseLog};

    /// Each clear policy the simulator can be given (its stand-ins for ref §4.4 (a)–(f)) is
    /// named by the case, through the console and the supply alone.
    #[test]
    fn names_the_step_that_clears_each_simulated_policy() {
        let policies = [
            (
                "level",
                "{ pofwarn_clear: level, hysteresis_mv: 60 }",
                "(a) nothing",
            ),
            ("rearm", "{ pofwarn_clear: re-arm }", "(b) re-arm"),
            ("cfun", "{ pofwarn_clear: cfun-cycle }", "(d) CFUN cycle"),
            ("reset", "{ pofwarn_clear: reset }", "(e) SoC reset"),
            ("power", "{ pofwarn_clear: power-cycle }", "(f) power cycle"),
            ("oneshot", "{ pofwarn_clear: re-arm }", "(b) re-arm"),
        ];
        let dir = tempfile::tempdir().expect("tempdir");
        let mut rack = String::from("name: clear-policies\nduts:\n");
        for (name, policy, _) in policies {
            let profile = if name == "oneshot" {
                "mfw_nrf91x1_2.0.2"
            } else {
                "mfw_nrf9160_1.3.6"
            };
            rack.push_str(&format!(
                "  - name: {name}\n    simulated: {{ profile: {profile}, policy: {policy} }}\n"
            ));
        }
        let path = dir.path().join("rack.yaml");
        std::fs::write(&path, rack).expect("rack file");
        let opts = LabOptions {
            flash: false,
            workspace_root: dir.path().to_path_buf(),
            ..LabOptions::default()
        };
        let lab = Lab::bring_up(&RackSource::File(path), &opts).expect("lab up");
        let (boards, _guard) = lab.into_parts();
        let case = super::cases().pop().expect("the case");
        std::thread::scope(|scope| {
            for mut board in boards {
                let case = &case;
                let want = policies
                    .iter()
                    .find(|p| p.0 == board.spec.name)
                    .map(|p| p.2)
                    .expect("a policy per board");
                scope.spawn(move || {
                    assert!(board.fault().is_none(), "{:?}", board.fault());
                    let mut log = CaseLog::new();
                    let result = case.run(&mut board, &mut log);
                    let seen = |key: &str| {
                        log.observations
                            .iter()
                            .find(|(k, _)| k.starts_with(key))
                            .map(|(_, v)| v.clone())
                            .unwrap_or_default()
                    };
                    let name = board.spec.name.clone();
                    assert_eq!(result, Ok(()), "{name}: {:?}", log.observations);
                    assert!(
                        seen("cleared by").starts_with(want),
                        "{name}: cleared by `{}`, want {want}: {:?}",
                        seen("cleared by"),
                        log.observations
                    );
                    if name == "level" {
                        // Trip in (3.08, 3.10], release at 3.16 V, still blocked at 3.14 V.
                        assert_eq!(seen("hysteresis"), "40 to 80", "{:?}", log.observations);
                    }
                });
            }
        });
    }
}
