//! The `cargo test --test hil` path end to end on the simulated rack: settings from the
//! environment, bring-up, the run as libtest trials, reports where the settings say.

use hil_app::env::{HIL_REPORT_DIR, HIL_TIMING};
use hil_app::libtest::libtest;
use hil_app::{AppError, Env};
use libtest_mimic::Arguments;

fn args(extra: &[&str]) -> Arguments {
    Arguments::from_iter(["hil"].iter().chain(extra))
}

#[test]
fn a_bad_variable_stops_before_the_lab_comes_up() {
    let env = Env::default().with_var(HIL_TIMING, "slow");
    let err = libtest(&args(&["--list"]), &env).unwrap_err();
    assert!(matches!(err, AppError::Settings(_)), "{err:?}");
    assert!(err.to_string().contains("HIL_TIMING=\"slow\""), "{err}");
}

#[test]
fn one_trial_runs_and_its_reports_go_to_the_report_dir_setting() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("reports");
    let env = Env::default().with_var(HIL_REPORT_DIR, &report);
    let code = libtest(
        &args(&[
            "--exact",
            "sim-1.3.6::identity::report",
            "--test-threads",
            "1",
        ]),
        &env,
    )
    .expect("the run starts");
    assert_eq!(code, std::process::ExitCode::SUCCESS);

    let junit = std::fs::read_to_string(report.join("junit.xml")).expect("JUnit written");
    let junit = quick_junit::Report::deserialize_from_str(&junit).expect("JUnit parses");
    assert_eq!(junit.tests, 1, "only the selected trial ran");
    let boards: Vec<&str> = junit.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        boards,
        ["sim-1.3.6"],
        "boards without a trial are not brought up"
    );
    assert!(report.join("conformance.html").is_file());
    assert!(report.join("events.jsonl").is_file());
}
