//! JUnit output: structure per DUT, outcome mapping, retries, attachments, invalid characters,
//! atomic rewrite after every event, and validation against `schema/junit.xsd`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use common::{run_fixture, settings, without_dir};
use hil_report::transcripts::transcript_path;
use hil_report::{
    Flush, JunitOptions, JunitReporter, ReportDir, ReporterOptions, TranscriptWriter,
};
use hil_runner::{Reporter, RunEvent};
use hil_testkit::{Recorder, validates_junit_schema as xmllint};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

fn junit_in(dir: &Path) -> JunitReporter {
    JunitReporter::new(
        dir.join("junit.xml"),
        JunitOptions {
            transcripts_root: Some(dir.join("transcripts")),
            ..JunitOptions::default()
        },
    )
}

fn parse(path: &Path) -> Report {
    let xml = std::fs::read_to_string(path).unwrap();
    Report::deserialize_from_str(&xml)
        .unwrap_or_else(|e| panic!("{} does not parse back: {e:?}\n{xml}", path.display()))
}

fn suite<'a>(report: &'a Report, name: &str) -> &'a TestSuite {
    report
        .test_suites
        .iter()
        .find(|s| s.name.as_str() == name)
        .unwrap_or_else(|| panic!("no testsuite {name}"))
}

fn case<'a>(suite: &'a TestSuite, name: &str) -> &'a TestCase {
    suite
        .test_cases
        .iter()
        .find(|c| c.name.as_str() == name)
        .unwrap_or_else(|| panic!("no testcase {name}"))
}

fn out(case: &TestCase) -> &str {
    case.system_out.as_ref().map(|s| s.as_str()).unwrap_or("")
}

fn property<'a>(suite: &'a TestSuite, name: &str) -> Option<&'a str> {
    suite
        .properties
        .iter()
        .find(|p| p.name.as_str() == name)
        .map(|p| p.value.as_str())
}

#[test]
fn one_testsuite_per_dut_with_properties_and_unique_names() {
    let dir = tempfile::tempdir().unwrap();
    let reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(TranscriptWriter::new(dir.path())),
        Box::new(junit_in(dir.path())),
    ];
    run_fixture(dir.path(), reporters);
    let report = parse(&dir.path().join("junit.xml"));

    assert_eq!(report.test_suites.len(), 2);
    assert_eq!(report.tests, 14);
    let dut1 = suite(&report, "dut1");
    assert_eq!(dut1.tests, 7);
    assert_eq!(dut1.failures, 1);
    assert_eq!(dut1.errors, 1);
    assert_eq!(dut1.disabled, 2, "two not-applicable cases are skipped");
    assert_eq!(property(dut1, "dut"), Some("dut1"));
    assert_eq!(property(dut1, "mfw"), Some("mfw_nrf9160_1.3.6"));
    assert_eq!(property(dut1, "app_firmware"), Some("0.1.0+abc123"));
    assert_eq!(property(dut1, "rack"), Some("rack-<1>"));
    assert_eq!(property(dut1, "git_commit"), Some("0123abcd"));
    assert_eq!(property(dut1, "imei_sha256"), Some("sha256-of-dut1"));
    assert_eq!(
        property(dut1, "hw_version"),
        Some("nRF9160 SICA <b>B1A</b>")
    );
    assert!(property(dut1, "harness_version").is_some());
    assert!(property(dut1, "host").is_some());
    assert!(dut1.time.is_some() && dut1.timestamp.is_some());

    let mut names: Vec<&str> = report
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter().map(|c| c.name.as_str()))
        .collect();
    let total = names.len();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        total,
        "testcase names must be unique per report"
    );
    assert!(names.contains(&"dut2::pofwarn::clear"));

    let list = case(dut1, "dut1::cmng::list");
    assert_eq!(
        list.classname.as_ref().unwrap().as_str(),
        "conformance.cmng.mfw_nrf9160_1_3_6"
    );
    assert!(list.time.is_some());
    assert!(
        matches!(list.status, TestCaseStatus::Success { ref flaky_runs } if flaky_runs.is_empty())
    );
    let dut2 = suite(&report, "dut2");
    assert_eq!(
        case(dut2, "dut2::cmng::list")
            .classname
            .as_ref()
            .unwrap()
            .as_str(),
        "conformance.cmng.mfw_nrf91x1_2_0_2"
    );
}

