//! The JUnit reporter: one `<testsuite>` per DUT, rewritten atomically after every result so a
//! killed run still leaves valid XML holding every finished result — or, with
//! [`Flush::WhenIdle`] (a run's report directory), when the run's collector is idle, so results
//! that arrive faster than the file is rewritten share one rewrite.
//!
//! Suite properties: `hil.run_status` ([`RUN_STATUS_PROPERTY`]), `dut`, `mfw`, `app_firmware`,
//! `harness_version`, `rack`, `host`, `git_commit`, then the DUT's own properties (IMEI hash,
//! HWVERSION, …), and `dut_lost` when recovery failed. Suite attributes add `hostname`,
//! `timestamp` and a `skipped` count. Unless the run completed, a `run` testsuite says how it
//! ended, or that it has not ([`RUN_SUITE`]: an `<error>` testcase from the first file on, so
//! a file left by a killed run is red). The file stays under [`crate::budget::FILE_CAP`]: with many large
//! results each shows less ([`crate::budget`]).
//!
//! With the run history's earlier runs ([`JunitOptions::past`]), a testcase whose outcome
//! differs from the previous run's gets a `previous_outcome` property (`pass`, `fail`, …, or
//! `none` when the previous run did not have the trial).

mod run_properties;
mod run_suite;
mod testcase;

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use hil_runner::{
    DutInfo, IncompleteReport, OutcomeKind, Reporter, RunEvent, RunInfo, RunStatus, Summary,
    TrialResult, props,
};
use quick_junit::{Property, Report, TestSuite, XmlString};

use crate::atomic::{tmp_dir_for, write_atomically_via};
use crate::budget::{self, DETAIL_LEVELS, Detail};
use crate::flush::Flush;
use crate::marks::{RunMarks, Standing, Tally};
use crate::past::PastRuns;
use crate::text::xml_safe;
use crate::write_log::FailureLog;

pub use run_suite::{RUN_STATUS_PROPERTY, RUN_SUITE};
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
    /// The directory the run started in: attachment paths under it are written relative to
    /// it (absolute when `None`, or for files elsewhere).
    pub attachments_relative_to: Option<PathBuf>,
    /// Earlier runs of the rack from the run history, for `previous_outcome`.
    pub past: Option<Arc<PastRuns>>,
}

impl Default for JunitOptions {
    fn default() -> Self {
        JunitOptions {
            report_name: "hil-conformance".to_string(),
            transcripts_root: None,
            max_transcript: 16 * 1024,
            attachments_relative_to: None,
            past: None,
        }
    }
}

struct SuiteState {
    dut: DutInfo,
    /// The results, with what the file's [`Detail`] level shows of them.
    results: Vec<TrialResult>,
    started: Option<SystemTime>,
    time: Duration,
    skipped: usize,
    lost: Option<String>,
}

