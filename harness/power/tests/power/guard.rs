//! The limit guard and settle polling against simulated supplies.

use std::time::{Duration, Instant};

use hil_power::ScpiModel;
use hil_power::{GuardedSupply, Limits, PowerError, SettleConfig};
use hil_sim::rail::Slew;
use hil_sim::supply::SupplyModel;
use rstest::rstest;

use crate::common::{Bench, LIMITS, close, eventually};

fn guarded(bench: &Bench) -> GuardedSupply {
    GuardedSupply::new(bench.open(), LIMITS).unwrap()
}

#[rstest]
#[case::scpi(SupplyModel::Scpi(ScpiModel::RigolDp800))]
#[case::korad(SupplyModel::Korad)]
#[case::ppk2(SupplyModel::Ppk2)]
fn out_of_limits_set_points_never_reach_the_instrument(#[case] model: SupplyModel) {
    let bench = Bench::start(model);
    let mut psu = guarded(&bench);
    // Let the instrument log what opening sent (the PPK2 acknowledges nothing to wait on).
    std::thread::sleep(Duration::from_millis(100));
    let before = bench.ep.log.commands();
    for v in [4.5, 2.0, f64::NAN, -3.8] {
        let err = psu.set_voltage(v).unwrap_err();
        assert!(matches!(err, PowerError::OutOfLimits { .. }), "{v}: {err}");
        assert!(err.to_string().contains("nothing was sent"), "{err}");
    }
    assert!(matches!(
        psu.set_current_limit(2.0),
        Err(PowerError::OutOfLimits { .. })
    ));
    assert!(matches!(
        psu.command_voltage(4.21),
        Err(PowerError::OutOfLimits { .. })
    ));
    assert_eq!(
        bench.ep.log.commands(),
        before,
        "{model}: nothing reached the instrument"
    );
    for needle in [
        "4.5",
        "4.21",
        "2.0000",
        "NaN",
        "4500",
        "VSET1:04.50",
        "CURR 2",
    ] {
        assert!(
            !bench.ep.log.contains(needle),
            "{model}: `{needle}` reached the instrument"
        );
    }
    // Inside the window it goes through.
    psu.set_voltage(3.7).unwrap();
    assert!(eventually(|| close(bench.rail.setpoint(), 3.7)));
}

#[test]
fn output_on_needs_a_guarded_set_point() {
    let bench = Bench::start(SupplyModel::GENERIC_SCPI);
    let mut psu = guarded(&bench);
    assert!(matches!(psu.set_output(true), Err(PowerError::NoSetPoint)));
    assert!(!bench.ep.log.contains("OUTP"));
}

#[test]
fn inverted_limits_are_refused() {
    let bench = Bench::start(SupplyModel::GENERIC_SCPI);
    let bad = Limits {
        min_volts: 4.0,
        max_volts: 3.0,
        max_amps: 1.0,
    };
    assert!(matches!(
        GuardedSupply::new(bench.open(), bad),
        Err(PowerError::InvalidLimits(_))
    ));
}

#[test]
fn settle_polls_a_slowly_bleeding_output() {
    let bench = Bench::start(SupplyModel::GENERIC_SCPI);
    let mut psu = guarded(&bench);
    psu.set_voltage(3.8).unwrap();
    psu.set_output(true).unwrap();
    // Light load: the output falls at 2 V/s, so 3.8 → 3.0 V takes ~0.4 s.
    bench.rail.set_slew(Slew {
        up_v_per_s: 1000.0,
        down_v_per_s: 2.0,
    });
    let t = Instant::now();
    let settled = psu.set_voltage(3.0).unwrap().expect("output on: waited");
    assert!(settled.elapsed >= Duration::from_millis(300), "{settled:?}");
    assert!(settled.polls > 3, "polled, not slept once: {settled:?}");
    assert!(close(settled.reading, 3.0) || (settled.reading - 3.0).abs() <= 0.05);
    assert!(t.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_set_point_not_reached_in_time_is_an_error_with_details() {
    let bench = Bench::start(SupplyModel::GENERIC_SCPI);
    let quick = SettleConfig {
        deadline: Duration::from_millis(150),
        ..SettleConfig::default()
    };
    let mut psu = guarded(&bench).with_settle(quick);
    psu.set_voltage(3.8).unwrap();
    psu.set_output(true).unwrap();
    bench.rail.set_slew(Slew {
        up_v_per_s: 1000.0,
        down_v_per_s: 1.0,
    });
    let err = psu.set_voltage(3.0).unwrap_err();
    let PowerError::NotSettled {
        setpoint,
        last_reading,
        elapsed,
        ..
    } = &err
    else {
        panic!("expected NotSettled, got {err}");
    };
    assert_eq!(*setpoint, 3.0);
    let last = last_reading.expect("a reading");
    assert!(last > 3.5, "still bleeding down: {last}");
    assert!(*elapsed >= Duration::from_millis(150) && *elapsed < Duration::from_secs(1));
    let text = err.to_string();
    assert!(
        text.contains("3 V") && text.contains("last reading"),
        "{text}"
    );
}

#[test]
fn output_off_waits_for_the_output_to_fall() {
    let bench = Bench::start(SupplyModel::Scpi(ScpiModel::KeysightE36300));
    let mut psu = guarded(&bench);
    psu.set_voltage(3.8).unwrap();
    psu.set_output(true).unwrap();
    bench.rail.set_slew(Slew {
        up_v_per_s: 1000.0,
        down_v_per_s: 20.0,
    });
    // 3.8 V to below 0.3 V at 20 V/s takes 175 ms from the moment the instrument switches off,
    // which is inside the call: its wall time cannot be shorter, however late any thread runs.
    // (The guard's own `elapsed` starts after the command and its error check were sent.)
    let started = Instant::now();
    let settled = psu.set_output(false).unwrap();
    let waited = started.elapsed();
    assert!(settled.reading < 0.3);
    assert!(
        waited >= Duration::from_millis(150),
        "{waited:?} {settled:?}"
    );
}

#[test]
fn realistic_timing_settles_through_the_models_own_slew() {
    use hil_sim::rail::SupplyRail;
    use hil_sim::timing::Timing;
    use std::sync::Arc;

    let rail = Arc::new(SupplyRail::new(3.8, Slew::FAST));
    let ep = hil_sim::supply::start(
        SupplyModel::Scpi(ScpiModel::RigolDp800),
        rail.clone(),
        Timing::Realistic,
    )
    .unwrap();
    let spec = hil_power::SupplySpec {
        driver: hil_power::SupplyDriver::ScpiTcp,
        model: Some(hil_power::ScpiModel::RigolDp800),
        address: ep.address.clone(),
        channel: 1,
        baud: None,
    };
    let mut psu = GuardedSupply::new(hil_power::open(&spec).unwrap(), LIMITS).unwrap();
    psu.set_voltage(3.8).unwrap();
    psu.set_output(true).unwrap();
    // DP800 in realistic mode bleeds down at 8 V/s: 0.8 V takes ~100 ms.
    let started = Instant::now();
    let settled = psu.set_voltage(3.0).unwrap().unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(60),
        "{waited:?} {settled:?}"
    );
    assert!(ep.log.dropped().is_empty());
}