#[test]
fn outcomes_map_to_junit_elements() {
    let dir = tempfile::tempdir().unwrap();
    let reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(TranscriptWriter::new(dir.path())),
        Box::new(junit_in(dir.path())),
    ];
    run_fixture(dir.path(), reporters);
    let report = parse(&dir.path().join("junit.xml"));
    let dut1 = suite(&report, "dut1");
    let dut2 = suite(&report, "dut2");

    // fail: <failure> naming what was seen, with the two retries as rerunFailure.
    let fail = case(dut1, "dut1::cmng::crlf");
    match &fail.status {
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            ty,
            description,
            reruns,
            ..
        } => {
            assert_eq!(ty.as_ref().unwrap().as_str(), "+CME ERROR: 527");
            assert!(
                description
                    .as_ref()
                    .unwrap()
                    .contains("seen: +CME ERROR: 527")
            );
            assert_eq!(reruns.len(), 2);
            assert!(reruns.iter().all(|r| r.kind == NonSuccessKind::Failure));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        out(fail).contains("RERUN: failed 3/3 attempts"),
        "{}",
        out(fail)
    );

    // expected-fail: a pass with the reason in system-out and properties.
    let xfail = case(dut2, "dut2::cmng::crlf");
    assert!(matches!(xfail.status, TestCaseStatus::Success { .. }));
    assert!(
        out(xfail).starts_with("XFAIL: MFW >= 2.0.2 validates certificate content"),
        "{}",
        out(xfail)
    );
    assert!(
        xfail
            .properties
            .iter()
            .any(|p| p.name.as_str() == "xfail_reason")
    );

    // unexpected pass: a failure of its own type.
    let xpass = case(dut2, "dut2::cmng::types");
    match &xpass.status {
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Failure,
            ty,
            message,
            ..
        } => {
            assert_eq!(ty.as_ref().unwrap().as_str(), "unexpected-pass");
            assert!(message.as_ref().unwrap().contains("UNEXPECTED PASS"));
        }
        other => panic!("{other:?}"),
    }

    // not applicable: skipped with the reason (from the data, or from the case).
    for (c, reason) in [
        (
            case(dut1, "dut1::cmng::types"),
            "no types 6/7 on this firmware (test data)",
        ),
        (case(dut2, "dut2::cmng::no_supply"), "no supply on this DUT"),
    ] {
        match &c.status {
            TestCaseStatus::Skipped {
                message,
                description,
                ..
            } => {
                assert_eq!(message.as_ref().unwrap().as_str(), reason);
                assert_eq!(description.as_ref().unwrap().as_str(), reason);
            }
            other => panic!("{other:?}"),
        }
    }

    // infrastructure: <error> with rerunError children.
    let error = case(dut1, "dut1::cmng::broken");
    match &error.status {
        TestCaseStatus::NonSuccess {
            kind: NonSuccessKind::Error,
            reruns,
            message,
            ..
        } => {
            assert_eq!(reruns.len(), 2);
            assert!(reruns.iter().all(|r| r.kind == NonSuccessKind::Error));
            assert!(message.as_ref().unwrap().contains("serial port vanished"));
        }
        other => panic!("{other:?}"),
    }

    // flaky: one passed testcase with a flakyFailure and a plain FLAKY line.
    let flaky = case(dut2, "dut2::cmng::flaky");
    match &flaky.status {
        TestCaseStatus::Success { flaky_runs } => {
            assert_eq!(flaky_runs.len(), 1);
            assert_eq!(flaky_runs[0].kind, NonSuccessKind::Failure);
            assert!(
                flaky_runs[0]
                    .system_out
                    .as_ref()
                    .unwrap()
                    .contains("attempt 1")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        out(flaky).contains("FLAKY: passed on attempt 2/3"),
        "{}",
        out(flaky)
    );

    // characterized: a pass with the observations.
    let clear = case(dut1, "dut1::pofwarn::clear");
    assert!(matches!(clear.status, TestCaseStatus::Success { .. }));
    assert!(out(clear).contains("CHARACTERIZED: what clears the warning"));
    assert!(out(clear).contains("observation: cleared by = CFUN=1 after VDD > 3.3 V"));
}

#[test]
fn the_report_matches_its_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(TranscriptWriter::new(dir.path())),
        Box::new(junit_in(dir.path())),
    ];
    run_fixture(dir.path(), reporters);
    let xml = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    settings().bind(|| insta::assert_snapshot!("junit", without_dir(&xml, dir.path())));
}

