//! Reports that tell the truth about the run: how it ended (running, stopped, reports missing)
//! in every JUnit testsuite and in a `run` testsuite dashboards show red; a report directory
//! made ready (and refused) before bring-up; and every file under 2 MB whatever a board sends.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use hil_report::budget::FILE_CAP;
use hil_report::junit::{RUN_STATUS_PROPERTY, RUN_SUITE};
use hil_report::summary::verdict;
use hil_report::{JunitOptions, JunitReporter, MARKER, ReportDir, ReporterOptions};
use hil_runner::{
    Case, Expectations, FnCase, Problem, Reporter, Run, RunInfo, RunOutput, StopFlag,
};
use hil_testkit::{FakeDut, Lab, validates_junit_schema as validates};
use quick_junit::{NonSuccessKind, Report, TestCaseStatus, TestSuite};

type Body = dyn Fn(&mut FakeDut, &mut hil_runner::CaseLog) -> Result<(), Problem> + Send + Sync;

fn case(name: &str, body: Arc<Body>) -> Arc<dyn Case<FakeDut>> {
    Arc::new(FnCase::new("cmng", name, "a case", move |d, l| body(d, l)))
}

fn run(
    cases: Vec<Arc<dyn Case<FakeDut>>>,
    duts: &[&str],
    stop: StopFlag,
    reporters: Vec<Box<dyn Reporter>>,
) -> RunOutput<FakeDut> {
    Run::new(RunInfo::new("rack"), cases, Expectations::empty())
        .unwrap()
        .with_stop_flag(stop)
        .execute(
            // No firmware known, no properties.
            duts.iter()
                .map(|d| FakeDut::unidentified(d, &Lab::default()))
                .collect(),
            reporters,
        )
        .unwrap()
}

fn parse(path: &Path) -> Report {
    let xml = std::fs::read_to_string(path).unwrap();
    Report::deserialize_from_str(&xml).unwrap_or_else(|e| panic!("{e:?}\n{xml}"))
}

fn status_of(suite: &TestSuite) -> Option<&str> {
    suite
        .properties
        .iter()
        .find(|p| p.name.as_str() == RUN_STATUS_PROPERTY)
        .map(|p| p.value.as_str())
}

#[test]
fn a_stopped_run_carries_its_status_and_a_red_run_stopped_case() {
    let dir = tempfile::tempdir().unwrap();
    let report = ReportDir::new(dir.path());
    let stop = StopFlag::new();
    let flag = stop.clone();
    let cases = vec![
        case(
            "first",
            Arc::new(move |_, _| {
                flag.request();
                Ok(())
            }),
        ),
        case("second", Arc::new(|_, _| Ok(()))),
        case("third", Arc::new(|_, _| Ok(()))),
    ];
    let out = run(
        cases,
        &["dut1", "dut2"],
        stop,
        report.reporters(ReporterOptions::FILES_ONLY),
    );
    assert!(out.summary.stopped);
    // Each DUT stops after its first case (or before it, when the other one was quicker).
    assert!(out.summary.not_run >= 4, "{:?}", out.summary);
    assert!(
        verdict(&out.summary).starts_with(&format!(
            "STOPPED: {} planned trials not run",
            out.summary.not_run
        )),
        "{}",
        verdict(&out.summary)
    );

    let xml = parse(&report.junit);
    for suite in &xml.test_suites {
        assert_eq!(status_of(suite), Some("stopped"), "{}", suite.name.as_str());
    }
    let run_suite = xml
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == RUN_SUITE)
        .expect("a run testsuite");
    assert_eq!(run_suite.errors, 1);
    let stopped = &run_suite.test_cases[0];
    assert_eq!(stopped.name.as_str(), "run::stopped");
    let TestCaseStatus::NonSuccess {
        kind: NonSuccessKind::Error,
        description: Some(text),
        ..
    } = &stopped.status
    else {
        panic!("run::stopped is not an error: {:?}", stopped.status);
    };
    for name in ["dut1::cmng::second", "dut2::cmng::third"] {
        assert!(
            text.as_str().contains(name),
            "{name} not listed: {}",
            text.as_str()
        );
    }
    if let Some((valid, messages)) = validates(&report.junit) {
        assert!(valid, "{messages}");
    }
}

