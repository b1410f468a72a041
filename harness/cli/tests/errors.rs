//! Bad input gives a clear one-line error naming the problem (and the file and line for a bad
//! rack file) and exit status 2 — never a panic or a backtrace.

mod common;

use common::{hil, output, text};

/// Runs `hil args...`, expects exit 2 and returns stderr.
fn fails_with_2(args: &[&str]) -> String {
    let mut cmd = hil();
    cmd.args(args);
    let out = output(cmd, 60);
    let stderr = text(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(2),
        "`hil {}` should exit 2; stderr:\n{stderr}",
        args.join(" ")
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert!(stderr.contains("error"), "{stderr}");
    stderr
}

#[test]
fn unknown_subcommand() {
    let e = fails_with_2(&["frobnicate"]);
    assert!(e.contains("frobnicate"), "{e}");
}

#[test]
fn retries_must_be_a_number() {
    let e = fails_with_2(&["run", "--retries", "abc"]);
    assert!(e.contains("--retries") && e.contains("abc"), "{e}");
}

#[test]
fn timing_must_be_fast_or_realistic() {
    let e = fails_with_2(&["run", "--timing", "slow"]);
    assert!(e.contains("slow") && e.contains("realistic"), "{e}");
}

#[test]
fn a_bad_environment_variable_is_named_unless_the_flag_overrides_it() {
    for (var, value, flag, good) in [
        ("HIL_TIMING", "slow", "--timing", "fast"),
        ("HIL_RETRIES", "abc", "--retries", "0"),
    ] {
        let mut cmd = hil();
        cmd.env(var, value).args(["run", "--list"]);
        let out = output(cmd, 60);
        let e = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{var}={value}: {e}");
        assert!(e.contains(var) && e.contains(value), "{e}");
        assert_eq!(e.trim().lines().count(), 1, "one line: {e}");

        let mut cmd = hil();
        cmd.env(var, value).args(["run", "--list", flag, good]);
        let out = output(cmd, 60);
        assert!(out.status.success(), "{flag} wins: {}", text(&out.stderr));
    }
}

#[test]
fn a_missing_rack_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("no-such-rack.yaml");
    let report = dir.path().join("report");
    let e = fails_with_2(&[
        "run",
        "--rack",
        rack.to_str().unwrap(),
        "--report-dir",
        report.to_str().unwrap(),
    ]);
    assert!(e.contains("no-such-rack.yaml"), "{e}");
    assert_eq!(e.trim().lines().count(), 1, "one line: {e}");
}

#[test]
fn a_rack_file_error_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("bad-rack.yaml");
    std::fs::write(
        &rack,
        "name: bench\nduts:\n  - name: dk-1\n    serial: /dev/ttyACM0\n    limits: { min_volts: 4.2, max_volts: 3.0, max_amps: 1.0 }\n",
    )
    .unwrap();
    let report = dir.path().join("report");
    for sub in [&["run"][..], &["doctor"], &["flash"]] {
        let mut args = sub.to_vec();
        args.extend(["--rack", rack.to_str().unwrap()]);
        if sub[0] == "run" {
            args.extend(["--report-dir", report.to_str().unwrap()]);
        }
        let e = fails_with_2(&args);
        assert!(e.contains("bad-rack.yaml:5"), "file and line: {e}");
        assert!(e.contains("min_volts"), "{e}");
    }
}

#[test]
fn a_missing_port_is_a_usage_error() {
    let e = fails_with_2(&["at", "--port", "/dev/hil-no-such-port", "AT"]);
    assert!(e.contains("/dev/hil-no-such-port"), "{e}");
}

/// `HIL_PORT` stands for `--port` (read through the app layer's environment snapshot).
#[test]
fn hil_port_names_the_console_when_no_option_does() {
    let mut cmd = hil();
    cmd.env("HIL_PORT", "/dev/hil-no-such-port")
        .args(["at", "AT"]);
    let out = output(cmd, 60);
    let e = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("/dev/hil-no-such-port"), "{e}");
}

#[test]
fn at_without_a_console_names_the_ways_to_choose_one() {
    let e = fails_with_2(&["at", "AT"]);
    assert!(
        e.contains("--port") && e.contains("HIL_PORT") && e.contains("--dut"),
        "{e}"
    );
}