fn attachment_lines(text: &str) -> Vec<PathBuf> {
    text.lines()
        .filter_map(|l| {
            l.strip_prefix("[[ATTACHMENT|")
                .and_then(|r| r.strip_suffix("]]"))
        })
        .map(PathBuf::from)
        .collect()
}

#[test]
fn system_out_holds_the_transcript_and_absolute_attachment_lines() {
    let dir = tempfile::tempdir().unwrap();
    let reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(TranscriptWriter::new(dir.path())),
        Box::new(junit_in(dir.path())),
    ];
    run_fixture(dir.path(), reporters);
    let report = parse(&dir.path().join("junit.xml"));
    let dut1 = suite(&report, "dut1");

    let list = case(dut1, "dut1::cmng::list");
    assert!(out(list).contains("%CMNG: 16842753,0,\"ABC\""));
    let files = attachment_lines(out(list));
    assert_eq!(files.len(), 1);
    assert!(files[0].is_absolute());
    assert!(files[0].ends_with("transcripts/dut1/cmng.list.txt"));
    assert!(files[0].exists(), "the transcript attachment is written");

    let clear = case(dut1, "dut1::pofwarn::clear");
    let files = attachment_lines(out(clear));
    assert_eq!(files.len(), 3, "transcript, SVG, CSV: {files:?}");
    assert!(files.iter().all(|f| f.is_absolute() && f.exists()));

    // A case that never ran has no transcript file and no attachment line.
    let skipped = case(dut1, "dut1::cmng::types");
    assert!(attachment_lines(out(skipped)).is_empty());
    let transcript = transcript_path(
        &dir.path().join("transcripts"),
        &hil_runner::TrialId::new("dut1", hil_runner::CaseId::new("cmng", "types")),
    );
    assert!(!transcript.exists());
}

/// The report directory writes attachment paths relative to the directory the run started in
/// when its caller says which (the crate reads no current directory), absolute otherwise.
#[test]
fn report_dir_attachments_are_relative_to_where_the_run_started() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("rep");
    let paths = ReportDir::new(&report).started_in(Some(dir.path()));
    paths.prepare().unwrap();
    run_fixture(&report, paths.reporters(ReporterOptions::FILES_ONLY));
    let dut1 = parse(&paths.junit);
    let files = attachment_lines(out(case(suite(&dut1, "dut1"), "dut1::cmng::list")));
    assert_eq!(
        files,
        vec![PathBuf::from("rep/transcripts/dut1/cmng.list.txt")]
    );

    let elsewhere = tempfile::tempdir().unwrap();
    let report = elsewhere.path().join("rep");
    let paths = ReportDir::new(&report);
    assert_eq!(paths.started_in, None);
    paths.prepare().unwrap();
    run_fixture(&report, paths.reporters(ReporterOptions::FILES_ONLY));
    let dut1 = parse(&paths.junit);
    let files = attachment_lines(out(case(suite(&dut1, "dut1"), "dut1::cmng::list")));
    assert_eq!(files.len(), 1);
    assert!(files[0].is_absolute() && files[0].exists(), "{files:?}");
}

