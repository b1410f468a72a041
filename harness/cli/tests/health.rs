//! Board health end to end, over `hil sim` boards named by a rack file: a board whose console is
//! frozen goes into maintenance after the configured number of runs; the next run does not
//! touch it (its port and supply are made unusable, and nothing notices), reports it as
//! skipped plus one `health::maintenance` error, and the other board's results are unchanged;
//! after a power cycle heals it, `hil doctor --dut` returns it to service.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::Duration;

use common::{Lines, hil, junit, output, signal, text, wait};

const SIM_CONFIG: &str = "\
duts:
  - { name: good, profile: mfw_nrf9160_1.3.6 }
  - { name: bad, profile: mfw_nrf9160_1.3.6, frozen: true }
";

struct Sim(Child);

impl Drop for Sim {
    fn drop(&mut self) {
        signal(&self.0, libc::SIGTERM);
        wait(&mut self.0, Duration::from_secs(20));
    }
}

/// Starts `hil sim` with the two boards; their ports appear as `links/<name>`. Returns the
/// supply address of each.
fn start_sim(dir: &Path) -> (Sim, BTreeMap<String, String>) {
    std::fs::write(dir.join("sim.yaml"), SIM_CONFIG).unwrap();
    let mut cmd = hil();
    cmd.args(["sim", "--json", "--config"])
        .arg(dir.join("sim.yaml"))
        .arg("--link-dir")
        .arg(dir.join("links"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn hil sim");
    let lines = Lines::new(child.stdout.take().unwrap());
    let sim = Sim(child);
    let mut psu = BTreeMap::new();
    for _ in 0..2 {
        let line = lines.next(Duration::from_secs(30)).expect("a JSON line");
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        psu.insert(
            v["name"].as_str().unwrap().to_string(),
            v["psu"].as_str().unwrap().to_string(),
        );
    }
    (sim, psu)
}

fn rack(dir: &Path, psu: &BTreeMap<String, String>) -> String {
    let mut text = String::from("name: nightly\nmaintenance_after: 2\nduts:\n");
    for name in ["good", "bad"] {
        text.push_str(&format!(
            "  - name: {name}\n    serial: {}\n    supply: {{ driver: scpi-tcp, address: \"{}\", channel: 1 }}\n    limits: {{ min_volts: 0.0, max_volts: 5.5, max_amps: 1.0 }}\n",
            dir.join("links").join(name).display(),
            psu[name]
        ));
    }
    text
}

/// `hil run` on `rack` with the state in `dir/state`; returns exit code, stdout, stderr and the
/// outcome of every testcase by name.
fn run(
    dir: &Path,
    rack: &Path,
    report: &str,
) -> (Option<i32>, String, String, Vec<(String, String)>) {
    let mut cmd = hil();
    cmd.arg("run")
        .arg("--rack")
        .arg(rack)
        .arg("--state-dir")
        .arg(dir.join("state"))
        .arg("--report-dir")
        .arg(dir.join(report))
        .args(["--no-flash", "--filter", "identity"]);
    let out = output(cmd, 300);
    let report = junit(&dir.join(report).join("junit.xml"));
    let cases = report
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .map(|c| {
            let outcome = c
                .properties
                .iter()
                .find(|p| p.name.as_str() == "outcome")
                .map(|p| p.value.to_string())
                .unwrap_or_default();
            (c.name.to_string(), outcome)
        })
        .collect();
    (
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr),
        cases,
    )
}

/// A testcase's name and `outcome` property.
type Case = (String, String);

fn of<'a>(cases: &'a [Case], dut: &str) -> Vec<&'a Case> {
    cases
        .iter()
        .filter(|(n, _)| n.starts_with(&format!("{dut}::")))
        .collect()
}

