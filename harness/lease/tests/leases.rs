//! Leases in one process: two requests are two holders (each open lock file is its own lock),
//! so everything a second command would see can be checked here without timing.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use hil_lease::{
    BoardClaim, Holder, Interrupt, LeaseError, LeaseKey, LeaseRequest, LeaseState, Wait,
    board_leases,
};

fn request(state: &Path, program: &str, wait: Wait) -> LeaseRequest {
    LeaseRequest {
        state_dir: Ok(state.to_path_buf()),
        holder: Holder::this_process(program, Some(format!("{program}-run"))),
        wait,
        on_wait: Arc::new(|_| {}),
        interrupt: Interrupt::default(),
    }
}

/// A request that waits up to 600 s, and the channel its progress lines arrive on.
fn waiting_request(state: &Path) -> (LeaseRequest, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel::<String>();
    let tx = Mutex::new(tx);
    let mut waiter = request(state, "hil run", Wait::For(Duration::from_secs(600)));
    waiter.on_wait = Arc::new(move |w| {
        let _ = tx.lock().unwrap().send(w.to_string());
    });
    (waiter, rx)
}

fn board(name: &str, ports: &[&str]) -> BoardClaim {
    let mut keys: Vec<LeaseKey> = ports
        .iter()
        .map(|p| LeaseKey::Port(PathBuf::from(p)))
        .collect();
    keys.sort();
    BoardClaim {
        board: Some(name.to_string()),
        keys,
    }
}

#[test]
fn a_held_board_fails_a_second_request_naming_board_and_holder() {
    let state = tempfile::tempdir().unwrap();
    let first = request(state.path(), "hil run", Wait::Never)
        .acquire(&[board("dk-1", &["/dev/x1"])])
        .unwrap();
    assert_eq!(first.keys().count(), 1);

    let err = request(state.path(), "hil psu", Wait::Never)
        .acquire(&[board("bench", &["/dev/x1"])])
        .unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(err, LeaseError::Busy { waited: None, .. }),
        "{text}"
    );
    for part in [
        "board `bench` (port /dev/x1)",
        "`hil run`",
        &format!("pid {}", std::process::id()),
        "run hil run-run",
        "as its board `dk-1`",
        "--wait-for-boards",
    ] {
        assert!(text.contains(part), "{part:?} missing: {text}");
    }

    drop(first);
    request(state.path(), "hil psu", Wait::Never)
        .acquire(&[board("bench", &["/dev/x1"])])
        .expect("free once the first holder is gone");
}

#[test]
fn all_or_nothing_a_failed_request_holds_nothing() {
    let state = tempfile::tempdir().unwrap();
    let _held = request(state.path(), "a", Wait::Never)
        .acquire(&[board("b", &["/dev/x2"])])
        .unwrap();
    // Wants x1 (sorted first, free) and x2 (held): fails, and x1 is let go again.
    let wants = [board("one", &["/dev/x1"]), board("two", &["/dev/x2"])];
    request(state.path(), "c", Wait::Never)
        .acquire(&wants)
        .unwrap_err();
    let states = board_leases(state.path(), &wants).unwrap();
    assert_eq!(states[0].state, LeaseState::Free);
    assert!(matches!(states[1].state, LeaseState::Held { .. }));
}

#[test]
fn boards_sharing_hardware_in_one_command_take_it_once() {
    let state = tempfile::tempdir().unwrap();
    let leases = request(state.path(), "a", Wait::Never)
        .acquire(&[
            board("one", &["/dev/s", "/dev/p1"]),
            board("two", &["/dev/s", "/dev/p2"]),
        ])
        .unwrap();
    assert_eq!(leases.keys().count(), 3);
}

