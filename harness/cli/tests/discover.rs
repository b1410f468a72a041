//! `hil rack discover --serial-dir DIR` over a directory of links to `hil sim` ports writes a
//! rack file that `hil doctor --rack` accepts and that names each board's modem firmware and
//! IMEI; a port that does not answer AT is listed in a comment, and a board no probe belongs to
//! says so in a comment (this works with no probe attached).

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{Lines, hil, output, signal, text, wait};

#[test]
fn discovery_writes_a_rack_file_doctor_accepts() {
    let links = tempfile::tempdir().unwrap();
    let mut cmd = hil();
    cmd.args([
        "sim",
        "--json",
        "--profile",
        "mfw_nrf9160_1.3.6",
        "--profile",
        "mfw_nrf91x1_2.0.0",
        "--link-dir",
    ])
    .arg(links.path())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut sim = cmd.spawn().unwrap();
    let lines = Lines::new(sim.stdout.take().unwrap());
    let duts: Vec<serde_json::Value> = (0..2)
        .map(|_| serde_json::from_str(&lines.next(Duration::from_secs(30)).unwrap()).unwrap())
        .collect();
    // A port that is no console: listed, not dropped.
    std::os::unix::fs::symlink("/dev/null", links.path().join("not-a-board")).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let rack = dir.path().join("rack.yaml");
    let mut cmd = hil();
    cmd.args(["rack", "discover", "--name", "found", "--serial-dir"])
        .arg(links.path())
        .arg("--out")
        .arg(&rack);
    let out = output(cmd, 60);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let yaml = std::fs::read_to_string(&rack).unwrap();
    for dut in &duts {
        let profile = dut["profile"].as_str().unwrap();
        let imei = dut["imei"].as_str().unwrap();
        assert!(
            yaml.contains(&format!("expected_mfw: \"{profile}\"")),
            "{yaml}"
        );
        assert!(
            yaml.contains(&format!("expected_imei: \"{imei}\"")),
            "{yaml}"
        );
    }
    assert!(yaml.contains("not-a-board"), "{yaml}");
    assert!(yaml.contains("did not answer AT"), "{yaml}");
    // Simulated ports carry no probe's USB serial: each board says so instead of guessing,
    // with or without probes on this host.
    assert_eq!(
        yaml.matches("# probe: no attached debug probe carries this port's USB serial number")
            .count(),
        2,
        "{yaml}"
    );
    assert!(!yaml.contains("\n    probe:"), "{yaml}");

    let mut cmd = hil();
    cmd.args(["doctor", "--rack"]).arg(&rack);
    let out = output(cmd, 120);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{stdout}",
        text(&out.stderr)
    );
    for dut in &duts {
        let name = dut["name"].as_str().unwrap();
        let identity = format!("| {name} | identity | ok");
        assert!(
            stdout
                .lines()
                .any(|l| l.replace("  ", " ").contains(&identity)),
            "{stdout}"
        );
    }

    signal(&sim, libc::SIGTERM);
    wait(&mut sim, Duration::from_secs(10));
}