/// The `run::…` testcases of `xml`, by name, each an `<error>`.
fn run_errors(xml: &Report) -> Vec<String> {
    xml.test_suites
        .iter()
        .filter(|s| s.name.as_str() == RUN_SUITE)
        .flat_map(|s| &s.test_cases)
        .map(|c| {
            assert!(
                matches!(
                    c.status,
                    TestCaseStatus::NonSuccess {
                        kind: NonSuccessKind::Error,
                        ..
                    }
                ),
                "{:?}",
                c.status
            );
            c.name.to_string()
        })
        .collect()
}

#[test]
fn a_file_of_a_run_under_way_is_red_until_the_run_completes() {
    // The events of a real run, replayed one by one: the file after each is what a run
    // killed at that moment leaves.
    let recorder = hil_testkit::Recorder::default();
    let cases = vec![
        case("first", Arc::new(|_, _| Ok(()))),
        case("second", Arc::new(|_, _| Ok(()))),
    ];
    run(cases, &["dut1"], StopFlag::new(), recorder.boxed());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junit.xml");
    let mut junit = JunitReporter::new(&path, JunitOptions::default());
    let mut results = 0;
    for event in recorder.events() {
        junit.on_event(&event);
        if !path.exists() {
            continue;
        }
        let xml = parse(&path);
        match event {
            hil_runner::RunEvent::RunFinished(_) => {
                assert!(run_errors(&xml).is_empty(), "a completed run is green");
                assert_eq!(xml.errors, 0);
            }
            hil_runner::RunEvent::CaseFinished(_) => {
                results += 1;
                assert_eq!(run_errors(&xml), ["run::unfinished"]);
                assert_eq!(xml.errors, 1, "the only error: the run is not finished");
                let text = std::fs::read_to_string(&path).unwrap();
                assert!(
                    text.contains(&format!(
                        "the run has not finished: {results} of 2 planned trials have a result so far"
                    )),
                    "{text}"
                );
                if let Some((valid, messages)) = validates(&path) {
                    assert!(valid, "{messages}");
                }
            }
            _ => assert_eq!(run_errors(&xml), ["run::unfinished"]),
        }
    }
    assert_eq!(results, 2);
}

#[test]
fn a_stop_after_the_last_case_is_a_completed_run() {
    let dir = tempfile::tempdir().unwrap();
    let report = ReportDir::new(dir.path());
    let stop = StopFlag::new();
    let flag = stop.clone();
    // The stop comes during the last case: nothing is left unrun.
    let cases = vec![
        case("first", Arc::new(|_, _| Ok(()))),
        case(
            "last",
            Arc::new(move |_, _| {
                flag.request();
                Ok(())
            }),
        ),
    ];
    let out = run(
        cases,
        &["dut1"],
        stop,
        report.reporters(ReporterOptions::FILES_ONLY),
    );
    assert!(out.summary.stopped);
    assert_eq!(out.summary.not_run, 0);
    assert_eq!(out.summary.status(), hil_runner::RunStatus::Completed);
    assert_eq!(out.summary.exit_code(), 0);
    let line = verdict(&out.summary);
    assert!(line.starts_with("PASSED: "), "{line}");
    let xml = parse(&report.junit);
    assert!(run_errors(&xml).is_empty());
    assert_eq!(xml.errors, 0);
    for suite in &xml.test_suites {
        assert_eq!(status_of(suite), Some("completed"));
    }
}