#[test]
fn the_holder_is_readable_while_held_and_gone_after() {
    let state = tempfile::tempdir().unwrap();
    let claims = [board("dk-1", &["/dev/x1"]), board("sim", &[])];
    let leases = request(state.path(), "hil run", Wait::Never)
        .acquire(&claims)
        .unwrap();
    let states = board_leases(state.path(), &claims).unwrap();
    match &states[0].state {
        LeaseState::Held {
            holder: Some(record),
            ..
        } => {
            assert_eq!(record.holder.pid, std::process::id());
            assert_eq!(record.board, "board `dk-1`");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(states[1].state, LeaseState::NotNeeded);
    drop(leases);
    let states = board_leases(state.path(), &claims).unwrap();
    assert_eq!(states[0].state, LeaseState::Free);
    let file = std::fs::read_dir(state.path().join("leases"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(std::fs::read_to_string(file).unwrap(), "", "record emptied");
}

#[test]
fn looking_creates_nothing() {
    let state = tempfile::tempdir().unwrap();
    let states = board_leases(state.path(), &[board("a", &["/dev/x"])]).unwrap();
    assert_eq!(states[0].state, LeaseState::Free);
    assert!(!state.path().join("leases").exists());
}

#[test]
fn a_waiting_request_says_whom_it_waits_for_and_starts_when_freed() {
    let state = tempfile::tempdir().unwrap();
    let held = request(state.path(), "hil run", Wait::Never)
        .acquire(&[board("dk-1", &["/dev/x1"])])
        .unwrap();
    let (waiter, rx) = waiting_request(state.path());
    let claims = [board("dk-1", &["/dev/x1"])];
    let handle = std::thread::spawn(move || waiter.acquire(&claims).map(|l| l.keys().count()));
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("a progress line");
    assert!(
        line.starts_with("waiting for board `dk-1` (port /dev/x1): leased by `hil run` (pid"),
        "{line}"
    );
    drop(held);
    assert_eq!(handle.join().unwrap().unwrap(), 1);
}

#[test]
fn a_stop_request_ends_a_wait_and_takes_nothing() {
    let state = tempfile::tempdir().unwrap();
    let held = request(state.path(), "hil run", Wait::Never)
        .acquire(&[board("dk-1", &["/dev/x1"])])
        .unwrap();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (mut waiter, rx) = waiting_request(state.path());
    waiter.interrupt = Interrupt::on(stop.clone());
    let claims = [board("dk-2", &["/dev/x2"]), board("dk-1", &["/dev/x1"])];
    let handle = std::thread::spawn(move || waiter.acquire(&claims).map(|l| l.keys().count()));
    rx.recv_timeout(Duration::from_secs(60))
        .expect("a progress line");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let err = handle.join().unwrap().unwrap_err();
    assert!(matches!(err, LeaseError::Interrupted { ref board, .. } if board == "board `dk-1`"));
    assert!(
        err.to_string()
            .starts_with("stopped while waiting for board `dk-1`"),
        "{err}"
    );
    // It holds nothing afterwards: dk-2 is free for another command.
    let again = request(state.path(), "hil at", Wait::Never)
        .acquire(&[board("dk-2", &["/dev/x2"])])
        .unwrap();
    assert_eq!(again.keys().count(), 1);
    drop(held);
}

#[test]
fn a_wait_that_runs_out_says_how_long_it_waited() {
    let state = tempfile::tempdir().unwrap();
    let _held = request(state.path(), "hil run", Wait::Never)
        .acquire(&[board("dk-1", &["/dev/x1"])])
        .unwrap();
    let err = request(state.path(), "hil at", Wait::For(Duration::from_millis(1)))
        .acquire(&[BoardClaim::hardware(LeaseKey::Port("/dev/x1".into()))])
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("port /dev/x1 is still leased by `hil run`")
            && text.contains("after waiting"),
        "{text}"
    );
}

#[test]
fn no_state_directory_matters_only_when_a_board_needs_a_lease() {
    let mut req = request(Path::new("."), "hil run", Wait::Never);
    req.state_dir = Err(hil_lease::StateDirError);
    assert!(req.acquire(&[board("sim", &[])]).unwrap().is_empty());
    let err = req.acquire(&[board("dk-1", &["/dev/x"])]).unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("board `dk-1` needs a lease: no state directory")
            && text.contains("--state-dir"),
        "{text}"
    );
}
