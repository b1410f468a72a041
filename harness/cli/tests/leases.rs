//! Board leases across processes, on a rack file over `hil sim` boards: a second `hil run`, a
//! `hil psu` or a `hil at` on a leased board exits 2 naming the board and the holder's pid (also
//! through another rack file naming the same hardware), while a run filtered to other boards
//! leaves it alone; with `--wait-for-boards` the second
//! run starts when the first ends; a holder killed with SIGKILL frees the board at once.
//!
//! The first run is held in place with SIGSTOP as soon as it holds its lease, so nothing here
//! depends on how fast a run is.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use common::{Lines, hil, junit, output, signal, text, wait};
use hil_lease::LockRecord;

const DEADLINE: Duration = Duration::from_secs(120);

/// A `hil sim` board: its process, console pty (and a symlink to it) and supply address.
struct SimBoard {
    child: Child,
    pty: PathBuf,
    link: PathBuf,
    psu: String,
}

impl Drop for SimBoard {
    fn drop(&mut self) {
        signal(&self.child, libc::SIGTERM);
        let _ = wait(&mut self.child, Duration::from_secs(30));
    }
}

fn start_sim(links: &Path) -> SimBoard {
    let mut cmd = hil();
    cmd.args([
        "sim",
        "--json",
        "--profile",
        "mfw_nrf9160_1.3.6",
        "--link-dir",
    ])
    .arg(links);
    cmd.stdout(Stdio::piped()).stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn hil sim");
    let lines = Lines::new(child.stdout.take().unwrap());
    let line = lines.next(DEADLINE).expect("a JSON line");
    let dut: serde_json::Value = serde_json::from_str(&line).unwrap();
    let link = PathBuf::from(dut["serial"].as_str().unwrap());
    SimBoard {
        pty: std::fs::canonicalize(&link).unwrap(),
        link,
        psu: dut["psu"].as_str().unwrap().to_string(),
        child,
    }
}

/// A rack file `file` in `dir` with one board `dut` on `serial` and the supply `psu`.
fn rack(dir: &Path, file: &str, dut: &str, serial: &Path, psu: &str) -> PathBuf {
    let path = dir.join(file);
    std::fs::write(
        &path,
        format!(
            "name: {file}\nduts:\n  - name: {dut}\n    serial: {}\n    supply: {{ driver: scpi-tcp, address: \"{psu}\", channel: 1 }}\n    limits: {{ min_volts: 2.5, max_volts: 4.2, max_amps: 0.5 }}\n",
            serial.display()
        ),
    )
    .unwrap();
    path
}

/// `hil run` on `rack` (identity cases only) with its lease in `state`.
fn run_cmd(rack: &Path, state: &Path, report: &Path) -> std::process::Command {
    let mut cmd = hil();
    cmd.args(["run", "--no-flash", "--filter", "identity", "--rack"])
        .arg(rack)
        .arg("--state-dir")
        .arg(state)
        .arg("--report-dir")
        .arg(report);
    cmd
}

/// The board's hardware leases: its console port and its supply.
const BOARD_LEASES: usize = 2;

/// Whether `pid` holds all the board's leases in `state` (each lock file names its holder once
/// taken; a holder stopped halfway through taking them does not count).
fn holds_the_board(state: &Path, pid: u32) -> bool {
    let Ok(entries) = std::fs::read_dir(state.join("leases")) else {
        return false;
    };
    let held = entries
        .flatten()
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .ok()
                .and_then(|t| serde_json::from_str::<LockRecord>(&t).ok())
                .is_some_and(|r| r.holder.pid == pid)
        })
        .count();
    held == BOARD_LEASES
}