#[test]
fn a_completed_run_has_no_run_suite_and_says_completed() {
    let dir = tempfile::tempdir().unwrap();
    let report = ReportDir::new(dir.path());
    let cases = vec![case("only", Arc::new(|_, _| Ok(())))];
    run(
        cases,
        &["dut1"],
        StopFlag::new(),
        report.reporters(ReporterOptions::FILES_ONLY),
    );
    let xml = parse(&report.junit);
    assert_eq!(xml.test_suites.len(), 1);
    assert_eq!(status_of(&xml.test_suites[0]), Some("completed"));
}

#[test]
fn prepare_clears_what_a_killed_run_left_and_writes_a_first_junit() {
    let dir = tempfile::tempdir().unwrap();
    let report = ReportDir::new(dir.path().join("rep"));
    std::fs::create_dir_all(report.tmp.join("deep")).unwrap();
    std::fs::write(report.tmp.join("hil-report-x.tmp"), "half").unwrap();
    std::fs::write(report.dir.join(".hil-report-old.tmp"), "half").unwrap();
    std::fs::create_dir_all(report.transcripts.join("dut")).unwrap();
    std::fs::write(report.transcripts.join("dut/old.txt"), "stale").unwrap();

    report.prepare().unwrap();
    let left: Vec<String> = std::fs::read_dir(&report.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!left.iter().any(|n| n.ends_with(".tmp")), "{left:?}");
    assert!(!report.transcripts.exists(), "an earlier run's transcripts");
    assert_eq!(std::fs::read_dir(&report.tmp).unwrap().count(), 0);

    let first = parse(&report.junit);
    // No trial yet, but one error: a file left like this (the run killed during bring-up)
    // is red on every dashboard.
    assert_eq!(first.tests, 1);
    assert_eq!(first.errors, 1);
    assert_eq!(first.test_suites.len(), 1);
    assert_eq!(first.test_suites[0].name.as_str(), RUN_SUITE);
    assert_eq!(status_of(&first.test_suites[0]), Some("running"));
    let case = &first.test_suites[0].test_cases[0];
    assert_eq!(case.name.as_str(), "run::unfinished");
    if let Some((valid, messages)) = validates(&report.junit) {
        assert!(valid, "{messages}");
    }
    report.tidy();
    assert!(!report.tmp.exists());
}

#[test]
fn prepare_refuses_a_directory_that_cannot_be_made() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, "x").unwrap();
    let err = ReportDir::new(file.join("rep")).prepare().unwrap_err();
    assert!(err.to_string().contains("not-a-dir/rep"), "{err}");
}

#[test]
fn prepare_refuses_a_directory_holding_files_hil_did_not_write_and_deletes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let report = ReportDir::new(dir.path().join("rep"));
    std::fs::create_dir_all(report.transcripts.join("mine")).unwrap();
    std::fs::write(report.transcripts.join("mine/notes.txt"), "mine").unwrap();
    std::fs::write(report.dir.join("thesis.tex"), "mine too").unwrap();

    let err = report.prepare().unwrap_err().to_string();
    assert!(err.contains("`thesis.tex`"), "{err}");
    assert!(err.contains("which hil did not write"), "{err}");
    assert!(report.transcripts.join("mine/notes.txt").is_file());
    assert!(report.dir.join("thesis.tex").is_file());
    assert!(!report.dir.join(MARKER).exists());
    assert!(!report.junit.exists());
}

#[test]
fn a_directory_of_run_files_is_claimed_once_and_then_reused() {
    let dir = tempfile::tempdir().unwrap();
    let report = ReportDir::new(dir.path().join("rep"));
    // What a harness without the marker left.
    std::fs::create_dir_all(report.transcripts.join("dut")).unwrap();
    std::fs::write(&report.junit, "<testsuites/>").unwrap();
    std::fs::write(&report.html, "<html/>").unwrap();
    report.prepare().unwrap();
    assert!(report.dir.join(MARKER).is_file());
    // Reports of the run beside the marker are the run's: the next run may replace them.
    std::fs::create_dir_all(report.dir.join("artifacts/dut")).unwrap();
    report.prepare().unwrap();
    assert!(report.junit.is_file());
}

