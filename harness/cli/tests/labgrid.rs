//! `hil run --labgrid` with the real labgrid engine on 127.0.0.1: a coordinator and two
//! exporters standing for two rack hosts, each exporting two simulated boards (consoles over
//! ser2net/RFC 2217, supplies as PyVISADevice TCPIP sockets), one tagged place per board.
//! Skips with a printed reason without labgrid; fails then when HIL_REQUIRE_LABGRID=1.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Lines, hil, output, text, wait};
use hil_labgrid::testkit::{LabgridLab, available_or_skip, free_port};

const PROFILES: &[&str] = &["mfw_nrf9160_1.3.6", "mfw_nrf91x1_2.0.2"];

/// One lab at a time: each is a coordinator, two exporters, ser2net and four boards, and the
/// timing cases (power-off warning within its window) must not starve on a 2-core machine.
static ONE_LAB: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn lab() -> (std::sync::MutexGuard<'static, ()>, LabgridLab) {
    let guard = ONE_LAB.lock().unwrap_or_else(|e| e.into_inner());
    (guard, LabgridLab::start(&["hostA", "hostB"], 2, PROFILES))
}

fn labgrid_run(lab: &LabgridLab, report: &Path, state: &Path) -> std::process::Command {
    let mut cmd = hil();
    cmd.args([
        "run",
        "--labgrid",
        &lab.address.to_string(),
        "--place-tag",
        "hil=nrf91",
    ])
    .arg("--report-dir")
    .arg(report)
    .arg("--state-dir")
    .arg(state);
    cmd
}

/// Every trial's outcome, by `<dut>::<suite>::<case>`.
fn outcomes(junit: &Path) -> BTreeMap<String, String> {
    let report = common::junit(junit);
    let mut out = BTreeMap::new();
    for suite in report
        .test_suites
        .iter()
        .filter(|s| s.name.as_str() != "run")
    {
        for case in &suite.test_cases {
            let outcome = case
                .properties
                .iter()
                .find(|p| p.name.as_str() == "outcome")
                .map_or("?".to_string(), |p| p.value.to_string());
            out.insert(
                format!("{}::{}", suite.name.as_str(), case.name.as_str()),
                outcome,
            );
        }
    }
    out
}

fn suite_property(junit: &Path, suite: &str, name: &str) -> Option<String> {
    let report = common::junit(junit);
    let s = report
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == suite)?;
    s.properties
        .iter()
        .find(|p| p.name.as_str() == name)
        .map(|p| p.value.to_string())
}

#[test]
fn the_suite_on_four_places_matches_a_local_rack_run_trial_for_trial() {
    if !available_or_skip("the_suite_on_four_places_matches_a_local_rack_run_trial_for_trial") {
        return;
    }
    let (_one, lab) = lab();
    let dir = tempfile::tempdir().unwrap();
    let via_labgrid = output(labgrid_run(&lab, &dir.path().join("lg"), dir.path()), 600);
    let err = text(&via_labgrid.stderr);
    assert!(
        err.contains("flashing skipped on labgrid places"),
        "{err}\n{}",
        lab.logs()
    );

    let rack = dir.path().join("rack.yaml");
    std::fs::write(&rack, lab.rack_yaml("local")).unwrap();
    let mut cmd = hil();
    cmd.args(["run", "--no-flash", "--rack"])
        .arg(&rack)
        .arg("--report-dir")
        .arg(dir.path().join("local"));
    let local = output(cmd, 600);
    assert_eq!(
        via_labgrid.status.code(),
        local.status.code(),
        "{err}\n---\n{}",
        text(&local.stderr)
    );

    let a = outcomes(&dir.path().join("lg/junit.xml"));
    let b = outcomes(&dir.path().join("local/junit.xml"));
    assert_eq!(a.len(), b.len());
    assert!(a.len() >= 4 * 20, "{} trials", a.len());
    assert_eq!(a, b);
    for p in &lab.places {
        let junit = dir.path().join("lg/junit.xml");
        assert_eq!(
            suite_property(&junit, &p.name, "labgrid_place").as_deref(),
            Some(p.name.as_str())
        );
        assert_eq!(
            suite_property(&junit, &p.name, "labgrid_exporter").as_deref(),
            Some(p.exporter.as_str())
        );
        assert_eq!(
            suite_property(&junit, &p.name, "labgrid_exporter_host").as_deref(),
            Some("127.0.0.1")
        );
        let flashing = suite_property(&junit, &p.name, "flashing").unwrap();
        assert!(flashing.starts_with("skipped"), "{flashing}");
    }
    // Released at the end: nothing is acquired any more.
    let client = lab.client("test/check");
    assert!(
        client
            .places()
            .unwrap()
            .iter()
            .all(|p| hil_labgrid::acquired_by(p).is_none())
    );
}