/// A first `hil run`, stopped (SIGSTOP) while it holds its lease. A run that ends before it
/// could be stopped is started again.
fn stopped_holder(rack: &Path, state: &Path, reports: &Path) -> (Child, PathBuf) {
    for attempt in 0..20 {
        let report = reports.join(format!("first-{attempt}"));
        let mut cmd = run_cmd(rack, state, &report);
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        let mut child = cmd.spawn().expect("spawn hil run");
        let started = Instant::now();
        while !holds_the_board(state, child.id()) && child.try_wait().unwrap().is_none() {
            assert!(
                started.elapsed() < DEADLINE,
                "the first run never held a lease"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        signal(&child, libc::SIGSTOP);
        // Stopped while still holding it (a stopped child is not reported as exited).
        if child.try_wait().unwrap().is_none() && holds_the_board(state, child.id()) {
            return (child, report);
        }
        signal(&child, libc::SIGCONT);
        wait(&mut child, DEADLINE);
        eprintln!("attempt {attempt}: the first run ended before it could be stopped; again");
    }
    panic!("the first run always finished before it could be stopped");
}

fn refused(out: &Output, pid: u32, naming: &str) -> String {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default().to_string();
    for part in [naming, &format!("pid {pid}"), "is leased by `hil run`"] {
        assert!(last.contains(part), "{part:?} missing: {last}");
    }
    last
}

fn assert_complete(report: &Path) -> quick_junit::Report {
    let xml = junit(&report.join("junit.xml"));
    assert_eq!(xml.test_suites.len(), 1);
    assert!(xml.tests > 0);
    assert_eq!(xml.errors, 0, "no infrastructure errors");
    xml
}

#[test]
fn a_leased_board_refuses_a_second_run_psu_and_at_even_through_another_rack_file() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(&dir.path().join("links"));
    let state = dir.path().join("state");
    let rack_a = rack(dir.path(), "a.yaml", "dk-1", &sim.pty, &sim.psu);
    let (mut first, first_report) = stopped_holder(&rack_a, &state, dir.path());
    let pid = first.id();

    // A second run of the same rack file.
    let out = output(run_cmd(&rack_a, &state, &dir.path().join("second")), 60);
    let last = refused(&out, pid, "board `dk-1`");
    assert!(last.contains("--wait-for-boards"), "{last}");
    assert!(!dir.path().join("second/junit.xml").exists(), "nothing ran");

    // Another rack file naming the same hardware: the pty's symlink, the supply without tcp://.
    let bare_psu = sim.psu.trim_start_matches("tcp://").to_string();
    let rack_b = rack(dir.path(), "b.yaml", "bench-3", &sim.link, &bare_psu);
    let out = output(run_cmd(&rack_b, &state, &dir.path().join("third")), 60);
    let last = refused(&out, pid, "board `bench-3`");
    assert!(last.contains("as its board `dk-1`"), "{last}");

    // hil psu and hil at, on the rack DUT and ad hoc.
    let base = |args: &[&str]| {
        let mut cmd = hil();
        cmd.args(args).arg("--state-dir").arg(&state);
        cmd
    };
    let rack_a_str = rack_a.to_str().unwrap();
    let psu_dut = base(&["psu", "--rack", rack_a_str, "--dut", "dk-1", "measure"]);
    refused(&output(psu_dut, 60), pid, "board `dk-1`");
    let psu_ad_hoc = base(&[
        "psu",
        "--driver",
        "scpi-tcp",
        "--address",
        &sim.psu,
        "--min-volts",
        "3.0",
        "--max-volts",
        "4.2",
        "--max-amps",
        "0.5",
        "measure",
    ]);
    refused(&output(psu_ad_hoc, 60), pid, "supply 127.0.0.1:");
    let doctor = base(&["doctor", "--rack", rack_a_str]);
    refused(&output(doctor, 60), pid, "board `dk-1`");
    let at_dut = base(&["at", "--rack", rack_a_str, "--dut", "dk-1", "AT"]);
    refused(&output(at_dut, 60), pid, "board `dk-1`");
    let at_port = base(&["at", "--port", sim.link.to_str().unwrap(), "AT"]);
    refused(
        &output(at_port, 60),
        pid,
        &format!("port {}", sim.pty.display()),
    );

    // hil boards names the holder; the first run then ends with complete reports.
    let boards = output(base(&["boards", "--rack", rack_a_str]), 60);
    let stdout = text(&boards.stdout);
    assert!(boards.status.success(), "{}", text(&boards.stderr));
    assert!(
        stdout.contains("held") && stdout.contains(&format!("pid {pid}")),
        "{stdout}"
    );
    let boards = output(base(&["boards", "--rack", rack_a_str, "--json"]), 60);
    let line: serde_json::Value = serde_json::from_str(text(&boards.stdout).trim()).unwrap();
    assert_eq!(line["lease"]["state"], "held", "{line}");
    assert_eq!(line["lease"]["holder"]["pid"], pid, "{line}");
    signal(&first, libc::SIGCONT);
    let status = wait(&mut first, DEADLINE);
    assert_eq!(status.code(), Some(0));
    assert_complete(&first_report);
    let boards = output(base(&["boards", "--rack", rack_a_str, "--json"]), 60);
    let line: serde_json::Value = serde_json::from_str(text(&boards.stdout).trim()).unwrap();
    assert_eq!(line["dut"], "dk-1");
    assert_eq!(line["lease"]["state"], "free", "{line}");
}

#[test]
fn a_filtered_run_leaves_the_boards_it_gives_no_trial_alone() {
    let dir = tempfile::tempdir().unwrap();
    let one = start_sim(&dir.path().join("links-1"));
    let two = start_sim(&dir.path().join("links-2"));
    let state = dir.path().join("state");
    // dk-2 is held by a run of its own rack file, stopped while it holds the board.
    let rack_two = rack(dir.path(), "two.yaml", "dk-2", &two.pty, &two.psu);
    let (mut first, _) = stopped_holder(&rack_two, &state, dir.path());
    let pid = first.id();
    let both = dir.path().join("both.yaml");
    let entry = |dut: &str, board: &SimBoard| {
        format!(
            "  - name: {dut}\n    serial: {}\n    supply: {{ driver: scpi-tcp, address: \"{}\", channel: 1 }}\n    limits: {{ min_volts: 2.5, max_volts: 4.2, max_amps: 0.5 }}\n",
            board.pty.display(),
            board.psu
        )
    };
    let text_of_both = format!(
        "name: both\nduts:\n{}{}",
        entry("dk-1", &one),
        entry("dk-2", &two)
    );
    std::fs::write(&both, text_of_both).unwrap();
    let filtered = |pattern: &str, report: &str| {
        let mut cmd = hil();
        cmd.args(["run", "--no-flash", "--filter", pattern, "--rack"])
            .arg(&both)
            .arg("--state-dir")
            .arg(&state)
            .arg("--report-dir")
            .arg(dir.path().join(report));
        output(cmd, 60)
    };

    // Only dk-1's trials: the run neither waits for dk-2 nor reports it.
    let out = filtered("dk-1::identity", "one");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let xml = assert_complete(&dir.path().join("one"));
    assert_eq!(xml.test_suites[0].name.as_str(), "dk-1");
    assert!(!text(&out.stderr).contains("dk-2"), "{}", text(&out.stderr));
    // dk-2's trials: the held board is still refused, naming its holder.
    refused(&filtered("dk-2::identity", "two"), pid, "board `dk-2`");
    // Listing touches no board, so it lists the held board's trials too.
    let mut cmd = hil();
    cmd.args(["run", "--list", "--rack"])
        .arg(&both)
        .arg("--state-dir")
        .arg(&state);
    let out = output(cmd, 60);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for board in ["dk-1::identity", "dk-2::identity"] {
        assert!(text(&out.stdout).contains(board), "{}", text(&out.stdout));
    }

    signal(&first, libc::SIGCONT);
    assert_eq!(wait(&mut first, DEADLINE).code(), Some(0));
}

#[test]
fn with_wait_for_boards_the_second_run_starts_when_the_first_ends() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(&dir.path().join("links"));
    let state = dir.path().join("state");
    let rack_a = rack(dir.path(), "a.yaml", "dk-1", &sim.pty, &sim.psu);
    let (mut first, first_report) = stopped_holder(&rack_a, &state, dir.path());

    let second_report = dir.path().join("second");
    let mut cmd = run_cmd(&rack_a, &state, &second_report);
    cmd.args(["--wait-for-boards", "120"]);
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut second = cmd.spawn().expect("spawn the second run");
    let err = Lines::new(second.stderr.take().unwrap());
    let (waiting, _) = err.until(DEADLINE, |l| l.starts_with("waiting for board `dk-1`"));
    assert!(
        waiting.contains(&format!("`hil run` (pid {}", first.id())),
        "{waiting}"
    );

    signal(&first, libc::SIGCONT);
    assert_eq!(wait(&mut first, DEADLINE).code(), Some(0));
    assert_eq!(wait(&mut second, DEADLINE).code(), Some(0));
    let a = assert_complete(&first_report);
    let b = assert_complete(&second_report);
    assert_eq!(a.tests, b.tests);
}

