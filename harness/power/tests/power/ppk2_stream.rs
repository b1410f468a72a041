//! The PPK2's current measurement end to end: the simulated PPK2 streams 100 kS/s encoded with
//! its own (non-trivial) calibration through a real pty; our driver decodes it in its reader
//! thread. Windows are placed well after each change and well before the next, so a loaded
//! machine (samples arriving late) changes nothing but when they arrive.

use std::thread::sleep;
use std::time::{Duration, Instant};

use hil_at::AtClient;
use hil_power::ppk2::convert::Converter;
use hil_power::ppk2::word::RawSample;
use hil_power::ppk2::{Metadata, Ppk2Mode, Ppk2Supply};
use hil_power::transport::{SerialSettings, SerialTransport};
use hil_power::{CurrentRecorder, PowerSupply, RecordOptions, WindowCut};
use hil_sim::profile::bundled_profile;
use hil_sim::rack::{SimDutConfig, SimRack, SimRackConfig};
use hil_sim::supply::SupplyModel;
use hil_sim::supply::ppk2::encode::{self, Encoder};
use hil_sim::timing::Timing;

use crate::common::Bench;

const PROFILE: &str = "mfw_nrf9160_1.3.6";

fn open(address: &str, mode: Ppk2Mode) -> Ppk2Supply {
    let settings = SerialSettings {
        baud: 115_200,
        ..SerialSettings::default()
    };
    let t = SerialTransport::open(address, settings).expect("open the PPK2's port");
    Ppk2Supply::with_mode(Box::new(t), mode, Duration::from_secs(2)).expect("PPK2 driver")
}

fn within(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs()
}

/// Waits `ms` and returns the window `[start + lead, start + ms - tail)` as instants.
fn hold(ms: u64) -> (Instant, Instant) {
    let start = Instant::now();
    sleep(Duration::from_millis(ms));
    (
        start + Duration::from_millis(ms / 4),
        start + Duration::from_millis(ms * 3 / 4),
    )
}

#[test]
fn the_simulators_encoding_decodes_to_its_current_in_every_range() {
    let meta = Metadata::parse(&encode::metadata_reply(3700, true)).unwrap();
    assert!(meta.defaulted.is_empty(), "no value a decoder could ignore");
    let conv = Converter::new(&meta.calibration, 3700);
    let mut enc = Encoder::default();
    let mut ranges = [0u32; 5];
    for k in 0..280 {
        // 0.2 µA .. 2 A, log-spaced.
        let amps = 2e-7 * 10f64.powf(f64::from(k) / 40.0);
        let (range, adc) = enc.encode(amps, 3700);
        let s = RawSample::from_word(encode::word(range, adc, 5, 0));
        ranges[usize::from(s.range)] += 1;
        let ua = conv.microamps(s.range, s.adc);
        let lsb = (conv.microamps(s.range, s.adc + 1) - ua).abs();
        assert!(
            (ua - amps * 1e6).abs() <= lsb,
            "{amps} A decoded as {ua} µA (range {})",
            s.range
        );
    }
    assert!(
        ranges.iter().all(|&n| n > 0),
        "every range used: {ranges:?}"
    );
}

#[test]
fn ampere_meter_mode_measures_the_rail_and_follows_range_switches() {
    let bench = Bench::start(SupplyModel::Ppk2);
    // The supply in series with the ampere meter: the test itself.
    bench.rail.set_voltage(3.7);
    bench.rail.set_output(true);
    bench.rail.set_load_amps(0.0123);
    let mut ppk = open(&bench.ep.address, Ppk2Mode::AmpereMeter);
    assert_eq!(ppk.mode(), Ppk2Mode::AmpereMeter);
    assert!(ppk.identify().unwrap().contains("ampere meter"));
    assert!(
        ppk.set_voltage(3.3).is_err(),
        "an ampere meter does not source"
    );
    let epoch = Instant::now();
    ppk.start_recording(RecordOptions::new(epoch)).unwrap();
    let (a0, a1) = hold(400);
    bench.rail.set_load_amps(0.000_050);
    let (b0, b1) = hold(400);
    assert!(ppk.capabilities().current_readback);
    let now_a = ppk.measure_current().unwrap().value;
    assert!(within(now_a, 50e-6, 0.01), "live reading {now_a} A");
    ppk.mark("high", a0, a1).unwrap();
    ppk.mark("low", b0, b1).unwrap();
    let rec = ppk.stop_recording().unwrap();
    assert_eq!(
        bench.ep.log.commands(),
        [
            "GetMetaData",
            "SetPowerMode 1",
            "DeviceRunningSet 1",
            "AverageStart",
            "AverageStop"
        ]
    );
    let high = rec.window("high").unwrap();
    let low = rec.window("low").unwrap();
    assert_eq!((high.cut, low.cut), (WindowCut::Whole, WindowCut::Whole));
    let (h, l) = (high.stats().unwrap(), low.stats().unwrap());
    assert_eq!(h.samples, 20_000, "200 ms at 100 kS/s");
    assert!(
        within(h.mean_ua, 12_300.0, 0.01),
        "12.3 mA measured as {} µA",
        h.mean_ua
    );
    assert!(
        within(l.mean_ua, 50.0, 0.01),
        "50 µA measured as {} µA",
        l.mean_ua
    );
    assert!(rec.complete() && rec.losses.is_empty());
    let stats = ppk.last_decode_stats().unwrap();
    assert!(stats.range_switches >= 1, "{stats:?}");
    assert!(
        stats.samples > 64 * 100,
        "the counter rolled over many times without a loss"
    );
    let bucketed = rec.trace.window(
        hil_power::current::ms_since(epoch, b0),
        hil_power::current::ms_since(epoch, b1),
    );
    assert!(within(bucketed.unwrap().mean_ua, 50.0, 0.01));
}