#[test]
fn a_second_run_waits_or_names_the_holders_and_a_killed_run_is_healed() {
    if !available_or_skip("a_second_run_waits_or_names_the_holders_and_a_killed_run_is_healed") {
        return;
    }
    let (_one, lab) = lab();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let mut first = labgrid_run(&lab, &dir.path().join("r1"), &state);
    first
        .arg("--filter")
        .arg("identity")
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    let mut first = first.spawn().unwrap();
    let lines = Lines::new(first.stderr.take().unwrap());
    lines.until(Duration::from_secs(60), |l| {
        l.contains("holding labgrid places")
    });
    // Keep the first run holding the places until it is killed, however fast its cases are
    // (on a loaded machine it could otherwise finish, and release, before the second run asks).
    common::signal(&first, libc::SIGSTOP);

    let second = output(labgrid_run(&lab, &dir.path().join("r2"), &state), 60);
    let err = text(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{err}");
    for p in &lab.places {
        assert!(err.contains(&format!("place `{}`", p.name)), "{err}");
    }
    assert!(err.contains(&format!("pid {}", first.id())), "{err}");

    common::signal(&first, libc::SIGKILL);
    let _ = wait(&mut first, Duration::from_secs(10));
    // The same places through a rack file's `labgrid:` section.
    let rack = dir.path().join("lab.yaml");
    let yaml = format!(
        "name: lab-b\nlabgrid:\n  coordinator: \"{}\"\n  tags: {{ hil: nrf91 }}\n",
        lab.address
    );
    std::fs::write(&rack, yaml).unwrap();
    let mut third = hil();
    third
        .args(["run", "--filter", "identity", "--rack"])
        .arg(&rack);
    third
        .arg("--report-dir")
        .arg(dir.path().join("r3"))
        .arg("--state-dir")
        .arg(&state);
    let third = output(third, 300);
    let err = text(&third.stderr);
    assert!(err.contains("released labgrid place"), "{err}");
    assert!(err.contains("which no longer runs"), "{err}");
    assert_ne!(third.status.code(), Some(2), "{err}\n{}", lab.logs());
}

#[test]
fn a_waiting_run_starts_when_the_places_are_free() {
    if !available_or_skip("a_waiting_run_starts_when_the_places_are_free") {
        return;
    }
    let (_one, lab) = lab();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let holder = lab.client("test-host/engineer");
    let name = &lab.places[0].name;
    holder.acquire_place(name).unwrap();

    // Ctrl-C while waiting ends the wait at once: reservations cancelled, nothing held.
    let mut stopped = labgrid_run(&lab, &dir.path().join("r0"), &state);
    stopped
        .args(["--filter", "identity", "--wait-for-boards", "600"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    let mut child = stopped.spawn().unwrap();
    let lines = Lines::new(child.stderr.take().unwrap());
    lines.until(Duration::from_secs(60), |l| l.starts_with("waiting for"));
    common::signal(&child, libc::SIGINT);
    let status = wait(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(2), "{status:?}");
    let (line, _) = lines.until(Duration::from_secs(10), |l| {
        l.contains("stopped while waiting")
    });
    assert!(line.contains(&format!("place `{name}`")), "{line}");
    let client = lab.client("test/check");
    for p in client.places().unwrap() {
        let expected = (p.name == *name).then(|| "test-host/engineer".to_string());
        assert_eq!(
            hil_labgrid::acquired_by(&p),
            expected.as_deref(),
            "{}",
            p.name
        );
    }
    assert!(
        client.reservations().unwrap().is_empty(),
        "the stopped run left reservations"
    );
    let records = std::fs::read_dir(state.join("labgrid")).map_or(0, |d| d.count());
    assert_eq!(records, 0, "place records left behind");

    let mut waiting = labgrid_run(&lab, &dir.path().join("r"), &state);
    waiting
        .args(["--filter", "identity", "--wait-for-boards", "120"])
        .stderr(Stdio::piped())
        .stdout(Stdio::null());
    let mut child = waiting.spawn().unwrap();
    let lines = Lines::new(child.stderr.take().unwrap());
    let (line, _) = lines.until(Duration::from_secs(60), |l| l.starts_with("waiting for"));
    assert!(
        line.contains(&format!("place `{name}` is acquired by test-host/engineer")),
        "{line}"
    );
    holder.release_place(name, None).unwrap();
    let status = wait(&mut child, Duration::from_secs(300));
    assert_ne!(status.code(), Some(2));
}

#[test]
fn an_exporter_killed_mid_run_errors_its_boards_and_the_others_finish() {
    if !available_or_skip("an_exporter_killed_mid_run_errors_its_boards_and_the_others_finish") {
        return;
    }
    let (_one, mut lab) = lab();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = labgrid_run(&lab, &dir.path().join("r"), dir.path());
    cmd.stderr(Stdio::piped()).stdout(Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap();
    let lines = Lines::new(child.stderr.take().unwrap());
    lines.until(Duration::from_secs(60), |l| {
        l.contains("hosta-dut1::identity")
    });
    lab.kill_exporter("hostA");
    let status = wait(&mut child, Duration::from_secs(600));
    assert_ne!(status.code(), Some(0));
    let junit = dir.path().join("r/junit.xml");
    let report = common::junit(&junit);
    for suite in report
        .test_suites
        .iter()
        .filter(|s| s.name.as_str() != "run")
    {
        let errors = suite.errors;
        if suite.name.as_str().starts_with("hosta-") {
            assert!(errors > 0, "{} has no errors", suite.name.as_str());
        } else {
            assert_eq!(errors, 0, "{} has errors", suite.name.as_str());
        }
    }
    // The boards of the dead host end in <error>, each with its transcript so far.
    let errored: Vec<&quick_junit::TestCase> = report
        .test_suites
        .iter()
        .filter(|s| s.name.as_str().starts_with("hosta-"))
        .flat_map(|s| &s.test_cases)
        .filter(|c| {
            matches!(
                c.status,
                quick_junit::TestCaseStatus::NonSuccess {
                    kind: quick_junit::NonSuccessKind::Error,
                    ..
                }
            )
        })
        .collect();
    assert!(
        errored.iter().any(|c| c
            .system_out
            .as_ref()
            .is_some_and(|o| o.as_str().contains("AT"))),
        "no errored case of hostA carries a transcript"
    );
    let transcripts = dir.path().join("r/transcripts/hosta-dut1");
    assert!(std::fs::read_dir(&transcripts).is_ok_and(|mut d| d.next().is_some()));
    eprintln!("exporter-kill run took {:?}", start.elapsed());
}

#[test]
fn no_coordinator_is_exit_2_within_10_s() {
    let start = Instant::now();
    let mut cmd = hil();
    cmd.args([
        "run",
        "--labgrid",
        &format!("127.0.0.1:{}", free_port()),
        "--place-tag",
        "hil=nrf91",
    ]);
    let dir = tempfile::tempdir().unwrap();
    cmd.arg("--report-dir").arg(dir.path());
    let out = output(cmd, 30);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
    assert!(
        err.contains("labgrid coordinator 127.0.0.1:") && err.contains("not reachable"),
        "{err}"
    );
}

#[test]
fn doctor_boards_at_and_psu_take_a_place_too() {
    if !available_or_skip("doctor_boards_at_and_psu_take_a_place_too") {
        return;
    }
    let (_one, lab) = lab();
    let dir = tempfile::tempdir().unwrap();
    let addr = lab.address.to_string();
    let place = lab.places[1].name.clone();
    let run = |args: &[&str]| {
        let mut cmd = hil();
        cmd.args(args).arg("--state-dir").arg(dir.path());
        let out = output(cmd, 120);
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };

    let (code, out, err) = run(&["doctor", "--labgrid", &addr, "--place-tag", "hil=nrf91"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(lab.places.iter().all(|p| out.contains(&p.name)), "{out}");

    let (code, out, err) = run(&["at", "--labgrid", &addr, "--place", &place, "AT+CGMR"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains(PROFILES[1]), "{out}");

    let (code, out, err) = run(&["psu", "--labgrid", &addr, "--place", &place, "measure"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains('V'), "{out}");

    // Ctrl-C on a command that holds a place (a long supply profile) gives the place back.
    let profile = dir.path().join("hold.yaml");
    std::fs::write(&profile, "steps:\n  - {set: 3.7, dwell_ms: 600000}\n").unwrap();
    let mut psu = hil();
    psu.args(["psu", "--labgrid", &addr, "--place", &place, "profile"])
        .arg(&profile)
        .arg("--state-dir")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = psu.spawn().unwrap();
    let check = lab.client("test/check");
    let acquired = |c: &hil_labgrid::Coordinator| {
        c.places()
            .unwrap()
            .iter()
            .any(|p| p.name == place && hil_labgrid::acquired_by(p).is_some())
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while !acquired(&check) {
        assert!(Instant::now() < deadline, "hil psu never acquired {place}");
        std::thread::sleep(Duration::from_millis(100));
    }
    common::signal(&child, libc::SIGINT);
    let status = wait(&mut child, Duration::from_secs(60));
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(128 + libc::SIGINT), "{err}");
    assert!(
        err.contains(&format!("released labgrid place `{place}`")),
        "{err}"
    );
    assert!(!acquired(&check), "{place} still acquired after Ctrl-C");
    let records = std::fs::read_dir(dir.path().join("labgrid")).map_or(0, |d| d.count());
    assert_eq!(records, 0, "place records left behind");

    // `hil boards` shows who holds a place without taking it.
    let holder = lab.client("test-host/engineer");
    holder.acquire_place(&place).unwrap();
    let (code, out, err) = run(&["boards", "--labgrid", &addr, "--place-tag", "hil=nrf91"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("acquired by test-host/engineer"), "{out}");
    assert!(out.contains(&format!("{addr}: 4 places")), "{out}");

    // A place someone holds is refused by name, with its holder.
    let (code, _, err) = run(&["at", "--labgrid", &addr, "--place", &place, "AT"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "place `{place}` is acquired by test-host/engineer"
        )),
        "{err}"
    );
}

#[test]
fn sigterm_releases_the_places() {
    if !available_or_skip("sigterm_releases_the_places") {
        return;
    }
    let (_one, lab) = lab();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let mut cmd = labgrid_run(&lab, &dir.path().join("r"), &state);
    cmd.stderr(Stdio::piped()).stdout(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let lines = Lines::new(child.stderr.take().unwrap());
    lines.until(Duration::from_secs(60), |l| {
        l.contains("holding labgrid places")
    });
    common::signal(&child, libc::SIGTERM);
    let status = wait(&mut child, Duration::from_secs(120));
    // Stopped (1), or done already (0) on a fast machine; either way it ended by itself.
    assert!(matches!(status.code(), Some(0 | 1)), "{status:?}");
    let client = lab.client("test/check");
    for p in client.places().unwrap() {
        assert_eq!(
            hil_labgrid::acquired_by(&p),
            None,
            "{} still acquired",
            p.name
        );
    }
    let records = std::fs::read_dir(state.join("labgrid")).map_or(0, |d| d.count());
    assert_eq!(records, 0, "place records left behind");
}

#[test]
fn a_place_in_maintenance_is_not_taken_and_the_others_get_health_records() {
    if !available_or_skip("a_place_in_maintenance_is_not_taken_and_the_others_get_health_records") {
        return;
    }
    let (_one, lab) = lab();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let addr = lab.address.to_string();
    let out_of_service = lab.places[0].name.clone();
    let boards = |extra: &[&str]| {
        let mut cmd = hil();
        cmd.args(["boards", "--labgrid", &addr, "--place-tag", "hil=nrf91"])
            .args(extra)
            .arg("--state-dir")
            .arg(&state);
        let out = output(cmd, 60);
        (out.status.code(), text(&out.stdout), text(&out.stderr))
    };

    let (code, out, err) = boards(&["maintenance", &out_of_service, "--reason", "bent antenna"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    let (code, out, err) = boards(&["--json"]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    for line in out.lines() {
        let row: serde_json::Value = serde_json::from_str(line).unwrap();
        let health = row["health"].as_str().unwrap();
        if row["place"] == out_of_service.as_str() {
            assert!(health.starts_with("MAINTENANCE since") && health.contains("bent antenna"));
        } else {
            assert_eq!(health, "in service", "{line}");
        }
    }

    let mut run = labgrid_run(&lab, &dir.path().join("r"), &state);
    run.args(["--filter", "identity"]);
    let run = output(run, 300);
    let err = text(&run.stderr);
    // A board in maintenance is one `error` trial (`health::maintenance`): never a green run.
    assert_eq!(run.status.code(), Some(1), "{err}\n{}", lab.logs());
    assert!(
        err.contains(&format!("ERROR  {out_of_service}::health::maintenance"))
            && err.contains(&format!(
                "return it with `hil boards --labgrid {addr} ready {out_of_service}`"
            )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "lab: {out_of_service}: NOT TOUCHED: in maintenance"
        )),
        "{err}"
    );
    let holding = err
        .lines()
        .find(|l| l.contains("holding labgrid places"))
        .expect("the places held");
    assert!(!holding.contains(&out_of_service), "{holding}");
    // Every place now has a record: the one in maintenance, and one per place that ran.
    let records = std::fs::read_dir(state.join("health")).unwrap().count();
    assert_eq!(records, lab.places.len());

    // A passing health check of the place returns it to service.
    let mut doctor = hil();
    doctor
        .args(["doctor", "--labgrid", &addr, "--place", &out_of_service])
        .args(["--dut", &out_of_service, "--state-dir"])
        .arg(&state);
    let doctor = output(doctor, 120);
    let err = text(&doctor.stderr);
    assert_eq!(
        doctor.status.code(),
        Some(0),
        "{}\n{err}",
        text(&doctor.stdout)
    );
    assert!(
        err.contains(&format!("DUT `{out_of_service}` returned to service")),
        "{err}"
    );
    let (code, out, err) = boards(&["ready", &out_of_service]);
    assert_eq!(code, Some(0), "{out}\n{err}");
    assert!(out.contains("is in service"), "{out}");
    let (_, out, _) = boards(&[]);
    assert!(!out.contains("MAINTENANCE"), "{out}");
}
