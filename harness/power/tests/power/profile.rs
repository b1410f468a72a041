//! Voltage profiles: parsing errors, validation against limits, and a run on a simulated supply.

use std::time::Instant;

use hil_power::{
    GuardedSupply, Profile, ProfileError, RampPace, RunOptions, Step, TraceEvent, run_profile,
};
use hil_sim::supply::SupplyModel;
use rstest::rstest;

use crate::common::{Bench, LIMITS};

const EXAMPLE: &str = "
current_limit: 0.5
steps:
  - {set: 3.8, dwell_ms: 200}
  - {ramp: {to: 2.9, over_ms: 500, step_mv: 50}}
  - {dip: {to: 2.5, hold_ms: 20}}
";

#[test]
fn the_example_parses() {
    let p = Profile::from_yaml(EXAMPLE, "example.yaml").unwrap();
    assert_eq!(p.current_limit, Some(0.5));
    assert_eq!(
        p.steps,
        vec![
            Step::Set {
                volts: 3.8,
                dwell_ms: 200,
                settle: true
            },
            Step::Ramp {
                to: 2.9,
                pace: RampPace::OverMs(500),
                step_mv: 50.0,
                dwell_ms: 0
            },
            Step::Dip {
                to: 2.5,
                hold_ms: 20,
                dwell_ms: 0
            },
        ]
    );
    p.validate(&LIMITS).unwrap();
    // Round trip through YAML.
    let text = serde_yaml_ng::to_string(&p).unwrap();
    assert_eq!(Profile::from_yaml(&text, "again").unwrap(), p);
}

#[rstest]
#[case::unknown_key("steps:\n  - {set: 3.8, dwel_ms: 200}\n", "dwel_ms")]
#[case::typo_in_ramp("steps:\n  - {set: 3.8}\n  - {ramp: {to: 3.0, ovr_ms: 5}}\n", "ovr_ms")]
#[case::two_kinds("steps:\n  - {set: 3.8, dip: {to: 3.0, hold_ms: 5}}\n", "exactly one")]
#[case::no_kind("steps:\n  - {dwell_ms: 5}\n", "exactly one")]
#[case::ramp_without_pace(
    "steps:\n  - {set: 3.8}\n  - {ramp: {to: 3.0}}\n",
    "over_ms or slew_v_per_s"
)]
#[case::ramp_with_both(
    "steps:\n  - {set: 3.8}\n  - {ramp: {to: 3.0, over_ms: 5, slew_v_per_s: 1}}\n",
    "not both"
)]
#[case::not_a_number("steps:\n  - {set: high}\n", "invalid type")]
#[case::negative_dwell("steps:\n  - {set: 3.8, dwell_ms: -5}\n", "dwell_ms")]
#[case::no_steps("name: x\n", "steps")]
#[case::not_yaml("steps: [\n", "line 2")]
fn parse_errors_say_what_and_where(#[case] yaml: &str, #[case] needle: &str) {
    let err = Profile::from_yaml(yaml, "bad.yaml").unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ProfileError::Parse { .. }));
    assert!(text.contains("bad.yaml"), "{text}");
    assert!(text.contains(needle), "`{needle}` not in: {text}");
}

#[test]
fn parse_errors_carry_a_line() {
    let err = Profile::from_yaml(
        "steps:\n  - {set: 3.8}\n  - {set: 3.8, bogus: 1}\n",
        "p.yaml",
    )
    .unwrap_err();
    assert!(err.to_string().contains("line 3"), "{err}");
}

