//! Flashing labgrid places over SSH, with the real engines on 127.0.0.1: a labgrid coordinator
//! and two exporters whose places carry an `ssh` NetworkService pointing at a real OpenSSH
//! sshd (generated keys, own config) and a `hil-probe` tag naming the board's simulated probe
//! endpoint; `hil run --labgrid` flashes them through `hil flash --probe` on the "exporter
//! host". Also `hil flash --probe` on its own. Skips with a printed reason without labgrid or
//! sshd; fails then when HIL_REQUIRE_LABGRID=1 / HIL_REQUIRE_SSHD=1.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{hil, output, text};
use hil_flash::FirmwareImage;
use hil_labgrid::testkit::{
    LabSetup, LabgridLab, SshPlaces, Sshd, available_or_skip, sshd_available_or_skip,
};
use hil_sim::rack::{SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;

const PROFILES: &[&str] = &["mfw_nrf9160_1.3.6", "mfw_nrf91x1_2.0.2"];
/// A USB probe no test machine has.
const ABSENT_PROBE: &str = "1366:1015:000000000000";

/// Intel HEX text for `data` at address 0 (16-byte records, end-of-file record).
fn hex(data: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in data.chunks(16).enumerate() {
        let at = (i * 16) as u16;
        let mut record = vec![chunk.len() as u8, (at >> 8) as u8, at as u8, 0x00];
        record.extend_from_slice(chunk);
        let sum = record.iter().fold(0u8, |s, b| s.wrapping_add(*b));
        record.push(sum.wrapping_neg());
        out.push(':');
        for b in record {
            out.push_str(&format!("{b:02X}"));
        }
        out.push('\n');
    }
    out.push_str(":00000001FF\n");
    out
}

/// A small image (no firmware id: its id is its content digest) and that id.
fn image(dir: &Path) -> (PathBuf, String) {
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 13 + 5) as u8).collect();
    let path = dir.join("fw.hex");
    std::fs::write(&path, hex(&data)).unwrap();
    let id = FirmwareImage::load(&path).unwrap().install_id();
    (path, id)
}

