//! The Korad/Tenma driver against the simulated KA3005P: pacing, read-back, hang.

use std::time::{Duration, Instant};

use hil_power::{OpenOptions, PowerError};
use hil_sim::supply::SupplyModel;

use crate::common::{Bench, close, eventually, short_timeout};

/// A simulated Korad that loses a command arriving within sigrok's processing time of the
/// previous one (the slow-unit behaviour; realistic timing has it on).
fn strict_korad() -> Bench {
    let bench = Bench::start(SupplyModel::Korad);
    bench
        .ep
        .faults
        .set_min_interval(hil_power::korad::PROCESSING_TIME);
    bench
}

#[test]
fn paced_commands_are_all_executed() {
    let bench = strict_korad();
    let mut supply = bench.open();
    assert_eq!(supply.identify().unwrap(), "KORAD KA3005P V5.5 SN:16072670");
    supply.set_current_limit(0.5).unwrap();
    supply.set_voltage(3.3).unwrap();
    supply.set_output(true).unwrap();
    // The output ramps from when the instrument switched it on: poll rather than read once.
    assert!(eventually(|| close(
        supply.measure_voltage().unwrap().value,
        3.3
    )));
    bench.rail.set_load_amps(0.25);
    assert!((supply.measure_current().unwrap().value - 0.25).abs() < 1e-3);
    supply.set_voltage(3.05).unwrap();
    supply.set_output(false).unwrap();

    assert!(
        bench.dropped().is_empty(),
        "the sim dropped {:?}",
        bench.dropped()
    );
    assert!(!bench.rail.output_on());
    assert!(close(bench.rail.setpoint(), 3.05));
    assert!(close(bench.rail.current_limit(), 0.5));
    let log = bench.ep.log.commands();
    assert!(log.contains(&"VSET1:03.30".to_string()), "{log:?}");
    assert!(log.contains(&"ISET1:0.500".to_string()), "{log:?}");
    // 80 ms between any two commands, as far as the instrument can tell (a pty carries no
    // arrival stamps: each command arrived somewhere in `earliest..=at`).
    let entries = bench.ep.log.entries();
    for pair in entries.windows(2) {
        let gap = pair[1].at.duration_since(pair[0].earliest);
        assert!(
            gap >= Duration::from_millis(80),
            "{} -> {} after {gap:?}",
            pair[0].text,
            pair[1].text
        );
    }
}

#[test]
fn without_pacing_the_sim_drops_and_the_read_back_catches_it() {
    let bench = strict_korad();
    let mut supply = bench.open_with(OpenOptions {
        timeout: Duration::from_millis(500),
        pacing: Some(Duration::from_millis(5)),
    });
    let err = supply.set_voltage(3.3).unwrap_err();
    assert!(
        !bench.dropped().is_empty(),
        "the too-early command was dropped"
    );
    assert!(
        matches!(
            err,
            PowerError::NotApplied { .. } | PowerError::Timeout { .. }
        ),
        "a dropped command is an error, not a silent wrong voltage: {err}"
    );
}

#[test]
fn a_hung_korad_times_out() {
    let bench = Bench::start(SupplyModel::Korad);
    let mut supply = bench.open_with(short_timeout());
    bench.ep.faults.set_hang(true);
    let t = Instant::now();
    let err = supply.measure_voltage().unwrap_err();
    assert!(err.is_timeout(), "{err}");
    assert!(t.elapsed() < Duration::from_secs(1));
    let t = Instant::now();
    assert!(supply.identify().unwrap_err().is_timeout());
    assert!(t.elapsed() < Duration::from_secs(1));
}

#[test]
fn values_the_protocol_cannot_carry_are_refused() {
    let bench = Bench::start(SupplyModel::Korad);
    let mut supply = bench.open();
    assert!(matches!(
        supply.set_voltage(-1.0),
        Err(PowerError::Unsupported { .. })
    ));
    assert!(matches!(
        supply.set_voltage(f64::NAN),
        Err(PowerError::Unsupported { .. })
    ));
    assert!(bench.ep.log.commands().is_empty());
}