impl SuiteState {
    fn new(dut: DutInfo) -> Self {
        SuiteState {
            dut,
            results: Vec::new(),
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
    tmp_dir: PathBuf,
    options: JunitOptions,
    style: CaseStyle,
    run: Option<RunInfo>,
    planned: usize,
    suites: Vec<SuiteState>,
    finished: Option<Summary>,
    /// Index into [`DETAIL_LEVELS`]: how much of each result the file shows (and keeps).
    level: usize,
    /// [`budget::floor`] of the kept results at `level`.
    floor: usize,
    /// The file's text, kept between rewrites (a rack's file is megabytes, rewritten every
    /// few hundred milliseconds: one buffer instead of new ones that fragment the heap).
    buffer: Vec<u8>,
    last_error: Option<io::Error>,
    failures: FailureLog,
    marks: Arc<RunMarks>,
    tally: Tally,
    flush: Flush,
    /// Results or state not in the file yet ([`Flush::WhenIdle`]).
    pending: bool,
}

impl JunitReporter {
    /// A reporter that keeps the JUnit XML at `path` up to date as the run progresses.
    pub fn new(path: impl Into<PathBuf>, options: JunitOptions) -> Self {
        let style = CaseStyle {
            transcripts_root: options
                .transcripts_root
                .as_deref()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())),
            max_transcript: options.max_transcript,
            relative_to: options
                .attachments_relative_to
                .as_deref()
                .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())),
        };
        let path = path.into();
        JunitReporter {
            tmp_dir: tmp_dir_for(&path),
            path,
            options,
            style,
            run: None,
            planned: 0,
            suites: Vec::new(),
            finished: None,
            level: 0,
            floor: 0,
            buffer: Vec::new(),
            last_error: None,
            failures: FailureLog::default(),
            marks: Arc::new(RunMarks::default()),
            tally: Tally::default(),
            flush: Flush::default(),
            pending: false,
        }
    }

    /// When the file is rewritten (default: after every result).
    pub fn with_flush(mut self, flush: Flush) -> Self {
        self.flush = flush;
        self
    }

    /// Temporary files go to `tmp_dir` (default: [`crate::atomic::TMP_DIR`] beside the file).
    pub fn with_tmp_dir(mut self, tmp_dir: impl Into<PathBuf>) -> Self {
        self.tmp_dir = tmp_dir.into();
        self
    }

    /// With quarantine and maintenance marks: testcase properties `quarantined`,
    /// `quarantine_until`, `quarantine_issue`, `quarantine_expired`, `quarantine_shielded`, and
    /// `<testsuites>` properties saying what the run did not count or did not test.
    pub fn with_marks(mut self, marks: Arc<RunMarks>) -> Self {
        self.marks = marks;
        self
    }

    /// Where the JUnit XML is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The error of the last write, if it failed (it is also logged): the file on disk is
    /// then missing or older than the results.
    pub fn last_error(&self) -> Option<&io::Error> {
        self.last_error.as_ref()
    }

    /// How the run stands: running until the summary arrives.
    pub fn status(&self) -> RunStatus {
        self.finished
            .as_ref()
            .map_or(RunStatus::Running, Summary::status)
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
        let detail = self.detail(self.level);
        let kept = budget::slim(result, detail);
        self.floor += budget::floor(&kept, detail);
        self.marks.count(&mut self.tally, result);
        let suite = self.suite(&result.id.dut);
        suite.started.get_or_insert(result.started);
        if result.outcome.kind() == OutcomeKind::NotApplicable {
            suite.skipped += 1;
        }
        suite.time += result.duration;
        suite.results.push(kept);
        if self.floor > budget::FILE_CAP {
            self.keep_at(self.level + 1);
        }
    }

    /// Moves the file, and the results it keeps, to the finest level from `level` on at which
    /// they can fit.
    fn keep_at(&mut self, level: usize) {
        let floor_at = |suites: &[SuiteState], d| {
            let kept = suites.iter().flat_map(|s| &s.results);
            kept.map(|r| budget::floor(r, d)).sum()
        };
        let level = budget::level_for(level, |l| self.detail(l), |d| floor_at(&self.suites, d));
        if level == self.level {
            return;
        }
        let detail = self.detail(level);
        for suite in &mut self.suites {
            for r in &mut suite.results {
                *r = budget::slim(r, detail);
            }
        }
        self.level = level;
        self.floor = floor_at(&self.suites, detail);
    }

    /// The previous run's outcome of `result`'s trial, when it differs from this one's.
    fn previous_outcome(&self, result: &TrialResult) -> Option<&'static str> {
        let past = self.options.past.as_ref()?;
        let name = result.id.to_string();
        let before = past.previous_outcome(&name);
        if before == Some(result.outcome.kind()) {
            return None;
        }
        Some(before.map_or("none", OutcomeKind::as_str))
    }

    /// The report as it stands, at the level of detail the last write used.
    pub fn report(&self) -> Report {
        self.report_at(self.detail(self.level))
    }

    fn detail(&self, level: usize) -> Detail {
        let mut detail = DETAIL_LEVELS[level];
        detail.transcript = detail.transcript.min(self.options.max_transcript);
        detail
    }

    fn report_at(&self, detail: Detail) -> Report {
        let mut report = Report::new(xml_safe(&self.options.report_name));
        if let Some(run) = &self.run {
            report.set_timestamp(timestamp(run.started));
            let elapsed = self.finished.as_ref().map_or_else(
                || {
                    SystemTime::now()
                        .duration_since(run.started)
                        .unwrap_or_default()
                },
                |s| s.duration,
            );
            report.set_time(elapsed);
        }
        for state in &self.suites {
            report.add_test_suite(self.test_suite(state, detail));
        }
        if let Some(suite) = run_suite::run_suite(&run_suite::RunState {
            status: self.status(),
            run: self.run.as_ref(),
            planned: self.planned,
            results: self.suites.iter().map(|s| s.results.len()).sum(),
            finished: self.finished.as_ref(),
        }) {
            report.add_test_suite(suite);
        }
        report
    }

    fn test_suite(&self, state: &SuiteState, detail: Detail) -> TestSuite {
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
        suite.add_properties(suite_properties(self.run.as_ref(), state, self.status()));
        let style = CaseStyle {
            max_transcript: detail.transcript,
            ..self.style.clone()
        };
        let kept = self.detail(self.level);
        suite.add_test_cases(state.results.iter().map(|r| {
            let mut case = if detail == kept {
                test_case(r, &style)
            } else {
                test_case(&budget::slim(r, detail), &style)
            };
            case.add_properties(quarantine_properties(&self.marks, r));
            if let Some(previous) = self.previous_outcome(r) {
                case.add_properties([Property::new("previous_outcome", previous)]);
            }
            case
        }));
        suite
    }

    /// Rewrites the file atomically, showing less of each result when it would pass
    /// [`crate::budget::FILE_CAP`].
    pub fn write(&mut self) -> io::Result<()> {
        let max_transcript = self.options.max_transcript;
        let mut level = self.level;
        let mut failed = None;
        // The run's status on `<testsuites>` too, where a dashboard reading the root finds it.
        let mut run_props = vec![(
            RUN_STATUS_PROPERTY.to_string(),
            self.status().as_str().to_string(),
        )];
        run_props.extend(self.marks.run_properties(&self.tally));
        let mut xml = std::mem::take(&mut self.buffer);
        budget::fit_into(&mut level, &mut xml, |detail, out| {
            let detail = Detail {
                transcript: detail.transcript.min(max_transcript),
                ..detail
            };
            match self.report_at(detail).serialize(&mut *out) {
                Ok(()) => run_properties::insert(out, &run_props),
                Err(e) => {
                    failed = Some(e.to_string());
                    out.clear();
                }
            }
        });
        let written = match failed {
            Some(e) => Err(io::Error::other(e)),
            None => write_atomically_via(&self.tmp_dir, &self.path, &xml),
        };
        self.buffer = xml;
        self.keep_at(level);
        written
    }

    fn write_logged(&mut self) {
        self.pending = false;
        match self.write() {
            Ok(()) => {
                self.failures.succeeded("JUnit", &self.path);
                self.last_error = None;
            }
            Err(e) => {
                self.failures.failed("JUnit", &self.path, &e);
                self.last_error = Some(e);
            }
        }
    }

    /// Rewrites the file now, or when the collector is next idle.
    fn changed(&mut self) {
        if self.flush.now(&mut self.pending) {
            self.write_logged();
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

fn suite_properties(run: Option<&RunInfo>, state: &SuiteState, status: RunStatus) -> Vec<Property> {
    let dut = &state.dut;
    let unknown = || "unknown".to_string();
    let mut out: Vec<(String, String)> = vec![
        (RUN_STATUS_PROPERTY.into(), status.as_str().into()),
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
    fn incomplete(&self) -> Option<IncompleteReport> {
        self.last_error
            .as_ref()
            .map(|e| IncompleteReport::new("JUnit", &self.path, e))
    }

    fn idle(&mut self) {
        if self.pending {
            self.write_logged();
        }
    }

    fn on_event(&mut self, event: &RunEvent) {
        match event {
            RunEvent::RunStarted {
                info,
                duts,
                planned,
            } => {
                self.run = Some(info.clone());
                self.planned = *planned;
                self.suites = duts.iter().cloned().map(SuiteState::new).collect();
                self.write_logged();
            }
            RunEvent::DutStarted { dut, .. } => {
                self.suite(&dut.name).dut = dut.clone();
            }
            RunEvent::CaseStarted { .. } => {}
            RunEvent::CaseFinished(result) => {
                self.add_result(result);
                self.changed();
            }
            RunEvent::DutFinished { dut, lost, .. } => {
                self.suite(&dut.name).lost = lost.clone();
                self.changed();
            }
            RunEvent::RunFinished(summary) => {
                self.finished = Some(summary.clone());
                self.write_logged();
            }
        }
    }
}
