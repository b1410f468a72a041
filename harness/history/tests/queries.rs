//! Queries over a seeded history: filters, per-trial outcomes, the default diff pair and what
//! a diff reports.

mod common;

use std::time::{Duration, SystemTime};

use common::{record, seed, temp};
use hil_history::sample::{self, dut, result};
use hil_history::{History, HistoryError, RunEnd, RunFilter, RunId, Timestamp, TrialKey, render};
use hil_runner::{Outcome, OutcomeKind};

fn filter() -> RunFilter {
    RunFilter {
        limit: 100,
        ..RunFilter::default()
    }
}

fn ids(history: &History, filter: &RunFilter) -> Vec<i64> {
    history
        .list_runs(filter)
        .unwrap()
        .iter()
        .map(|r| r.id.0)
        .collect()
}

/// Runs 1..=5: rack `sim`, nights 0..5; runs 6, 7: rack `lab-b`, nights 10, 11.
fn seeded() -> (common::Temp, History) {
    let t = temp();
    let mut history = seed(&t.path, "sim", 5);
    for night in [10, 11] {
        record(&mut history, &sample::default_rack_run("lab-b", night));
    }
    (t, history)
}

#[test]
fn runs_are_listed_most_recent_first_and_filtered() {
    let (_t, history) = seeded();
    assert_eq!(ids(&history, &filter()), [7, 6, 5, 4, 3, 2, 1]);
    assert_eq!(
        ids(
            &history,
            &RunFilter {
                limit: 2,
                ..filter()
            }
        ),
        [7, 6]
    );
    let sim = RunFilter {
        rack: Some("sim".into()),
        ..filter()
    };
    assert_eq!(ids(&history, &sim), [5, 4, 3, 2, 1]);
    assert_eq!(
        ids(
            &history,
            &RunFilter {
                until: Some(RunId(3)),
                ..sim.clone()
            }
        ),
        [3, 2, 1]
    );
    // Night 3 of the sample starts 3 days after night 0.
    let night3 =
        Timestamp::of(SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + 3 * 86_400));
    assert_eq!(
        ids(
            &history,
            &RunFilter {
                since: Some(night3),
                ..sim
            }
        ),
        [5, 4]
    );
    assert!(
        ids(
            &history,
            &RunFilter {
                rack: Some("nope".into()),
                ..filter()
            }
        )
        .is_empty()
    );
}

#[test]
fn dut_and_case_filters_select_runs_and_count_only_matching_trials() {
    let (_t, history) = seeded();
    let all = history.list_runs(&filter()).unwrap();
    assert!(all.iter().all(|r| r.trials() == 186));

    let one_dut = history
        .list_runs(&RunFilter {
            dut: Some("sim-9160-1.3.6".into()),
            ..filter()
        })
        .unwrap();
    assert_eq!(one_dut.len(), 7);
    assert!(one_dut.iter().all(|r| r.trials() == 31));
    assert!(
        one_dut
            .iter()
            .all(|r| r.count(OutcomeKind::ExpectedFail) == 1)
    );

    let substring = history
        .list_runs(&RunFilter {
            case: Some("case_03".into()),
            ..filter()
        })
        .unwrap();
    assert!(substring.iter().all(|r| r.trials() == 6));
    assert!(
        substring
            .iter()
            .all(|r| r.count(OutcomeKind::Characterized) == 6)
    );

    let glob = history
        .list_runs(&RunFilter {
            case: Some("pofwarn::*".into()),
            ..filter()
        })
        .unwrap();
    assert!(
        glob.iter().all(|r| r.trials() == 36),
        "6 pofwarn cases x 6 DUTs"
    );

    let nothing = RunFilter {
        case: Some("no_such_case".into()),
        ..filter()
    };
    assert!(ids(&history, &nothing).is_empty());
    let brackets = RunFilter {
        case: Some("[".into()),
        ..filter()
    };
    assert!(
        ids(&history, &brackets).is_empty(),
        "`[` is matched literally"
    );
}