fn one_board() -> SimRack {
    SimRack::start(SimRackConfig {
        duts: vec![SimDutConfig::new("b1", PROFILES[0])],
        timing: Timing::Fast,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .unwrap()
}

/// The JSON lines of `hil flash --probe … --progress json`.
fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    text(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// `hil flash --probe PROBE --progress json` with `rest`, run to its end.
fn flash_probe(probe: &str, rest: &[&std::ffi::OsStr]) -> std::process::Output {
    let mut cmd = hil();
    cmd.args(["flash", "--probe", probe, "--progress", "json"])
        .args(rest);
    output(cmd, 60)
}

#[test]
fn flash_probe_flashes_a_simulated_board_in_another_process() {
    let rack = one_board();
    let dut = &rack.duts()[0];
    let dir = tempfile::tempdir().unwrap();
    let (fw, id) = image(dir.path());
    let out = flash_probe(&dut.probe, &["--firmware".as_ref(), fw.as_os_str()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines = json_lines(&out.stdout);
    let phases: Vec<&str> = lines
        .iter()
        .filter(|l| l["flash"]["event"] == "finished")
        .filter_map(|l| l["flash"]["phase"].as_str())
        .collect();
    assert_eq!(phases, ["erase", "program", "verify"]);
    let last = lines.last().unwrap();
    assert_eq!(last["done"]["installed_id"], id.as_str(), "{last}");
    assert_eq!(dut.control.fw_id(), id);

    let out = flash_probe(&dut.probe, &["--reset".as_ref()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(json_lines(&out.stdout), [serde_json::json!("reset_done")]);
}

#[test]
fn flash_probe_carries_probe_not_found_back() {
    let dir = tempfile::tempdir().unwrap();
    let (fw, _) = image(dir.path());
    let out = flash_probe(ABSENT_PROBE, &["--firmware".as_ref(), fw.as_os_str()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let lines = json_lines(&out.stdout);
    let failed = &lines.last().unwrap()["failed"];
    assert_eq!(failed["kind"], "probe_not_found", "{failed}");
    assert!(
        failed["message"].as_str().unwrap().contains(ABSENT_PROBE),
        "{failed}"
    );
}

#[test]
fn flash_probe_without_an_image_or_reset_is_a_usage_error() {
    let mut cmd = hil();
    cmd.args(["flash", "--probe", "sim@127.0.0.1:9"]);
    let out = output(cmd, 60);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--firmware"),
        "{}",
        text(&out.stderr)
    );
}

/// A JUnit suite's properties.
fn properties(junit: &Path, suite: &str) -> BTreeMap<String, String> {
    let report = common::junit(junit);
    let s = report
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == suite)
        .unwrap_or_else(|| panic!("no suite {suite}"));
    s.properties
        .iter()
        .map(|p| (p.name.to_string(), p.value.to_string()))
        .collect()
}

/// The error messages of a suite's test cases, joined.
fn errors(junit: &Path, suite: &str) -> String {
    let report = common::junit(junit);
    let s = report
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == suite)
        .unwrap_or_else(|| panic!("no suite {suite}"));
    format!(
        "{:?}",
        s.test_cases.iter().map(|c| &c.status).collect::<Vec<_>>()
    )
}

#[test]
fn places_are_flashed_over_ssh_and_failures_name_the_ssh_or_probe_problem() {
    let name = "places_are_flashed_over_ssh_and_failures_name_the_ssh_or_probe_problem";
    if !available_or_skip(name) || !sshd_available_or_skip(name) {
        return;
    }
    let sshd = Sshd::start();
    let ssh = SshPlaces {
        port: sshd.port,
        user: sshd.user.clone(),
        remote_hil: env!("CARGO_BIN_EXE_hil").to_string(),
        users: [("hostb-dut2".to_string(), "hil-no-such-user".to_string())].into(),
        probes: [("hostb-dut1".to_string(), ABSENT_PROBE.to_string())].into(),
    };
    let lab = LabgridLab::start_with(
        &["hostA", "hostB"],
        2,
        PROFILES,
        LabSetup {
            ssh: Some(ssh),
            ..LabSetup::default()
        },
    );
    let dir = tempfile::tempdir().unwrap();
    let (fw, id) = image(dir.path());
    let run = |report: &str, places: &[&str]| {
        let mut cmd = hil();
        cmd.args(["run", "--labgrid", &lab.address.to_string()])
            .args(places.iter().flat_map(|p| ["--place", p]))
            .args(["--filter", "identity"])
            .arg("--firmware")
            .arg(&fw)
            .arg("--report-dir")
            .arg(dir.path().join(report))
            .arg("--state-dir")
            .arg(dir.path().join("state"))
            .env("HIL_SSH_CONFIG", sshd.client_config());
        output(cmd, 300)
    };
    let all = ["hosta-dut1", "hosta-dut2", "hostb-dut1", "hostb-dut2"];
    let first = run("first", &all);
    let err = text(&first.stderr);
    let context = || format!("{err}\n--- sshd\n{}\n{}", sshd.log(), lab.logs());
    assert_ne!(first.status.code(), Some(0), "{}", context());
    assert!(
        !err.contains("flashing skipped on labgrid places"),
        "{}",
        context()
    );
    let junit = dir.path().join("first/junit.xml");
    for place in ["hosta-dut1", "hosta-dut2"] {
        let board = lab.sim().dut(place).unwrap();
        assert_eq!(board.control.fw_id(), id, "{place} flashed\n{}", context());
        let props = properties(&junit, place);
        let flashing = &props["flashing"];
        assert!(
            flashing.starts_with(&format!("over ssh {}@127.0.0.1:{}", sshd.user, sshd.port)),
            "{flashing}"
        );
        assert!(flashing.contains(&board.probe), "{flashing}");
    }
    let refused = errors(&junit, "hostb-dut2");
    assert!(
        refused.contains("ssh login refused"),
        "{refused}\n{}",
        context()
    );
    assert!(refused.contains("hil-no-such-user@127.0.0.1"), "{refused}");
    let absent = errors(&junit, "hostb-dut1");
    assert!(
        absent.contains("probe not found"),
        "{absent}\n{}",
        context()
    );
    assert!(absent.contains(ABSENT_PROBE), "{absent}");
    for place in ["hostb-dut1", "hostb-dut2"] {
        assert_ne!(lab.sim().dut(place).unwrap().control.fw_id(), id, "{place}");
    }

    // Again on the flashed places: the image is there, nothing is flashed, the run passes.
    let second = run("second", &["hosta-dut1", "hosta-dut2"]);
    let err = text(&second.stderr);
    assert_eq!(second.status.code(), Some(0), "{err}");
    assert!(
        err.contains("flash skipped: the board already runs"),
        "{err}"
    );
}
