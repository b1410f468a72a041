//! The JUnit reporter: one `<testsuite>` per DUT, rewritten atomically after every result so a
//! killed run still leaves valid XML holding every finished result.
//!
//! Suite properties: `dut`, `mfw`, `app_firmware`, `harness_version`, `rack`, `host`,
//! `git_commit`, then the DUT's own properties (IMEI hash, HWVERSION, …), and `dut_lost` when
//! recovery failed. Suite attributes add `hostname`, `timestamp` and a `skipped` count.

mod run_properties;
mod testcase;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hil_runner::{DutInfo, OutcomeKind, Reporter, RunEvent, RunInfo, TrialResult, props};
use quick_junit::{Property, Report, TestCase, TestSuite, XmlString};

use crate::atomic::write_atomically;
use crate::marks::{RunMarks, Standing, Tally};
use crate::text::xml_safe;

use testcase::{CaseStyle, test_case, timestamp};
pub use testcase::{classname, mfw_token};

/// JUnit settings.
#[derive(Debug, Clone)]
pub struct JunitOptions {
    /// `testsuites@name`.
    pub report_name: String,
    /// Root of the per-trial transcript files, when a [`crate::TranscriptWriter`] writes them;
    /// each testcase then gets an `[[ATTACHMENT|…]]` line for its file.
    pub transcripts_root: Option<PathBuf>,
    /// Transcript bytes kept inline per testcase (the file has all of it).
    pub max_transcript: usize,
}

impl Default for JunitOptions {
    fn default() -> Self {
        JunitOptions {
            report_name: "hil-conformance".to_string(),
            transcripts_root: None,
            max_transcript: 16 * 1024,
        }
    }
}

struct SuiteState {
    dut: DutInfo,
    cases: Vec<TestCase>,
    started: Option<SystemTime>,
    time: Duration,
    skipped: usize,
    lost: Option<String>,
}

impl SuiteState {
    fn new(dut: DutInfo) -> Self {
        SuiteState {
            dut,
            cases: Vec::new(),
            started: None,
            time: Duration::ZERO,
            skipped: 0,
            lost: None,
        }
    }
}

/// Writes `junit.xml` (or any path) as results arrive.
pub struct JunitReporter {
    path: PathBuf,
    options: JunitOptions,
    style: CaseStyle,
    run: Option<RunInfo>,
    suites: Vec<SuiteState>,
    finished: Option<Duration>,
    last_error: Option<io::Error>,
    marks: Arc<RunMarks>,
    tally: Tally,
}

impl JunitReporter {
    pub fn new(path: impl Into<PathBuf>, options: JunitOptions) -> Self {
        let style = CaseStyle {
            transcripts_root: options
                .transcripts_root
                .as_deref()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())),
            max_transcript: options.max_transcript,
        };
        JunitReporter {
            path: path.into(),
            options,
            style,
            run: None,
            suites: Vec::new(),
            finished: None,
            last_error: None,
            marks: Arc::new(RunMarks::default()),
            tally: Tally::default(),
        }
    }

    /// With quarantine and maintenance marks: testcase properties `quarantined`,
    /// `quarantine_until`, `quarantine_issue`, `quarantine_expired`, `quarantine_shielded`, and
    /// `<testsuites>` properties saying what the run did not count or did not test.
    pub fn with_marks(mut self, marks: Arc<RunMarks>) -> Self {
        self.marks = marks;
        self
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The last write error, if writing failed (it is also logged).
    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    fn suite(&mut self, dut: &str) -> &mut SuiteState {
        if let Some(i) = self.suites.iter().position(|s| s.dut.name == dut) {
            return &mut self.suites[i];
        }
        self.suites.push(SuiteState::new(DutInfo {
            name: dut.to_string(),
            firmware: None,
            properties: Vec::new(),
        }));
        self.suites.last_mut().expect("just pushed")
    }

    fn add_result(&mut self, result: &TrialResult) {
        let mut case = test_case(result, &self.style);
        self.marks.count(&mut self.tally, result);
        case.add_properties(quarantine_properties(&self.marks, result));
        let suite = self.suite(&result.id.dut);
        suite.started.get_or_insert(result.started);
        if result.outcome.kind() == OutcomeKind::NotApplicable {
            suite.skipped += 1;
        }
        suite.time += result.duration;
        suite.cases.push(case);
    }

    /// The report as it stands.
    pub fn report(&self) -> Report {
        let mut report = Report::new(xml_safe(&self.options.report_name));
        if let Some(run) = &self.run {
            report.set_timestamp(timestamp(run.started));
            let elapsed = self.finished.unwrap_or_else(|| {
                SystemTime::now()
                    .duration_since(run.started)
                    .unwrap_or_default()
            });
            report.set_time(elapsed);
        }
        for state in &self.suites {
            report.add_test_suite(self.test_suite(state));
        }
        report
    }

    fn test_suite(&self, state: &SuiteState) -> TestSuite {
        let mut suite = TestSuite::new(xml_safe(&state.dut.name));
        suite.set_time(state.time);
        if let Some(started) = state.started.or(self.run.as_ref().map(|r| r.started)) {
            suite.set_timestamp(timestamp(started));
        }
        if let Some(run) = &self.run {
            suite.extra.insert(
                XmlString::new("hostname"),
                XmlString::new(xml_safe(&run.host)),
            );
        }
        suite.extra.insert(
            XmlString::new("skipped"),
            XmlString::new(state.skipped.to_string()),
        );
        suite.add_properties(suite_properties(self.run.as_ref(), state));
        suite.add_test_cases(state.cases.iter().cloned());
        suite
    }

    /// Rewrites the file atomically.
    pub fn write(&mut self) -> io::Result<()> {
        let xml = self
            .report()
            .to_string()
            .map_err(|e| io::Error::other(e.to_string()))?;
        let xml = run_properties::insert(&xml, &self.marks.run_properties(&self.tally));
        write_atomically(&self.path, xml.as_bytes())
    }

    fn write_logged(&mut self) {
        if let Err(e) = self.write() {
            tracing::error!(path = %self.path.display(), "cannot write JUnit: {e}");
            self.last_error = Some(e);
        }
    }
}