#[test]
fn each_trial_shows_its_outcomes_in_the_listed_runs() {
    let (_t, history) = seeded();
    let view = history
        .history(&RunFilter {
            rack: Some("sim".into()),
            dut: Some("sim-9160-0.7.0".into()),
            case: Some("case_02".into()),
            ..filter()
        })
        .unwrap();
    assert_eq!(view.runs.len(), 5);
    assert_eq!(view.trials.len(), 1);
    let trial = &view.trials[0];
    assert_eq!(trial.trial.to_string(), "sim-9160-0.7.0::keygen::case_02");
    // Fails on nights 0 and 3 (n % 3 == 0); listed most recent first: nights 4..0.
    let strip: String = trial
        .outcomes
        .iter()
        .map(|o| render::symbol(o.outcome))
        .collect();
    assert_eq!(strip, "PFPPF");
    assert_eq!(trial.changes(), 3);
    assert!(trial.is_flaky());

    let flaky = history.flakiness("sim", Some(RunId(4)), 10).unwrap();
    assert_eq!(flaky.len(), 186);
    assert!(flaky.iter().all(|t| t.outcomes.len() == 4));
}

#[test]
fn the_default_diff_compares_the_last_two_completed_runs_of_a_rack() {
    let (_t, mut history) = seeded();
    assert_eq!(
        history.latest_pair(Some("sim")).unwrap(),
        (RunId(4), RunId(5))
    );
    assert_eq!(history.latest_pair(None).unwrap(), (RunId(6), RunId(7)));
    assert_eq!(history.previous_of(RunId(5)).unwrap(), RunId(4));

    // A stopped run is not "completed": the pair skips it.
    let mut stopped = sample::default_rack_run("sim", 5);
    stopped.summary.stopped = true;
    stopped.summary.not_run = 3;
    let id = record(&mut history, &stopped).run;
    assert_eq!(history.run(id).unwrap().ended, RunEnd::Stopped);
    assert_eq!(
        history.latest_pair(Some("sim")).unwrap(),
        (RunId(4), RunId(5))
    );

    assert!(matches!(
        history.previous_of(RunId(1)),
        Err(HistoryError::NotEnoughRuns(_))
    ));
    assert!(matches!(
        history.latest_pair(Some("nope")),
        Err(HistoryError::NotEnoughRuns(_))
    ));
    let unknown = history.diff(RunId(1), RunId(99)).unwrap_err();
    assert!(matches!(unknown, HistoryError::UnknownRun(RunId(99))));
    assert!(unknown.is_bad_input());
}

fn names(changes: &[hil_history::TrialChange]) -> Vec<String> {
    changes.iter().map(|c| c.trial.to_string()).collect()
}

#[test]
fn a_diff_names_exactly_the_trials_that_changed() {
    let (_t, history) = seeded();
    // Nights 3 -> 4 of the sample.
    let diff = history.diff(RunId(4), RunId(5)).unwrap();
    assert_eq!(
        names(&diff.new_failures),
        [
            "sim-9160-1.3.1::keygen::case_02",
            "sim-91x1-2.0.2::keygen::case_02"
        ]
    );
    assert_eq!(
        names(&diff.fixed),
        [
            "sim-9160-0.7.0::keygen::case_02",
            "sim-9160-1.3.6::keygen::case_02"
        ]
    );
    assert!(diff.new_unexpected_passes.is_empty());
    assert!(diff.new_expected_failures.is_empty());
    assert!(diff.other_changes.is_empty());
    let observed: Vec<String> = diff
        .changed_observations
        .iter()
        .map(|c| {
            format!(
                "{} {:?}->{:?}",
                c.trial.dut, c.changes[0].before, c.changes[0].after
            )
        })
        .collect();
    assert_eq!(
        observed,
        [
            "sim-9160-0.7.0 Some(\"reboot\")->Some(\"cfun-cycle\")",
            "sim-9160-1.2.3 Some(\"cfun-cycle\")->Some(\"reboot\")",
            "sim-91x1-2.0.0 Some(\"reboot\")->Some(\"cfun-cycle\")",
            "sim-91x1-2.0.2 Some(\"cfun-cycle\")->Some(\"reboot\")",
        ]
    );
    assert!(diff.appeared.is_empty() && diff.disappeared.is_empty());
    assert!(diff.firmware_changes.is_empty());
    assert_eq!(diff.changed_trials(), 8);

    let json = serde_json::to_value(&diff).unwrap();
    assert_eq!(json["from"]["id"], 4);
    assert_eq!(json["to"]["ended"], "completed");
    assert_eq!(json["new_failures"][0]["before"]["outcome"], "pass");
    assert_eq!(json["new_failures"][0]["after"]["outcome"], "fail");
    assert_eq!(
        json["new_failures"][0]["after"]["signature"],
        "+CME ERROR: 518"
    );
    assert_eq!(
        json["changed_observations"][0]["changes"][0]["key"],
        "pofwarn_clears_on"
    );

    let text = render::diff_text(&diff);
    assert!(text.contains("new failures (2):"), "{text}");
    assert!(
        text.contains("sim-9160-1.3.1::keygen::case_02  PASS -> FAIL: saw +CME ERROR: 518"),
        "{text}"
    );
    assert!(
        text.contains("pofwarn_clears_on: \"reboot\" -> \"cfun-cycle\""),
        "{text}"
    );
    assert!(
        !text.contains("new expected failures"),
        "empty groups are left out"
    );
}