#[test]
fn invalid_xml_characters_and_escapes_are_stripped() {
    let dir = tempfile::tempdir().unwrap();
    run_fixture(dir.path(), vec![Box::new(junit_in(dir.path()))]);
    let raw = std::fs::read_to_string(dir.path().join("junit.xml")).unwrap();
    for bad in ['\u{0}', '\u{8}', '\u{1b}', '\u{fffe}'] {
        assert!(!raw.contains(bad), "{bad:?} left in the XML");
    }
    assert!(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;]]&gt;"));
    let report = parse(&dir.path().join("junit.xml"));
    let list = case(suite(&report, "dut2"), "dut2::cmng::list");
    assert!(out(list).contains("red </pre><script>alert(1)</script>]]><!-- & \"q\" 'a'"));
}

/// The testcases of results: those of every DUT's suite (the `run` suite, which says the run
/// has not finished or how it ended, holds none).
fn result_cases(report: &Report) -> usize {
    report
        .test_suites
        .iter()
        .filter(|s| s.name.as_str() != hil_report::junit::RUN_SUITE)
        .map(|s| s.test_cases.len())
        .sum()
}

/// Parses the file after every event and checks it holds every result reported so far.
struct CheckAfterEachEvent {
    inner: JunitReporter,
    path: PathBuf,
    finished: usize,
    checks: Arc<Mutex<Vec<Result<usize, String>>>>,
}

impl Reporter for CheckAfterEachEvent {
    fn on_event(&mut self, event: &RunEvent) {
        self.inner.on_event(event);
        if matches!(event, RunEvent::CaseFinished(_)) {
            self.finished += 1;
        }
        if matches!(
            event,
            RunEvent::CaseStarted { .. } | RunEvent::DutStarted { .. }
        ) {
            return; // not written on these
        }
        let check = std::fs::read_to_string(&self.path)
            .map_err(|e| e.to_string())
            .and_then(|xml| Report::deserialize_from_str(&xml).map_err(|e| format!("{e:?}")))
            .and_then(|report| {
                let cases = result_cases(&report);
                if cases == self.finished {
                    Ok(cases)
                } else {
                    Err(format!("{cases} testcases after {} results", self.finished))
                }
            });
        self.checks.lock().unwrap().push(check);
    }
}