#[test]
fn injected_sample_loss_is_detected_and_reported() {
    let bench = Bench::start(SupplyModel::Ppk2);
    bench.rail.set_load_amps(0.003);
    let mut ppk = open(&bench.ep.address, Ppk2Mode::SourceMeter);
    ppk.set_voltage(3.7).unwrap();
    ppk.set_output(true).unwrap();
    let epoch = Instant::now();
    ppk.start_recording(RecordOptions::new(epoch)).unwrap();
    sleep(Duration::from_millis(100));
    let lost_at = Instant::now();
    bench.ep.faults.drop_samples(37);
    sleep(Duration::from_millis(100));
    bench.ep.faults.drop_samples(1000);
    sleep(Duration::from_millis(100));
    ppk.mark(
        "around the first loss",
        lost_at - Duration::from_millis(50),
        lost_at + Duration::from_millis(50),
    )
    .unwrap();
    sleep(Duration::from_millis(50));
    assert!(ppk.lost_so_far() > 0, "visible while recording");
    let rec = ppk.stop_recording().unwrap();
    let missing: Vec<u32> = rec.losses.iter().map(|l| l.missing).collect();
    // 1000 lost samples show as 1000 mod 64 = 40: the counter has 6 bits (ref §8).
    assert_eq!(missing, [37, 40]);
    assert_eq!(rec.lost_samples, 77);
    assert!(!rec.complete());
    assert!(rec.losses[0].t_ms > 50.0 && rec.losses[0].t_ms < rec.losses[1].t_ms);
    let w = rec.window("around the first loss").unwrap();
    assert_eq!(w.lost(), 37, "lost samples are NaN slots in a window");
    let s = w.stats().unwrap();
    assert!(within(s.mean_ua, 3000.0, 0.01), "{s:?}");
}

#[test]
fn the_decoded_current_of_a_case_matches_the_simulated_modem_within_one_percent() {
    let mut d = SimDutConfig::new("ppk2", PROFILE);
    d.supply = SupplyModel::Ppk2;
    let rack = SimRack::start(SimRackConfig {
        duts: vec![d],
        timing: Timing::Fast,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .unwrap();
    let dut = &rack.duts()[0];
    let figures = bundled_profile(PROFILE).unwrap().current;
    let mut ppk = open(&dut.psu, Ppk2Mode::SourceMeter);
    let mut at = AtClient::open(&dut.serial, dut.baud).unwrap();
    // Samples on the AT transcript's clock.
    let epoch = at.transcript().origin();
    ppk.start_recording(RecordOptions::new(epoch)).unwrap();
    // Boot is long over once the client is up; the modem starts in CFUN=0.
    sleep(Duration::from_millis(figures.booting.ms));
    let cfun0 = hold(400);
    at.set_cfun(4).unwrap();
    let cfun4 = hold(400);
    let write_sent = Instant::now();
    at.command("AT%CMNG=0,42,4,\"hil-ppk2\"").unwrap();
    let write = (
        write_sent - Duration::from_millis(20),
        write_sent + Duration::from_millis(180),
    );
    sleep(Duration::from_millis(400));
    at.set_cfun(1).unwrap();
    let cfun1 = hold(400);
    for (label, (from, to)) in [
        ("cfun0", cfun0),
        ("cfun4", cfun4),
        ("write", write),
        ("cfun1", cfun1),
    ] {
        ppk.mark(label, from, to).unwrap();
    }
    let rec = ppk.stop_recording().unwrap();
    assert!(rec.complete(), "no sample lost: {:?}", rec.losses);
    let mean = |label: &str| rec.window(label).unwrap().stats().unwrap().mean_ua;
    for (label, ma) in [
        ("cfun0", figures.cfun0_ma),
        ("cfun4", figures.cfun4_ma),
        ("cfun1", figures.cfun1_ma),
    ] {
        let got = mean(label);
        assert!(
            within(got, ma * 1000.0, 0.01),
            "{label}: {got} µA, model {ma} mA"
        );
    }
    // The credential write's charge above the CFUN=4 level: the model's pulse (6 mA × 40 ms).
    let w = rec.window("write").unwrap().stats().unwrap();
    let extra_uc = w.charge_uc - figures.cfun4_ma * 1000.0 * w.span_ms / 1000.0;
    let model_uc = figures.nvm_write.ma * figures.nvm_write.ms as f64;
    assert!(
        within(extra_uc, model_uc, 0.03),
        "write: {extra_uc} µC, model {model_uc} µC"
    );
    // The envelope agrees with the raw samples.
    let (from, to) = cfun1;
    let ms = |t| hil_power::current::ms_since(epoch, t);
    let bucketed = rec.trace.window(ms(from), ms(to)).unwrap();
    assert!(within(bucketed.mean_ua, figures.cfun1_ma * 1000.0, 0.01));
    let stats = ppk.last_decode_stats().unwrap();
    assert!(
        stats.range_switches >= 2,
        "3 mA and 45 mA are different ranges: {stats:?}"
    );
}
