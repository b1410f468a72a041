//! The PPK2 driver against the simulated PPK2: opcodes, no readback, hang at open.

use std::time::{Duration, Instant};

use hil_power::{GuardedSupply, PowerError, ReadingOrigin};
use hil_sim::supply::SupplyModel;

use crate::common::{Bench, LIMITS, close, eventually, short_timeout};

#[test]
fn source_meter_opcodes_reach_the_rail() {
    let bench = Bench::start(SupplyModel::Ppk2);
    let mut supply = bench.open();
    assert!(supply.identify().unwrap().contains("PPK2"));
    supply.set_voltage(3.3).unwrap();
    supply.set_output(true).unwrap();
    // No acknowledgement to wait for: the instrument applies it a moment later.
    assert!(eventually(
        || bench.rail.output_on() && close(bench.rail.setpoint(), 3.3)
    ));
    assert_eq!(
        bench.ep.log.commands(),
        [
            "GetMetaData",
            "SetPowerMode 2",
            "RegulatorSet 3300",
            "DeviceRunningSet 1"
        ]
    );
    let v = supply.measure_voltage().unwrap();
    assert_eq!(
        v.origin,
        ReadingOrigin::SetPoint,
        "no voltage readback: the set point, said so"
    );
    assert!(close(v.value, 3.3));
    assert!(matches!(
        supply.measure_current(),
        Err(PowerError::Unsupported { .. })
    ));
    assert!(!supply.capabilities().voltage_readback);
}

#[test]
fn guarded_ppk2_settles_on_trust_and_traces_no_measurement() {
    let bench = Bench::start(SupplyModel::Ppk2);
    let mut psu = GuardedSupply::new(bench.open(), LIMITS).unwrap();
    psu.start_trace(Instant::now());
    psu.set_current_limit(0.5).unwrap();
    psu.set_voltage(3.6).unwrap();
    let settled = psu.set_output(true).unwrap();
    assert!(settled.assumed());
    psu.sample().unwrap();
    let trace = psu.take_trace().unwrap();
    assert!(
        trace.points.iter().all(|p| p.meas_v.is_none()),
        "a set point is not a measurement"
    );
    assert!(trace.points.iter().any(|p| p.set_v == Some(3.6)));
}

#[test]
fn a_silent_port_is_a_timeout_at_open() {
    let bench = Bench::start(SupplyModel::Ppk2);
    bench.ep.faults.set_hang(true);
    let t = Instant::now();
    let err = hil_power::open_with(&bench.spec(1), short_timeout())
        .err()
        .unwrap();
    assert!(err.is_timeout(), "{err}");
    assert!(t.elapsed() < Duration::from_secs(1));
}

#[test]
fn regulator_range_is_enforced_by_the_driver() {
    let bench = Bench::start(SupplyModel::Ppk2);
    let mut supply = bench.open();
    assert!(matches!(
        supply.set_voltage(5.5),
        Err(PowerError::Unsupported { .. })
    ));
    assert!(!bench.ep.log.contains("RegulatorSet 5500"));
}
