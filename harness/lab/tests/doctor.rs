//! `hil doctor` on racks with something wrong: each problem is reported by the check it
//! belongs to, and only there.

use hil_lab::doctor::{Check, Status, diagnose};
use hil_lab::identity::Mismatch;
use hil_lab::{BoardFault, Lab, LabOptions, RackSource};
use hil_model::MfwVersion;

fn opts() -> LabOptions {
    LabOptions {
        // No CI build or FUT_ELF must leak into these tests.
        workspace_root: std::env::temp_dir().join("hil-lab-no-workspace"),
        firmware: None,
        flash: false,
        ..LabOptions::default()
    }
}

/// A rack file with one simulated 1.3.6 board that the rack expects to run 1.3.1.
fn wrong_mfw_rack(dir: &std::path::Path) -> RackSource {
    let path = dir.join("rack.yaml");
    std::fs::write(
        &path,
        "name: wrong-mfw\nduts:\n  - name: s\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n    expected_mfw: mfw_nrf9160_1.3.1\n",
    )
    .unwrap();
    RackSource::File(path)
}

fn row<'a>(checks: &'a [Check], name: &str) -> &'a Check {
    checks
        .iter()
        .find(|c| c.check == name)
        .unwrap_or_else(|| panic!("no `{name}` check in {checks:?}"))
}

#[test]
fn an_expected_firmware_mismatch_fails_the_identity_check_alone() {
    let dir = tempfile::tempdir().unwrap();
    let checks = diagnose(&wrong_mfw_rack(dir.path()), &opts()).expect("diagnosed");

    let at = row(&checks, "at");
    assert_eq!(at.status, Status::Ok, "{at:?}");
    assert!(at.detail.contains("mfw_nrf9160_1.3.6"), "{at:?}");
    let identity = row(&checks, "identity");
    assert_eq!(identity.status, Status::Fail, "{identity:?}");
    assert!(
        identity.detail.contains("mfw_nrf9160_1.3.6")
            && identity.detail.contains("mfw_nrf9160_1.3.1"),
        "{identity:?}"
    );
    let failed: Vec<&str> = checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .map(|c| c.check)
        .collect();
    assert_eq!(failed, ["identity"], "{checks:#?}");
}

#[test]
fn a_board_faulted_by_a_mismatch_keeps_the_identity_it_read() {
    let dir = tempfile::tempdir().unwrap();
    let lab = Lab::bring_up(&wrong_mfw_rack(dir.path()), &opts()).expect("lab up");
    let board = &lab.boards[0];
    let Some(BoardFault::IdentityMismatch(mismatch)) = board.fault() else {
        panic!("not an identity mismatch: {:?}", board.fault());
    };
    assert_eq!(
        mismatch.mismatches,
        [Mismatch::Mfw {
            expected: MfwVersion::parse("mfw_nrf9160_1.3.1").unwrap(),
            actual: MfwVersion::parse("mfw_nrf9160_1.3.6").unwrap(),
        }]
    );
    let identity = board
        .identity()
        .expect("the identity read before the mismatch");
    assert_eq!(identity.revision, "mfw_nrf9160_1.3.6");
}

/// A board that babbles from its first command: its fault, its doctor rows and the bring-up
/// notes stay a few KB, and its console output goes to one capped file in its artifacts.
#[test]
fn a_babbling_board_gives_short_faults_and_keeps_its_output_in_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack.yaml");
    std::fs::write(
        &path,
        "name: noisy\nduts:\n  - name: b\n    simulated: { profile: mfw_nrf9160_1.3.6, policy: { babble_after_commands: 0 } }\n",
    )
    .unwrap();
    let source = RackSource::File(path.clone());
    let checks = diagnose(&source, &opts()).expect("diagnosed");
    let at = row(&checks, "at");
    assert_eq!(at.status, Status::Fail, "{at:?}");
    assert!(at.detail.contains("bytes left out"), "{}", at.detail.len());
    assert!(checks.iter().all(|c| c.detail.len() < 4096), "{checks:?}");

    let artifacts = dir.path().join("artifacts");
    let lab = Lab::bring_up(
        &source,
        &LabOptions {
            artifacts_dir: Some(artifacts.clone()),
            ..opts()
        },
    )
    .expect("the lab comes up, the board faulted");
    let board = &lab.boards[0];
    let fault = board.fault().expect("no answer to the identity queries");
    assert!(
        matches!(fault, BoardFault::NoAnswer { .. }),
        "{}",
        fault.to_string().len()
    );
    assert!(
        fault.to_string().len() < 4096,
        "{}",
        fault.to_string().len()
    );
    let kept = artifacts.join("b").join(hil_lab::bringup_output::FILE_NAME);
    assert!(
        board
            .notes
            .iter()
            .any(|n| n.contains(&kept.display().to_string())),
        "{:?}",
        board.notes
    );
    let raw = std::fs::read_to_string(&kept).unwrap();
    assert!(raw.contains("the board streams endless output"));
    assert!(raw.len() < 2_000_000, "{}", raw.len());
    drop(lab);

    // A later bring-up where the board comes up leaves no stale file behind.
    std::fs::write(
        &path,
        "name: quiet\nduts:\n  - name: b\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n",
    )
    .unwrap();
    let lab = Lab::bring_up(
        &source,
        &LabOptions {
            artifacts_dir: Some(artifacts.clone()),
            ..opts()
        },
    )
    .expect("the lab comes up");
    assert!(lab.boards[0].fault().is_none());
    assert!(!kept.exists(), "a stale bring-up transcript");
}