#[rstest]
#[case::above("steps: [{set: 4.5}]", 1, "outside the DUT's limits")]
#[case::dip_below(
    "steps: [{set: 3.8}, {dip: {to: 2.0, hold_ms: 5}}]",
    2,
    "outside the DUT's limits"
)]
#[case::ramp_above("steps: [{set: 3.8}, {ramp: {to: 5.0, over_ms: 100}}]", 2, "outside")]
#[case::starts_with_ramp("steps: [{ramp: {to: 3.0, over_ms: 100}}]", 1, "starts with a `set`")]
#[case::zero_hold("steps: [{set: 3.8}, {dip: {to: 3.0, hold_ms: 0}}]", 2, "hold_ms")]
#[case::zero_over("steps: [{set: 3.8}, {ramp: {to: 3.0, over_ms: 0}}]", 2, "over_ms")]
#[case::tiny_step(
    "steps: [{set: 3.8}, {ramp: {to: 3.0, over_ms: 10, step_mv: 0}}]",
    2,
    "step_mv"
)]
fn validation_names_the_step(#[case] yaml: &str, #[case] step_no: usize, #[case] needle: &str) {
    let p = Profile::from_yaml(yaml, "p.yaml").unwrap();
    let err = p.validate(&LIMITS).unwrap_err();
    match &err {
        ProfileError::Invalid { step, .. } => assert_eq!(*step, step_no, "{err}"),
        other => panic!("expected a step error, got {other}"),
    }
    assert!(err.to_string().contains(needle), "{err}");
}

#[test]
fn a_too_high_current_limit_is_refused() {
    let p = Profile::from_yaml("current_limit: 2.5\nsteps: [{set: 3.8}]", "p").unwrap();
    assert!(
        p.validate(&LIMITS)
            .unwrap_err()
            .to_string()
            .contains("current_limit")
    );
}

#[test]
fn an_invalid_profile_sends_nothing() {
    let bench = Bench::start(SupplyModel::GENERIC_SCPI);
    let mut psu = GuardedSupply::new(bench.open(), LIMITS).unwrap();
    // A query answered means the instrument has taken everything sent before it (the driver's
    // opening `*CLS` has no answer to wait for): the log is complete.
    psu.identify().unwrap();
    let before = bench.ep.log.commands();
    let p = Profile::from_yaml("steps: [{set: 3.8}, {dip: {to: 1.0, hold_ms: 5}}]", "p").unwrap();
    let err = run_profile(&p, &mut psu, RunOptions::new(Instant::now())).unwrap_err();
    assert_eq!(err.step, None);
    assert_eq!(
        bench.ep.log.commands(),
        before,
        "validation happens before anything runs"
    );
}

#[test]
fn the_example_runs_and_is_traced() {
    let bench = Bench::start(SupplyModel::GENERIC_SCPI);
    let mut psu = GuardedSupply::new(bench.open(), LIMITS).unwrap();
    psu.set_voltage(3.8).unwrap();
    psu.set_output(true).unwrap();
    let epoch = Instant::now();
    let p = Profile::from_yaml(EXAMPLE, "example.yaml").unwrap();
    let trace = run_profile(&p, &mut psu, RunOptions::new(epoch)).unwrap();
    let total = epoch.elapsed().as_secs_f64() * 1000.0;

    // 18 ramp steps of 50 mV, all commanded, ending exactly at 2.9 V.
    let ramp_sets: Vec<f64> = bench
        .ep
        .log
        .commands()
        .iter()
        .filter_map(|c| c.strip_prefix("VOLT ").and_then(|v| v.parse().ok()))
        .collect();
    assert!(ramp_sets.len() >= 18 + 3, "{ramp_sets:?}");
    assert!(ramp_sets.contains(&2.9) && ramp_sets.contains(&2.5));
    // The dip returned to the ramp's end.
    assert!((bench.rail.setpoint() - 2.9).abs() < 1e-9);

    // Trace: relative times, monotonic, within the run; the dip is visible in measurements.
    assert!(trace.points.iter().any(|p| p.event == TraceEvent::Note));
    assert!(trace.points.windows(2).all(|w| w[0].t_ms <= w[1].t_ms));
    let (first, last) = trace.span_ms().unwrap();
    assert!(first >= 0.0 && last <= total + 1.0);
    assert!(last >= 700.0, "200 ms dwell + 500 ms ramp: {last}");
    let min = trace.min_measured_volts().unwrap();
    assert!(min < 2.6, "the dip to 2.5 V was measured: {min}");
    assert!(
        trace.points.iter().any(|p| p.meas_a.is_some()),
        "current sampled"
    );
}