#[test]
fn a_frozen_board_goes_into_maintenance_is_left_alone_and_doctor_returns_it() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let (_sim, psu) = start_sim(dir);
    let rack_file = dir.join("rack.yaml");
    std::fs::write(&rack_file, rack(dir, &psu)).unwrap();

    // Two runs with the board frozen: counted, then maintenance.
    let (code, _, stderr, first) = run(dir, &rack_file, "r1");
    assert_eq!(
        code,
        Some(2),
        "a board that did not come up is a lab problem: {stderr}"
    );
    assert!(
        stderr.contains("health: DUT `bad` had an infrastructure error (1 of 2"),
        "{stderr}"
    );
    let good_first: Vec<_> = of(&first, "good").into_iter().cloned().collect();
    assert!(!good_first.is_empty() && good_first.iter().all(|(_, o)| o != "error"));
    let (_, _, stderr, _) = run(dir, &rack_file, "r2");
    assert!(
        stderr.contains("health: DUT `bad` is now in maintenance since"),
        "{stderr}"
    );

    // Third run: the board's port and supply are made unusable; it must not notice.
    let link = dir.join("links/bad");
    let target = std::fs::read_link(&link).unwrap();
    std::fs::remove_file(&link).unwrap();
    let broken = rack(dir, &psu).replace(&psu["bad"], "127.0.0.1:9");
    let broken_file = dir.join("broken.yaml");
    std::fs::write(&broken_file, broken).unwrap();
    let (code, stdout, stderr, third) = run(dir, &broken_file, "r3");
    assert_eq!(
        code,
        Some(1),
        "the maintenance error fails the run, no lab problem: {stderr}"
    );
    assert!(!stderr.contains("FAULT"), "the board was touched: {stderr}");
    assert!(
        stderr.contains("lab: bad: NOT TOUCHED: in maintenance since"),
        "{stderr}"
    );
    assert!(
        stdout.starts_with("NOT A FULL RESULT: 1 board in maintenance (bad, not tested)"),
        "{stdout}"
    );
    let bad = of(&third, "bad");
    let errors: Vec<&Case> = bad.iter().copied().filter(|(_, o)| o == "error").collect();
    let skipped: Vec<&Case> = bad.iter().copied().filter(|(_, o)| o != "error").collect();
    assert_eq!(errors.len(), 1, "{bad:?}");
    assert_eq!(errors[0].0, "bad::health::maintenance");
    assert!(!skipped.is_empty() && skipped.iter().all(|(_, o)| o == "not_applicable"));
    let good_third: Vec<_> = of(&third, "good").into_iter().cloned().collect();
    assert_eq!(good_third, good_first, "the other board's results changed");
    let xml = std::fs::read_to_string(dir.join("r3/junit.xml")).unwrap();
    assert!(xml.contains("name=\"boards_in_maintenance\" value=\"bad: in maintenance since"));

    // Heal it (a power cycle un-wedges the board) and let the health check return it.
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for action in [&["off"][..], &["on", "--volts", "3.7"][..]] {
        let mut cmd = hil();
        cmd.arg("psu")
            .arg("--rack")
            .arg(&rack_file)
            .args(["--dut", "bad"])
            .args(action);
        let out = output(cmd, 60);
        assert!(
            out.status.success(),
            "psu {action:?}: {}",
            text(&out.stderr)
        );
    }
    let mut cmd = hil();
    cmd.arg("doctor")
        .arg("--rack")
        .arg(&rack_file)
        .args(["--dut", "bad", "--state-dir"])
        .arg(dir.join("state"));
    let out = output(cmd, 120);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("credentials") && !stdout.contains("FAIL"),
        "{stdout}"
    );
    assert!(stderr.contains("DUT `bad` returned to service"), "{stderr}");

    let mut cmd = hil();
    cmd.arg("boards")
        .arg("--rack")
        .arg(&rack_file)
        .arg("--state-dir")
        .arg(dir.join("state"));
    let out = output(cmd, 30);
    let listing = text(&out.stdout);
    assert!(
        out.status.success() && !listing.contains("MAINTENANCE"),
        "{listing}"
    );

    let (_, _, stderr, fourth) = run(dir, &rack_file, "r4");
    assert!(!stderr.contains("NOT TOUCHED"), "{stderr}");
    assert!(
        of(&fourth, "bad")
            .iter()
            .all(|(n, o)| o != "error" && !n.contains("health"))
    );
}

#[test]
fn boards_maintenance_and_ready_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    std::fs::write(
        dir.join("rack.yaml"),
        "name: r\nduts:\n  - { name: dk-1, serial: /dev/serial/by-id/usb-nothing-if00 }\n",
    )
    .unwrap();
    let boards = |args: &[&str]| {
        let mut cmd = hil();
        cmd.arg("boards")
            .arg("--rack")
            .arg(dir.join("rack.yaml"))
            .arg("--state-dir")
            .arg(dir.join("state"))
            .args(args);
        let out = output(cmd, 30);
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };
    let (code, stdout, _) = boards(&["maintenance", "dk-1", "--reason", "probe cable loose"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("taken out by hand): probe cable loose"),
        "{stdout}"
    );
    let (_, stdout, _) = boards(&[]);
    assert!(
        stdout.contains("MAINTENANCE since") && stdout.contains("probe cable loose"),
        "{stdout}"
    );
    // With the board in maintenance a filter still has to select something: one that selects
    // nothing anywhere is a usage error; one selecting the held-out board's trials reports them.
    let filtered_run = |pattern: &str, report: &str| {
        let mut cmd = hil();
        cmd.arg("run")
            .arg("--rack")
            .arg(dir.join("rack.yaml"))
            .arg("--state-dir")
            .arg(dir.join("state"))
            .arg("--report-dir")
            .arg(dir.join(report))
            .args(["--no-flash", "--filter", pattern]);
        let out = output(cmd, 60);
        (out.status.code(), text(&out.stderr))
    };
    let (code, stderr) = filtered_run("no-such-case", "r-none");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("no trial matches the filter `no-such-case`"),
        "{stderr}"
    );
    let (code, stderr) = filtered_run("dk-1::identity", "r-held");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("dk-1: NOT TOUCHED"), "{stderr}");
    let (code, stdout, _) = boards(&["ready", "dk-1"]);
    assert_eq!(code, Some(0));
    assert!(
        stdout.contains("DUT `dk-1` returned to service"),
        "{stdout}"
    );
    let (code, _, stderr) = boards(&["ready", "dk-9"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no DUT `dk-9` (DUTs: dk-1)"), "{stderr}");
}