/// The testcase properties of a quarantined trial (none for the others).
fn quarantine_properties(marks: &RunMarks, result: &TrialResult) -> Vec<Property> {
    let mark = match marks.standing(result) {
        Standing::Plain => return Vec::new(),
        Standing::Shielded(mark) | Standing::Expired(mark) => mark,
    };
    let mut out = vec![
        Property::new("quarantined", xml_safe(&mark.reason)),
        Property::new("quarantine_until", xml_safe(&mark.until)),
    ];
    if let Some(issue) = &mark.issue {
        out.push(Property::new("quarantine_issue", xml_safe(issue)));
    }
    if mark.expired {
        out.push(Property::new("quarantine_expired", "true"));
    }
    if marks.shields(result) {
        out.push(Property::new("quarantine_shielded", "true"));
    }
    out
}

fn suite_properties(run: Option<&RunInfo>, state: &SuiteState) -> Vec<Property> {
    let dut = &state.dut;
    let unknown = || "unknown".to_string();
    let mut out: Vec<(String, String)> = vec![
        ("dut".into(), dut.name.clone()),
        (
            "mfw".into(),
            dut.firmware
                .as_ref()
                .map(|m| m.to_string())
                .unwrap_or_else(unknown),
        ),
        (
            props::APP_FIRMWARE.into(),
            dut.property(props::APP_FIRMWARE)
                .map(str::to_string)
                .unwrap_or_else(unknown),
        ),
    ];
    if let Some(run) = run {
        out.push(("harness_version".into(), run.harness_version.clone()));
        out.push(("rack".into(), run.rack.clone()));
        out.push(("host".into(), run.host.clone()));
        out.push((
            "git_commit".into(),
            run.git_commit.clone().unwrap_or_else(unknown),
        ));
    }
    for (k, v) in &dut.properties {
        if !out.iter().any(|(existing, _)| existing == k) {
            out.push((k.clone(), v.clone()));
        }
    }
    if let Some(why) = &state.lost {
        out.push(("dut_lost".into(), why.clone()));
    }
    out.into_iter()
        .map(|(k, v)| Property::new(xml_safe(&k), xml_safe(&v)))
        .collect()
}

impl Reporter for JunitReporter {
    fn on_event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::RunStarted { info, duts, .. } => {
                self.run = Some(info.clone());
                self.suites = duts.iter().cloned().map(SuiteState::new).collect();
                self.write_logged();
            }
            RunEvent::DutStarted { dut, .. } => {
                self.suite(&dut.name).dut = dut.clone();
            }
            RunEvent::CaseStarted { .. } => {}
            RunEvent::CaseFinished(result) => {
                self.add_result(result);
                self.write_logged();
            }
            RunEvent::DutFinished { dut, lost, .. } => {
                self.suite(&dut.name).lost = lost.clone();
                self.write_logged();
            }
            RunEvent::RunFinished(summary) => {
                self.finished = Some(summary.duration);
                self.write_logged();
            }
        }
    }
}
