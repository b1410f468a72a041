//! `hil sim`: one JSON line per DUT, the serial port answers through `hil at`, the supply
//! through `hil psu`, and a signal stops everything cleanly with exit 0.

mod common;

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use common::{Lines, hil, output, signal, text, wait};

const LINE_DEADLINE: Duration = Duration::from_secs(30);

struct Sim {
    child: Child,
    duts: Vec<serde_json::Value>,
}

fn start(args: &[&str], expected: usize) -> Sim {
    let mut cmd = hil();
    cmd.args(["sim", "--json"]).args(args);
    cmd.stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn hil sim");
    let lines = Lines::new(child.stdout.take().unwrap());
    let mut duts = Vec::new();
    for _ in 0..expected {
        let line = lines.next(LINE_DEADLINE).expect("a JSON line per DUT");
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        for key in ["name", "profile", "serial", "psu"] {
            assert!(v[key].is_string(), "{key} missing: {line}");
        }
        duts.push(v);
    }
    Sim { child, duts }
}

fn stops_cleanly(mut sim: Sim, sig: i32) {
    let start = Instant::now();
    signal(&sim.child, sig);
    let status = wait(&mut sim.child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "exit status after signal {sig}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn json_lines_at_answers_and_sigterm_stops() {
    let sim = start(
        &[
            "--profile",
            "mfw_nrf9160_1.3.6",
            "--profile",
            "mfw_nrf91x1_2.0.0",
        ],
        2,
    );
    assert_eq!(sim.duts[0]["profile"], "mfw_nrf9160_1.3.6");
    assert_eq!(sim.duts[1]["profile"], "mfw_nrf91x1_2.0.0");
    assert_ne!(sim.duts[0]["name"], sim.duts[1]["name"]);

    for dut in &sim.duts {
        let mut cmd = hil();
        cmd.args([
            "at",
            "--port",
            dut["serial"].as_str().unwrap(),
            "--timeout",
            "5",
        ]);
        cmd.args(["AT", "AT+CGMR"]);
        let out = output(cmd, 30);
        let stdout = text(&out.stdout);
        assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines[..2], ["> AT", "OK"], "{stdout}");
        assert!(
            stdout.contains(dut["profile"].as_str().unwrap()),
            "{stdout}"
        );
    }

    // An error result is shown and makes the exit status 1.
    let mut cmd = hil();
    cmd.args(["at", "--port", sim.duts[0]["serial"].as_str().unwrap()]);
    cmd.arg("AT+NOSUCHCOMMAND");
    let out = output(cmd, 30);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("ERROR"));

    stops_cleanly(sim, libc::SIGTERM);
}

#[test]
fn sigint_stops_and_removes_the_symlinks() {
    let links = tempfile::tempdir().unwrap();
    let sim = start(
        &[
            "--profile",
            "mfw_nrf9160_1.3.6",
            "--link-dir",
            links.path().to_str().unwrap(),
        ],
        1,
    );
    let name = sim.duts[0]["name"].as_str().unwrap().to_string();
    let link = links.path().join(&name);
    assert!(link.exists(), "symlink {}", link.display());
    assert_eq!(
        sim.duts[0]["serial"].as_str().unwrap(),
        link.to_str().unwrap()
    );
    stops_cleanly(sim, libc::SIGINT);
    assert!(!link.exists(), "symlink left behind");
}

#[test]
fn psu_drives_the_simulated_supply_within_limits() {
    let sim = start(&["--profile", "mfw_nrf9160_1.3.6"], 1);
    let psu = sim.duts[0]["psu"].as_str().unwrap().to_string();
    let base = [
        "psu",
        "--driver",
        "scpi-tcp",
        "--address",
        psu.as_str(),
        "--min-volts",
        "3.0",
        "--max-volts",
        "4.2",
        "--max-amps",
        "0.5",
    ];
    let run = |extra: &[&str]| {
        let mut cmd = hil();
        cmd.args(base).args(extra);
        output(cmd, 30)
    };
    let out = run(&["identify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stdout).trim().is_empty());

    let out = run(&["on", "--volts", "3.8"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&["measure"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("3.8"), "{}", text(&out.stdout));

    let out = run(&["set", "5.0"]);
    assert_eq!(out.status.code(), Some(2), "outside the limits");
    assert!(
        text(&out.stderr).contains("refused"),
        "{}",
        text(&out.stderr)
    );

    stops_cleanly(sim, libc::SIGTERM);
}

#[test]
fn at_reports_a_command_that_never_answers() {
    // The old at_host loses the closing quote of an over-long write; the modem then waits for
    // it forever (ref §7.3 (a)).
    let sim = start(&["--profile", "mfw_nrf9160_1.3.6", "--legacy-host"], 1);
    let write = format!("AT%CMNG=0,42,0,\"{}\"", "A".repeat(5000));
    let mut cmd = hil();
    cmd.args(["at", "--port", sim.duts[0]["serial"].as_str().unwrap()]);
    cmd.args(["--timeout", "1", "AT", &write, "AT"]);
    let started = Instant::now();
    let out = output(cmd, 30);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no final result"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(15));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.matches("> AT").count(),
        2,
        "stops after the timeout: {stdout}"
    );
    stops_cleanly(sim, libc::SIGTERM);
}

#[test]
fn default_rack_prints_a_line_per_bundled_profile() {
    let profiles = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../sim/profiles"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "yaml")
        })
        .count();
    let sim = start(&[], profiles);
    let mut names: Vec<&str> = sim
        .duts
        .iter()
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), profiles);
    assert!(
        sim.duts
            .iter()
            .all(|d| d["psu"].as_str().unwrap().starts_with("tcp://127.0.0.1:"))
    );
    stops_cleanly(sim, libc::SIGTERM);
}