#[test]
fn a_holder_killed_with_sigkill_frees_the_board_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let sim = start_sim(&dir.path().join("links"));
    let state = dir.path().join("state");
    let rack_a = rack(dir.path(), "a.yaml", "dk-1", &sim.pty, &sim.psu);
    let (mut first, _) = stopped_holder(&rack_a, &state, dir.path());
    signal(&first, libc::SIGKILL);
    wait(&mut first, DEADLINE);

    // No --wait-for-boards: the kernel let the lock go with the process.
    let mut cmd = hil();
    cmd.args(["psu", "--rack", rack_a.to_str().unwrap(), "--dut", "dk-1"])
        .args(["--state-dir", state.to_str().unwrap(), "measure"]);
    let out = output(cmd, 60);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(" V"), "{}", text(&out.stdout));

    let mut cmd = hil();
    cmd.args(["at", "--rack", rack_a.to_str().unwrap(), "--dut", "dk-1"])
        .args(["--state-dir", state.to_str().unwrap(), "AT"]);
    let out = output(cmd, 60);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn boards_without_a_rack_file_has_nothing_to_lease_and_a_bad_one_is_named() {
    let mut cmd = hil();
    cmd.arg("boards");
    let out = output(cmd, 60);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("nothing is leased"),
        "{}",
        text(&out.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "name: r\nduts:\n  - name: dk-1\n    serial: 5\n    baud: x\n",
    )
    .unwrap();
    let mut cmd = hil();
    cmd.args(["boards", "--rack"]).arg(&bad);
    let out = output(cmd, 60);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.yaml:"), "{stderr}");
}