#[test]
fn a_firmware_update_and_a_dropped_case_show_in_the_diff() {
    let t = temp();
    let mut history = History::open(&t.path).unwrap();
    let old = dut("board", "mfw_nrf9160_1.3.5");
    let new = dut("board", "mfw_nrf9160_1.3.6");
    let run = |d: &hil_runner::DutInfo, results: Vec<hil_runner::TrialResult>| {
        let summary = sample::summary(std::slice::from_ref(d), &results, Duration::ZERO);
        (sample::run_info("r", SystemTime::now()), results, summary)
    };
    let (info, results, summary) = run(
        &old,
        vec![
            result(&old, "cmng", "write", Outcome::Pass),
            result(&old, "cmng", "pofwarn_write", Outcome::Pass),
            result(&old, "cmng", "retired", Outcome::Pass),
        ],
    );
    let a = history
        .record(&info, std::slice::from_ref(&old), &results, &summary)
        .unwrap()
        .run;
    let (info, results, summary) = run(
        &new,
        vec![
            result(&new, "cmng", "write", Outcome::Pass),
            result(
                &new,
                "cmng",
                "pofwarn_write",
                sample::xfail("+CME ERROR: 528"),
            ),
            result(&new, "cmng", "added", sample::xpass("+CME ERROR: 527")),
        ],
    );
    let b = history
        .record(&info, std::slice::from_ref(&new), &results, &summary)
        .unwrap()
        .run;
    let diff = history.diff(a, b).unwrap();
    assert_eq!(
        names(&diff.new_expected_failures),
        ["board::cmng::pofwarn_write"]
    );
    let key = |case: &str| TrialKey {
        dut: "board".into(),
        suite: "cmng".into(),
        case: case.into(),
    };
    assert_eq!(diff.appeared.len(), 1);
    assert_eq!(diff.appeared[0].trial, key("added"));
    assert_eq!(diff.appeared[0].state.outcome, OutcomeKind::UnexpectedPass);
    assert_eq!(diff.disappeared[0].trial, key("retired"));
    assert_eq!(diff.firmware_changes.len(), 1);
    assert_eq!(
        diff.firmware_changes[0].after.as_deref(),
        Some("mfw_nrf9160_1.3.6")
    );
    let text = render::diff_text(&diff);
    assert!(
        text.contains("board: \"mfw_nrf9160_1.3.5\" -> \"mfw_nrf9160_1.3.6\""),
        "{text}"
    );
}

#[test]
fn history_text_shows_runs_and_only_changing_trials_by_default() {
    let (_t, history) = seeded();
    let view = history
        .history(&RunFilter {
            rack: Some("sim".into()),
            ..filter()
        })
        .unwrap();
    let text = render::history_text(&view, false);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("run  started"), "{text}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.contains(" sim ") && l.contains(" completed "))
            .count(),
        5,
        "{text}"
    );
    assert!(
        text.contains("sim-9160-0.7.0::keygen::case_02  PFPPF  3 changes  flaky"),
        "{text}"
    );
    assert!(
        !text.contains("::cmng::case_00"),
        "steady trials are summarised: {text}"
    );
    assert!(text.contains("trials did not change"), "{text}");
    let all = render::history_text(&view, true);
    let steady = all
        .lines()
        .find(|l| l.trim_start().starts_with("sim-9160-0.7.0::cmng::case_00 "))
        .expect("every trial is listed");
    assert!(steady.ends_with(" PPPPP  0 changes"), "{steady}");
}