/// Fail-closed redaction through `hil at`: a PKCS#8 passphrase after the key (ref §1.1), a
/// quoted type, doubled quotes, unquoted and unterminated secrets never reach the terminal, in
/// the echo or in an error.
#[test]
fn at_never_prints_a_passphrase_or_an_oddly_quoted_secret() {
    const PASSPHRASE: &str = "TopSecretPKCS8pw";
    const SECRET: &str = "Xq7SecretBytesZz";
    let key =
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHsMFcG\n-----END ENCRYPTED PRIVATE KEY-----";
    let sim = start(&["--profile", "mfw_nrf9160_1.3.6"], 1);
    let port = sim.duts[0]["serial"].as_str().unwrap().to_string();
    let invocations: [Vec<String>; 3] = [
        vec![
            format!("AT%CMNG=0,16842753,2,\"{key}\",\"{PASSPHRASE}\""),
            format!("AT%CMNG=0,16842753,\"3\",\"{SECRET}\""),
            format!("AT%CMNG=0,16842753,3,\"\"{SECRET}\"\""),
            format!("AT%CMNG = 0, 16842753, z, {SECRET} , {PASSPHRASE}"),
        ],
        vec![format!("AT%CMNG=0,16842753,2,\"k\",\"{PASSPHRASE}")],
        vec![format!("AT%CMNG=0,16842753,3,\"{SECRET}\"x\"")],
    ];
    for commands in invocations {
        let mut cmd = hil();
        cmd.args(["at", "--port", &port, "--timeout", "5"])
            .args(&commands);
        let out = output(cmd, 30);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        for secret in [PASSPHRASE, SECRET, "MIHsMFcG"] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{secret} printed:\n{stdout}\n{stderr}"
            );
        }
        assert!(
            stdout.contains("[REDACTED") || stderr.contains("[REDACTED"),
            "the command is shown redacted:\n{stdout}\n{stderr}"
        );
        if commands.len() == 1 {
            assert_eq!(out.status.code(), Some(2), "{stderr}");
        } else {
            assert_eq!(stdout.matches("> AT%CMNG").count(), 4, "{stdout}");
        }
    }
    stops_cleanly(sim, libc::SIGTERM);
}

#[test]
fn at_never_prints_a_psk_or_private_key() {
    const PSK: &str = "5ec7e75ec7e75ec7e75ec7e75ec7e7aa";
    const KEY_BODY: &str = "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETKEYBODY";
    let key = format!("-----BEGIN PRIVATE KEY-----\n{KEY_BODY}\n-----END PRIVATE KEY-----");
    let sim = start(&["--profile", "mfw_nrf9160_1.3.6"], 1);
    let port = sim.duts[0]["serial"].as_str().unwrap().to_string();
    let invocations: [Vec<String>; 3] = [
        vec![
            format!("AT%CMNG=0,42,3,\"{PSK}\""),
            format!("at%cmng = 0, 43, 2, \"{key}\""),
            format!("AT%CMNG=0,44,3,{PSK}"),
            "AT%CMNG=2,42,3".into(),
        ],
        // An unterminated quote is refused before sending; the error quotes the command.
        vec![format!("AT%CMNG=0,45,3,\"{PSK}")],
        vec![format!("AT%CMNG=0,46,2,\"{key}")],
    ];
    for commands in invocations {
        let mut cmd = hil();
        cmd.args(["at", "--port", &port, "--timeout", "5"])
            .args(&commands);
        let out = output(cmd, 30);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        for secret in [PSK, KEY_BODY] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "secret printed:\n{stdout}\n{stderr}"
            );
        }
        assert!(
            stdout.contains("> AT%CMNG") || stderr.contains("AT%CMNG"),
            "{stdout}{stderr}"
        );
        assert!(
            stdout.contains("[REDACTED") || stderr.contains("[REDACTED"),
            "the command is shown redacted:\n{stdout}\n{stderr}"
        );
        if commands.len() == 1 {
            assert_eq!(out.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains("unterminated"), "{stderr}");
        }
    }
    stops_cleanly(sim, libc::SIGTERM);
}