#[test]
fn psu_without_limits_is_refused_before_connecting() {
    let e = fails_with_2(&[
        "psu",
        "--driver",
        "scpi-tcp",
        "--address",
        "127.0.0.1:1",
        "identify",
    ]);
    assert!(e.contains("--max-volts"), "{e}");
    let e = fails_with_2(&[
        "psu",
        "--driver",
        "scpi-tcp",
        "--address",
        "127.0.0.1:1",
        "--min-volts",
        "4",
        "--max-volts",
        "3",
        "--max-amps",
        "1",
        "identify",
    ]);
    assert!(e.contains("min_volts"), "{e}");
}

#[test]
fn sim_with_an_unknown_profile_lists_the_known_ones() {
    let e = fails_with_2(&["sim", "--profile", "mfw_nrf9160_9.9.9"]);
    assert!(
        e.contains("mfw_nrf9160_9.9.9") && e.contains("mfw_nrf9160_1.3.6"),
        "{e}"
    );
}

#[test]
fn schema_prints_the_rack_json_schema() {
    let mut cmd = hil();
    cmd.arg("schema");
    let out = output(cmd, 30);
    assert!(out.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(schema.get("properties").is_some(), "{schema}");
    assert!(text(&out.stdout).contains("duts"));
}

#[test]
fn a_sim_config_error_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("sim.yaml");
    std::fs::write(
        &cfg,
        "duts:\n  - name: a\n    profile: mfw_nrf9160_1.3.6\n    legacyhost: true\n",
    )
    .unwrap();
    let e = fails_with_2(&["sim", "--config", cfg.to_str().unwrap()]);
    assert!(e.contains("sim.yaml:"), "{e}");
    assert!(e.contains("legacyhost"), "{e}");
}

/// The command line refuses what a rack file refuses, in the rack file's words.
#[test]
fn command_line_limits_are_the_rack_files() {
    let rack_baud = |serial: &str| {
        hil_rack::parse(
            &format!("name: r\nduts:\n  - name: d\n    serial: {serial}\n"),
            "rack.yaml",
        )
        .unwrap_err()
        .message
    };
    for baud in ["0", "12000001"] {
        let e = fails_with_2(&[
            "at",
            "--port",
            "/dev/hil-no-such-port",
            "--baud",
            baud,
            "AT",
        ]);
        let rack = rack_baud(&format!("{{ port: /dev/x, baud: {baud} }}"));
        assert!(e.contains(&rack), "`{rack}` in: {e}");
    }
    let e = fails_with_2(&["run", "--retries", "4294967295"]);
    assert!(e.contains("4294967295") && e.contains("0..=10"), "{e}");
    let mut cmd = hil();
    cmd.env("HIL_RETRIES", "4294967295").args(["run", "--list"]);
    let out = output(cmd, 60);
    let e = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(e.contains("HIL_RETRIES") && e.contains("0 to 10"), "{e}");
    let e = fails_with_2(&[
        "psu",
        "--driver",
        "korad",
        "--address",
        "/dev/hil-no-such-port",
        "--baud",
        "0",
        "--min-volts",
        "1",
        "--max-volts",
        "4",
        "--max-amps",
        "1",
        "identify",
    ]);
    assert!(e.contains("baud 0 is not a baud rate"), "{e}");
    let e = fails_with_2(&[
        "psu",
        "--driver",
        "korad",
        "--address",
        "/dev/hil-no-such-port",
        "--channel",
        "7",
        "--min-volts",
        "1",
        "--max-volts",
        "4",
        "--max-amps",
        "1",
        "identify",
    ]);
    assert!(e.contains("channel 7 does not exist"), "{e}");
}

/// A usage error is the problem and the usage, never the whole help.
#[test]
fn usage_errors_are_short() {
    for args in [
        &[][..],
        &["psu"],
        &["at"],
        &["run", "--nope"],
        &["run", "--timing", "slow"],
        &["run", "--retries", "abc"],
    ] {
        let e = fails_with_2(args);
        assert!(e.trim().lines().count() <= 2, "hil {args:?}:\n{e}");
        assert!(e.starts_with("error: "), "{e}");
        assert!(!e.contains("Options:"), "{e}");
    }
    let e = fails_with_2(&["psu"]);
    assert!(e.contains("identify") && e.contains("profile"), "{e}");
}