#[test]
fn prepare_names_a_path_that_is_not_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("afile");
    std::fs::write(&file, "x").unwrap();
    let err = ReportDir::new(&file).prepare().unwrap_err().to_string();
    assert!(err.contains("it is a file, not a directory"), "{err}");
    let looped = dir.path().join("loop");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let err = ReportDir::new(&looped).prepare().unwrap_err().to_string();
    assert!(
        err.contains("symbolic link that leads to no directory"),
        "{err}"
    );
}

#[test]
fn a_report_that_cannot_be_written_is_incomplete_until_a_write_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("blocker");
    std::fs::write(&blocker, "a file where the directory should be").unwrap();
    let mut junit = JunitReporter::new(blocker.join("junit.xml"), JunitOptions::default());
    let cases = vec![case("only", Arc::new(|_, _| Ok(())))];
    let out = run(cases, &["dut1"], StopFlag::new(), Vec::new());
    junit.on_event(&hil_runner::RunEvent::RunFinished(out.summary.clone()));
    let incomplete = junit.incomplete().expect("the write failed");
    assert_eq!(incomplete.report, "JUnit");
    assert_eq!(incomplete.path, blocker.join("junit.xml"));

    std::fs::remove_file(&blocker).unwrap();
    junit.on_event(&hil_runner::RunEvent::RunFinished(out.summary));
    assert!(junit.incomplete().is_none(), "the file is whole again");
}

/// Every file under `dir`, with its size.
fn files(dir: &Path) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((path, entry.metadata().unwrap().len()));
        }
    }
    out
}

#[test]
fn every_report_file_stays_under_2_mb_whatever_the_board_sends() {
    let dir = tempfile::tempdir().unwrap();
    let report = ReportDir::new(dir.path());
    report.prepare().unwrap();
    // 1.8 MB of output from the first case, 180 kB from each of the others, and 250 notes of
    // 5 kB each: far too much for one file at full detail.
    let huge: Arc<str> = "babble 0123456789 ".repeat(100_000).into();
    let large: Arc<str> = "babble 0123456789 ".repeat(10_000).into();
    let cases: Vec<Arc<dyn Case<FakeDut>>> = (0..16)
        .map(|i| {
            let flood = Arc::clone(if i == 0 { &huge } else { &large });
            case(
                &format!("c{i}"),
                Arc::new(move |_, log| {
                    log.transcript(&flood);
                    for _ in 0..250 {
                        log.note(flood[..5000].to_string());
                    }
                    Err(Problem::hang(format!("partial output: {flood}")))
                }),
            )
        })
        .collect();
    let out = run(
        cases,
        &["dut1"],
        StopFlag::new(),
        report.reporters(ReporterOptions::FILES_ONLY),
    );
    assert_eq!(out.summary.total.error, 16);
    assert!(out.summary.incomplete_reports.is_empty());
    let written = files(dir.path());
    assert!(written.len() > 16, "{written:?}");
    for (path, size) in &written {
        assert!(*size < 2_000_000, "{} is {size} bytes", path.display());
    }
    let junit = std::fs::metadata(&report.junit).unwrap().len() as usize;
    assert!(junit <= FILE_CAP, "{junit}");
    let transcript = std::fs::read_to_string(report.transcripts.join("dut1/cmng.c0.txt")).unwrap();
    assert!(transcript.len() > 1_000_000, "the raw output up to the cap");
    assert!(transcript.contains("bytes dropped"), "and what was dropped");
    assert_eq!(
        parse(&report.junit).tests,
        16,
        "every result is still there"
    );
}