#[test]
fn the_file_is_valid_after_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let checks = Arc::new(Mutex::new(Vec::new()));
    let checker = CheckAfterEachEvent {
        inner: junit_in(dir.path()),
        path: dir.path().join("junit.xml"),
        finished: 0,
        checks: Arc::clone(&checks),
    };
    run_fixture(dir.path(), vec![Box::new(checker)]);
    let checks = checks.lock().unwrap();
    // RunStarted + 14 results + 2 DutFinished + RunFinished
    assert_eq!(checks.len(), 18);
    for (i, check) in checks.iter().enumerate() {
        assert!(check.is_ok(), "after event {i}: {check:?}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A JUnit reporter that rewrites when the collector is idle ([`Flush::WhenIdle`]): after each
/// idle call, the file parses and holds every result reported so far.
struct CheckWhenUpToDate {
    inner: JunitReporter,
    path: PathBuf,
    finished: usize,
    checks: Arc<Mutex<Vec<Result<usize, String>>>>,
}

impl CheckWhenUpToDate {
    fn check(&self) {
        let check = std::fs::read_to_string(&self.path)
            .map_err(|e| e.to_string())
            .and_then(|xml| Report::deserialize_from_str(&xml).map_err(|e| format!("{e:?}")))
            .and_then(|report| {
                let cases = result_cases(&report);
                if cases == self.finished {
                    Ok(cases)
                } else {
                    Err(format!("{cases} testcases after {} results", self.finished))
                }
            });
        self.checks.lock().unwrap().push(check);
    }
}

impl Reporter for CheckWhenUpToDate {
    fn on_event(&mut self, event: &RunEvent) {
        self.inner.on_event(event);
        match event {
            RunEvent::CaseFinished(_) => self.finished += 1,
            // Never deferred: the first and the last write.
            RunEvent::RunStarted { .. } | RunEvent::RunFinished(_) => self.check(),
            _ => {}
        }
    }

    fn idle(&mut self) {
        self.inner.idle();
        self.check();
    }
}

#[test]
fn rewritten_when_idle_the_file_holds_every_result_after_each_idle_call() {
    let dir = tempfile::tempdir().unwrap();
    let checks = Arc::new(Mutex::new(Vec::new()));
    let checker = CheckWhenUpToDate {
        inner: junit_in(dir.path()).with_flush(Flush::WhenIdle),
        path: dir.path().join("junit.xml"),
        finished: 0,
        checks: Arc::clone(&checks),
    };
    let out = run_fixture(dir.path(), vec![Box::new(checker)]);
    let checks = checks.lock().unwrap();
    assert!(checks.len() >= 3, "{checks:?}");
    for (i, check) in checks.iter().enumerate() {
        assert!(check.is_ok(), "check {i}: {check:?}");
    }
    assert_eq!(checks.last().unwrap(), &Ok(out.results.len()));
    let report = parse(&dir.path().join("junit.xml"));
    let per_event = {
        let other = tempfile::tempdir().unwrap();
        run_fixture(other.path(), vec![Box::new(junit_in(other.path()))]);
        parse(&other.path().join("junit.xml"))
    };
    let names = |r: &Report| -> Vec<String> {
        r.test_suites
            .iter()
            .flat_map(|s| s.test_cases.iter().map(|c| c.name.to_string()))
            .collect()
    };
    assert_eq!(
        names(&report),
        names(&per_event),
        "the same file in the end"
    );
}

#[test]
fn the_report_validates_against_the_junit_schema() {
    let dir = tempfile::tempdir().unwrap();
    let recorder = Recorder::default();
    let paths = ReportDir::new(dir.path());
    let mut reporters = paths.reporters(ReporterOptions::FILES_ONLY);
    reporters.push(Box::new(recorder.clone()));
    run_fixture(dir.path(), reporters);
    assert!(
        recorder
            .events()
            .iter()
            .any(|e| matches!(e, RunEvent::RunFinished(_)))
    );
    let Some((valid, messages)) = xmllint(&paths.junit) else {
        return;
    };
    assert!(valid, "junit.xml does not validate:\n{messages}");
}

#[test]
fn the_schema_refuses_malformed_reports() {
    let dir = tempfile::tempdir().unwrap();
    let bad = [
        // status after system-out
        r#"<testsuites><testsuite name="d" tests="1"><testcase name="a"><system-out>x</system-out><failure/></testcase></testsuite></testsuites>"#,
        // testcase without a name
        r#"<testsuites><testsuite name="d" tests="1"><testcase classname="c"/></testsuite></testsuites>"#,
        // failure and skipped together
        r#"<testsuites><testsuite name="d" tests="1"><testcase name="a"><failure/><skipped/></testcase></testsuite></testsuites>"#,
        // negative time
        r#"<testsuites><testsuite name="d" tests="1"><testcase name="a" time="-1"/></testsuite></testsuites>"#,
        // flaky and rerun mixed
        r#"<testsuites><testsuite name="d" tests="1"><testcase name="a"><flakyFailure/><rerunFailure/></testcase></testsuite></testsuites>"#,
    ];
    for (i, xml) in bad.iter().enumerate() {
        let file = dir.path().join(format!("bad{i}.xml"));
        std::fs::write(&file, xml).unwrap();
        let Some((valid, _)) = xmllint(&file) else {
            return;
        };
        assert!(!valid, "schema accepted bad report {i}: {xml}");
    }
    let good = r#"<testsuites><testsuite name="d" tests="1"><testcase name="a" time="0.5"><flakyFailure message="m" time="0.1">text<system-out>o</system-out></flakyFailure><system-out>FLAKY</system-out></testcase></testsuite></testsuites>"#;
    let file = dir.path().join("good.xml");
    std::fs::write(&file, good).unwrap();
    if let Some((valid, messages)) = xmllint(&file) {
        assert!(valid, "{messages}");
    }
}
