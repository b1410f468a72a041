//! Current from supplies that are asked, not streamed: every SCPI model and the Korad record a
//! trace through `PowerSupply::recorder` by reading their current in the background, into the
//! same `CurrentTrace` a PPK2 fills, with the driver still usable for the case's own commands.

use std::time::{Duration, Instant};

use hil_power::{RecordOptions, ScpiModel};
use hil_sim::supply::SupplyModel;
use rstest::rstest;

use crate::common::Bench;

/// Waits until the recorder has `n` readings (a deadline, not a timed assertion).
fn wait_readings(supply: &mut dyn hil_power::PowerSupply, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while supply.recorder().unwrap().samples_so_far() < n {
        assert!(Instant::now() < deadline, "fewer than {n} readings in 20 s");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[rstest]
#[case(SupplyModel::GENERIC_SCPI)]
#[case(SupplyModel::Scpi(ScpiModel::RigolDp800))]
#[case(SupplyModel::Scpi(ScpiModel::Keithley2280))]
#[case(SupplyModel::Korad)]
fn a_polled_supply_records_its_load_on_the_callers_clock(#[case] model: SupplyModel) {
    let bench = Bench::start(model);
    let mut supply = bench.open();
    supply.set_voltage(3.7).unwrap();
    supply.set_output(true).unwrap();
    bench.rail.set_load_amps(0.020);
    let epoch = Instant::now();
    supply
        .recorder()
        .expect("every measuring supply records")
        .start_recording(RecordOptions::new(epoch))
        .unwrap();
    wait_readings(supply.as_mut(), 2);
    // The driver stays usable between readings.
    supply.set_voltage(3.6).unwrap();
    bench.rail.set_load_amps(0.005);
    let before = supply.recorder().unwrap().samples_so_far();
    wait_readings(supply.as_mut(), before + 2);
    let rec = supply.recorder().unwrap().stop_recording().unwrap();
    let end_ms = epoch.elapsed().as_secs_f64() * 1000.0;

    assert!(rec.complete(), "{:?}", rec.losses);
    assert_eq!(rec.samples as usize, rec.trace.buckets.len());
    assert_eq!(rec.trace.source, supply.describe());
    let ua: Vec<f32> = rec.trace.buckets.iter().map(|b| b.mean_ua).collect();
    assert!((ua[0] - 20_000.0).abs() < 1.0, "{ua:?}");
    assert!((ua[ua.len() - 1] - 5_000.0).abs() < 1.0, "{ua:?}");
    let times: Vec<f64> = rec.trace.buckets.iter().map(|b| b.t_ms).collect();
    assert!(times.windows(2).all(|w| w[0] < w[1]), "{times:?}");
    assert!(
        times[0] >= 0.0 && times[times.len() - 1] <= end_ms,
        "{times:?}"
    );
    let w = rec.trace.window(0.0, end_ms).unwrap();
    assert!(w.min_ua < 5_001.0 && w.max_ua > 19_999.0, "{w:?}");
}

#[test]
fn a_failed_reading_is_reported_as_lost() {
    let bench = Bench::start(SupplyModel::GENERIC_SCPI);
    let mut supply = bench.open_with(crate::common::short_timeout());
    supply.set_output(true).unwrap();
    let epoch = Instant::now();
    let rec = supply.recorder().unwrap();
    rec.start_recording(RecordOptions::new(epoch)).unwrap();
    bench.ep.faults.set_hang(true);
    let deadline = Instant::now() + Duration::from_secs(20);
    while supply.recorder().unwrap().lost_so_far() == 0 {
        assert!(Instant::now() < deadline, "no lost reading reported");
        std::thread::sleep(Duration::from_millis(10));
    }
    let rec = supply.recorder().unwrap().stop_recording().unwrap();
    assert!(!rec.complete());
    assert!(rec.lost_samples >= 1 && !rec.losses.is_empty());
}