#[test]
fn a_merge_with_a_stopped_input_is_stopped_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let (done, stopped) = (dir.path().join("done"), dir.path().join("stopped"));
    run(
        vec![case("only", Arc::new(|_, _| Ok(())))],
        &["dut1"],
        StopFlag::new(),
        ReportDir::new(&done).reporters(ReporterOptions::FILES_ONLY),
    );
    let stop = StopFlag::new();
    let flag = stop.clone();
    let cases = vec![
        case(
            "first",
            Arc::new(move |_, _| {
                flag.request();
                Ok(())
            }),
        ),
        case("second", Arc::new(|_, _| Ok(()))),
    ];
    run(
        cases,
        &["dut2"],
        stop,
        ReportDir::new(&stopped).reporters(ReporterOptions::FILES_ONLY),
    );
    let out = dir.path().join("merged");
    let merged = hil_report::merge(&[done.clone(), stopped.clone()], &out, None).unwrap();
    assert_eq!(merged.summary.status(), hil_runner::RunStatus::Stopped);
    assert_eq!(merged.summary.unfinished_parts.len(), 1);
    assert_eq!(merged.summary.unfinished_parts[0].source, stopped);
    assert_eq!(merged.summary.unfinished_parts[0].missing, 1);
    let xml = parse(&ReportDir::new(&out).junit);
    assert_eq!(run_errors(&xml), ["run::unfinished", "run::stopped"]);
    assert!(
        std::fs::read_to_string(ReportDir::new(&out).junit)
            .unwrap()
            .contains("stopped was stopped: 1 of its 2 planned trials have no result"),
    );

    // Two completed inputs merge into a completed run.
    let again = dir.path().join("again");
    let merged = hil_report::merge(&[done], &again, None).unwrap();
    assert_eq!(merged.summary.status(), hil_runner::RunStatus::Completed);
    assert!(run_errors(&parse(&ReportDir::new(&again).junit)).is_empty());
}

/// A run killed while appending to `events.jsonl` leaves its last line cut short: the merge
/// drops that line and counts the input as unfinished; a bad line elsewhere is still an error.
#[test]
fn a_merge_reads_an_event_log_cut_short_by_a_kill_as_unfinished() {
    let dir = tempfile::tempdir().unwrap();
    let (done, killed) = (dir.path().join("done"), dir.path().join("killed"));
    let cases = || {
        vec![
            case("first", Arc::new(|_, _| Ok(()))),
            case("second", Arc::new(|_, _| Ok(()))),
        ]
    };
    run(
        cases(),
        &["dut1"],
        StopFlag::new(),
        ReportDir::new(&done).reporters(ReporterOptions::FILES_ONLY),
    );
    run(
        cases(),
        &["dut2"],
        StopFlag::new(),
        ReportDir::new(&killed).reporters(ReporterOptions::FILES_ONLY),
    );
    // Keep the run's start, cut into the next line, and drop the rest (with RunFinished).
    let log = ReportDir::new(&killed).events;
    let text = std::fs::read_to_string(&log).unwrap();
    let first_end = text.find('\n').unwrap() + 1;
    let second_end = first_end + text[first_end..].find('\n').unwrap();
    std::fs::write(&log, &text[..(first_end + second_end) / 2]).unwrap();

    let out = dir.path().join("merged");
    let merged = hil_report::merge(&[done.clone(), killed.clone()], &out, None).unwrap();
    assert_ne!(merged.summary.status(), hil_runner::RunStatus::Completed);
    assert_eq!(merged.summary.unfinished_parts.len(), 1);
    assert_eq!(merged.summary.unfinished_parts[0].source, killed);

    // The same cut line followed by a newline is not a kill's doing: an error naming it.
    let mut bad = text[..(first_end + second_end) / 2].to_string();
    bad.push('\n');
    std::fs::write(&log, bad).unwrap();
    let err = hil_report::merge(&[done, killed], &dir.path().join("again"), None)
        .unwrap_err()
        .to_string();
    assert!(err.contains("events.jsonl") && err.contains(":2"), "{err}");
}
