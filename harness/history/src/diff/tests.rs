//! The diff's grouping rules, on trial states built by hand.

use hil_runner::OutcomeKind::{self, *};

use super::*;
use crate::types::{RunEnd, Timestamp};

fn run(id: i64) -> RunRow {
    RunRow {
        id: RunId(id),
        rack: "sim".into(),
        host: "h".into(),
        harness_version: "0.1.0".into(),
        git_commit: None,
        firmware_under_test: None,
        started: Timestamp(id * 1000),
        duration_ms: 1,
        ended: RunEnd::Completed,
        not_run: 0,
        counts: BTreeMap::new(),
    }
}

fn key(dut: &str, case: &str) -> TrialKey {
    TrialKey {
        dut: dut.into(),
        suite: "s".into(),
        case: case.into(),
    }
}

fn state(outcome: OutcomeKind, signature: Option<&str>) -> TrialState {
    TrialState {
        outcome,
        signature: signature.map(String::from),
        message: String::new(),
        modem_firmware: Some("mfw_nrf9160_1.3.6".into()),
        attempts: 1,
        duration_ms: 1,
        observations: Vec::new(),
    }
}

fn trials(list: &[(&str, TrialState)]) -> BTreeMap<TrialKey, TrialState> {
    list.iter()
        .map(|(case, s)| (key("d", case), s.clone()))
        .collect()
}

fn names(changes: &[TrialChange]) -> Vec<String> {
    changes.iter().map(|c| c.trial.case.clone()).collect()
}

#[test]
fn each_change_lands_in_exactly_one_group() {
    let before = trials(&[
        ("steady", state(Pass, None)),
        ("breaks", state(Pass, None)),
        ("errors", state(ExpectedFail, Some("527"))),
        ("heals", state(Fail, Some("518"))),
        ("xpass", state(ExpectedFail, Some("528"))),
        ("now_expected", state(Pass, None)),
        ("fail_to_xfail", state(Fail, Some("527"))),
        ("fail_to_error", state(Fail, Some("518"))),
        ("new_signature", state(Fail, Some("518"))),
        ("to_na", state(Pass, None)),
        ("error_to_char", state(Error, None)),
    ]);
    let after = trials(&[
        ("steady", state(Pass, None)),
        ("breaks", state(Fail, Some("528"))),
        ("errors", state(Error, None)),
        ("heals", state(Pass, None)),
        ("xpass", state(UnexpectedPass, Some("528"))),
        ("now_expected", state(ExpectedFail, Some("527"))),
        ("fail_to_xfail", state(ExpectedFail, Some("527"))),
        ("fail_to_error", state(Error, None)),
        ("new_signature", state(Fail, Some("528"))),
        ("to_na", state(NotApplicable, None)),
        ("error_to_char", state(Characterized, None)),
    ]);
    let diff = compare(run(1), run(2), &before, &after, &[], &[]);
    assert_eq!(names(&diff.new_failures), ["breaks", "errors"]);
    assert_eq!(names(&diff.fixed), ["error_to_char", "heals"]);
    assert_eq!(names(&diff.new_unexpected_passes), ["xpass"]);
    assert_eq!(
        names(&diff.new_expected_failures),
        ["fail_to_xfail", "now_expected"]
    );
    assert_eq!(
        names(&diff.other_changes),
        ["fail_to_error", "new_signature", "to_na"]
    );
    assert!(diff.appeared.is_empty() && diff.disappeared.is_empty());
    assert_eq!(diff.changed_trials(), 10);
}

#[test]
fn identical_runs_have_an_empty_diff() {
    let both = trials(&[
        ("a", state(Pass, None)),
        ("b", state(ExpectedFail, Some("x"))),
    ]);
    let diff = compare(run(1), run(2), &both, &both, &[], &[]);
    assert!(diff.is_empty());
    assert_eq!(diff.changed_trials(), 0);
}

#[test]
fn appeared_and_disappeared_trials() {
    let before = trials(&[("old", state(Pass, None)), ("kept", state(Pass, None))]);
    let after = trials(&[("kept", state(Pass, None)), ("new", state(Fail, Some("x")))]);
    let diff = compare(run(1), run(2), &before, &after, &[], &[]);
    let appeared: Vec<_> = diff
        .appeared
        .iter()
        .map(|t| t.trial.case.as_str())
        .collect();
    let gone: Vec<_> = diff
        .disappeared
        .iter()
        .map(|t| t.trial.case.as_str())
        .collect();
    assert_eq!(appeared, ["new"]);
    assert_eq!(gone, ["old"]);
    assert!(
        diff.new_failures.is_empty(),
        "a new trial is not a new failure"
    );
}

#[test]
fn observation_changes_list_each_key() {
    let mut old = state(Characterized, None);
    old.observations = vec![
        ("clears_on".into(), "reboot".into()),
        ("same".into(), "1".into()),
        ("dropped".into(), "y".into()),
    ];
    let mut new = state(Characterized, None);
    new.observations = vec![
        ("added".into(), "z".into()),
        ("clears_on".into(), "cfun-cycle".into()),
        ("same".into(), "1".into()),
    ];
    let diff = compare(
        run(1),
        run(2),
        &trials(&[("pofwarn", old)]),
        &trials(&[("pofwarn", new)]),
        &[],
        &[],
    );
    assert_eq!(diff.changed_observations.len(), 1);
    let changes = &diff.changed_observations[0].changes;
    let v = |s: &str| Some(s.to_string());
    assert_eq!(
        changes,
        &[
            ValueChange {
                key: "added".into(),
                before: None,
                after: v("z")
            },
            ValueChange {
                key: "clears_on".into(),
                before: v("reboot"),
                after: v("cfun-cycle")
            },
            ValueChange {
                key: "dropped".into(),
                before: v("y"),
                after: None
            },
        ]
    );
    assert!(diff.other_changes.is_empty(), "the outcome did not change");
    assert_eq!(diff.changed_trials(), 1);
}

#[test]
fn firmware_changes_come_from_boards_else_from_trials() {
    let board = |dut: &str, mfw: &str| BoardRow {
        dut: dut.into(),
        modem_firmware: Some(mfw.into()),
        app_firmware: None,
        imei_hash: None,
    };
    let before = trials(&[("a", state(Pass, None))]);
    let mut updated = state(Pass, None);
    updated.modem_firmware = Some("mfw_nrf9160_1.3.7".into());
    let after = trials(&[("a", updated)]);
    // No boards recorded: the trials' firmware is used.
    let diff = compare(run(1), run(2), &before, &after, &[], &[]);
    assert_eq!(
        diff.firmware_changes,
        [FirmwareChange {
            dut: "d".into(),
            before: Some("mfw_nrf9160_1.3.6".into()),
            after: Some("mfw_nrf9160_1.3.7".into()),
        }]
    );
    assert!(!diff.is_empty());
    // Boards recorded: they win; a board in one run only is no firmware change.
    let diff = compare(
        run(1),
        run(2),
        &before,
        &after,
        &[
            board("d", "mfw_nrf9160_1.3.6"),
            board("gone", "mfw_nrf9160_1.2.3"),
        ],
        &[board("d", "mfw_nrf9160_1.3.6")],
    );
    assert!(diff.firmware_changes.is_empty());
}
