//! Run events and the collector thread that feeds them to reporters.
//!
//! DUT threads send [`RunEvent`]s into a channel ([`EventSink`]); one collector thread
//! ([`Collector`]) hands each event to every [`Reporter`] in order, so reporters need no
//! locking.

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, SystemTime};

use hil_model::MfwVersion;
use serde::{Deserialize, Serialize};

use crate::outcome::{OutcomeKind, TrialId, TrialResult};
use crate::session::DutSession;

pub use crate::collector::Collector;

/// Facts about the run as a whole, recorded in every report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// Rack id from the rack file (`sim` for the simulated rack).
    pub rack: String,
    /// The rack host this run executes on.
    pub host: String,
    /// Version of the harness (`hil-runner` crate version unless set).
    pub harness_version: String,
    /// Git commit of the harness/suites, when known.
    pub git_commit: Option<String>,
    /// When the run started.
    pub started: SystemTime,
}

impl RunInfo {
    /// Run info for `rack` on this host (the kernel's host name), now, with no git commit.
    /// The app layer sets the commit and host it read from the environment.
    pub fn new(rack: impl Into<String>) -> Self {
        RunInfo {
            rack: rack.into(),
            host: local_host_name(),
            harness_version: env!("CARGO_PKG_VERSION").to_string(),
            git_commit: None,
            started: SystemTime::now(),
        }
    }

    /// With the name of the host the run executes on.
    pub fn with_host(mut self, host: impl Into<String>) -> Self {
        self.host = host.into();
        self
    }

    /// With the git commit of the harness/suites.
    pub fn with_git_commit(mut self, commit: impl Into<String>) -> Self {
        self.git_commit = Some(commit.into());
        self
    }

    /// Sets the harness version reported.
    pub fn with_harness_version(mut self, version: impl Into<String>) -> Self {
        self.harness_version = version.into();
        self
    }
}

/// The host name, from the kernel; `localhost` when unknown.
fn local_host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "localhost".to_string())
}

/// A DUT as reports see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutInfo {
    /// The DUT's name.
    pub name: String,
    /// The modem firmware it reports, if known.
    pub firmware: Option<MfwVersion>,
    /// Properties recorded for it (e.g. identity).
    pub properties: Vec<(String, String)>,
}

impl DutInfo {
    /// The info of a DUT session.
    pub fn of(session: &impl DutSession) -> Self {
        DutInfo {
            name: session.name().to_string(),
            firmware: session.firmware().cloned(),
            properties: session.properties(),
        }
    }

    /// The value of a property, if recorded.
    pub fn property(&self, key: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Result counts (per DUT or total).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Results that passed.
    pub pass: usize,
    /// Results that failed.
    pub fail: usize,
    /// Results that deviated as expected.
    pub expected_fail: usize,
    /// Results that passed where a deviation was expected.
    pub unexpected_pass: usize,
    /// Results that did not apply.
    pub not_applicable: usize,
    /// Characterization results.
    pub characterized: usize,
    /// Results that hit an infrastructure error.
    pub error: usize,
    /// Results that needed more than one attempt and did not end unexpected (also counted
    /// under their final outcome).
    pub flaky: usize,
}

impl Counts {
    /// Counts one result.
    pub fn add(&mut self, result: &TrialResult) {
        *self.slot(result.outcome.kind()) += 1;
        if result.is_flaky() {
            self.flaky += 1;
        }
    }

    /// The count of one outcome.
    pub fn get(&self, kind: OutcomeKind) -> usize {
        match kind {
            OutcomeKind::Pass => self.pass,
            OutcomeKind::Fail => self.fail,
            OutcomeKind::ExpectedFail => self.expected_fail,
            OutcomeKind::UnexpectedPass => self.unexpected_pass,
            OutcomeKind::NotApplicable => self.not_applicable,
            OutcomeKind::Characterized => self.characterized,
            OutcomeKind::Error => self.error,
        }
    }

    fn slot(&mut self, kind: OutcomeKind) -> &mut usize {
        match kind {
            OutcomeKind::Pass => &mut self.pass,
            OutcomeKind::Fail => &mut self.fail,
            OutcomeKind::ExpectedFail => &mut self.expected_fail,
            OutcomeKind::UnexpectedPass => &mut self.unexpected_pass,
            OutcomeKind::NotApplicable => &mut self.not_applicable,
            OutcomeKind::Characterized => &mut self.characterized,
            OutcomeKind::Error => &mut self.error,
        }
    }

    /// Adds another set of counts to these.
    pub fn merge(&mut self, other: &Counts) {
        for kind in OutcomeKind::ALL {
            *self.slot(kind) += other.get(kind);
        }
        self.flaky += other.flaky;
    }

    /// Results counted (flaky ones once).
    pub fn total(&self) -> usize {
        OutcomeKind::ALL.iter().map(|k| self.get(*k)).sum()
    }

    /// Fail + unexpected pass + error.
    pub fn unexpected(&self) -> usize {
        self.fail + self.unexpected_pass + self.error
    }
}

/// The end-of-run summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Each DUT with its counts.
    pub per_dut: Vec<(DutInfo, Counts)>,
    /// The counts over all DUTs.
    pub total: Counts,
    /// How long the run took.
    pub duration: Duration,
    /// A stop was requested (SIGINT/SIGTERM) during the run. It makes the run
    /// [`RunStatus::Stopped`] only when it left planned trials unrun ([`Summary::not_run`]).
    pub stopped: bool,
    /// Planned trials that did not run because of the stop.
    pub not_run: usize,
    /// Their names, DUT by DUT in plan order.
    pub not_run_trials: Vec<TrialId>,
    /// Reports that could not be written completely (filled in by the collector from the
    /// reporters, so a reporter later in line sees the failures of those before it).
    pub incomplete_reports: Vec<IncompleteReport>,
    /// Of a merged run (`hil report merge`): the merged runs that did not complete, each with
    /// how it ended and how many of its planned trials have no result. Empty for one run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unfinished_parts: Vec<UnfinishedPart>,
}

impl Summary {
    /// No unexpected result, nothing left unrun and every report written.
    pub fn is_success(&self) -> bool {
        self.total.unexpected() == 0 && self.status() == RunStatus::Completed
    }

    /// 0 on success, 1 otherwise (the process exit status).
    pub fn exit_code(&self) -> i32 {
        if self.is_success() { 0 } else { 1 }
    }

    /// How the run ended: a report that could not be written outranks a merged run that did
    /// not finish, which outranks a stop. A stop that left no planned trial unrun (it came
    /// after the last case) changed nothing: the run completed.
    pub fn status(&self) -> RunStatus {
        if !self.incomplete_reports.is_empty() {
            RunStatus::InfrastructureError
        } else if self
            .unfinished_parts
            .iter()
            .any(|p| p.status != RunStatus::Stopped)
        {
            RunStatus::Unfinished
        } else if self.not_run > 0 {
            RunStatus::Stopped
        } else {
            RunStatus::Completed
        }
    }
}

/// One of the runs merged into a report (an input of `hil report merge`) that did not
/// complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnfinishedPart {
    /// Its report directory, as the merge was given it.
    pub source: PathBuf,
    /// How it ended: [`RunStatus::Running`] when its event log has no end (the run was killed
    /// or aborted), else its summary's status.
    pub status: RunStatus,
    /// The trials it planned.
    pub planned: usize,
    /// How many of them have no result.
    pub missing: usize,
}

impl std::fmt::Display for UnfinishedPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let how = match self.status {
            RunStatus::Running | RunStatus::Unfinished => {
                "did not finish (killed or aborted: its event log has no end)"
            }
            RunStatus::Stopped => "was stopped",
            RunStatus::InfrastructureError => "could not write its reports completely",
            RunStatus::Completed => "completed",
        };
        write!(
            f,
            "{} {how}: {} of its {} planned trials have no result",
            self.source.display(),
            self.missing,
            self.planned
        )
    }
}

/// How a run ended (or that it has not), as every report states it (JUnit `hil.run_status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunStatus {
    /// Started and not finished: a file still saying so after the run was left by a run that
    /// was killed or aborted.
    Running,
    /// Every planned trial ran and every report was written.
    Completed,
    /// Stopped (SIGINT/SIGTERM) before every planned trial ran.
    Stopped,
    /// A report could not be written completely: the run's results are not all on record.
    InfrastructureError,
    /// A merged run ([`Summary::unfinished_parts`]) of which a part did not finish or could
    /// not write its reports: results of its planned trials are missing or not all on record.
    Unfinished,
}

impl RunStatus {
    /// `running`, `completed`, `stopped`, `infrastructure-error`, `unfinished`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::Stopped => "stopped",
            RunStatus::InfrastructureError => "infrastructure-error",
            RunStatus::Unfinished => "unfinished",
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A report that could not be written completely.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncompleteReport {
    /// Which report: `JUnit`, `HTML`, `transcripts`, `event log`.
    pub report: String,
    /// The file (or directory) that is missing or incomplete.
    pub path: PathBuf,
    /// Why: the first write error.
    pub error: String,
}

impl IncompleteReport {
    /// A report `report` at `path` made incomplete by `error`.
    pub fn new(report: impl Into<String>, path: impl Into<PathBuf>, error: impl ToString) -> Self {
        IncompleteReport {
            report: report.into(),
            path: path.into(),
            error: error.to_string(),
        }
    }
}

impl std::fmt::Display for IncompleteReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.report, self.path.display(), self.error)
    }
}

/// What reporters receive, in order per DUT.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum RunEvent {
    /// The run started.
    RunStarted {
        /// The run's metadata.
        info: RunInfo,
        /// The DUTs in the run.
        duts: Vec<DutInfo>,
        /// Trials planned over all DUTs.
        planned: usize,
    },
    /// Trials started on a DUT.
    DutStarted {
        /// The DUT.
        dut: DutInfo,
        /// Trials planned on it.
        planned: usize,
    },
    /// A trial started.
    CaseStarted {
        /// The trial.
        id: TrialId,
        /// The case's description.
        description: String,
    },
    /// A trial finished.
    CaseFinished(Box<TrialResult>),
    /// A DUT's trials finished.
    DutFinished {
        /// The DUT.
        dut: DutInfo,
        /// Its result counts.
        counts: Counts,
        /// How long its trials took.
        duration: Duration,
        /// Why the DUT was lost (recovery failed), if it was.
        lost: Option<String>,
    },
    /// The run finished.
    RunFinished(Summary),
}

/// Something that turns events into output. Runs on the collector thread only.
pub trait Reporter: Send {
    /// Handles one event.
    fn on_event(&mut self, event: &RunEvent);

    /// What this reporter could not write, if anything: its report is then incomplete and the
    /// run is an infrastructure error ([`RunStatus::InfrastructureError`]). Reporters that
    /// write nothing to disk keep the default.
    fn incomplete(&self) -> Option<IncompleteReport> {
        None
    }

    /// Called when every event sent so far has been handed to the reporters — as soon as the
    /// collector is idle, but at most about a tenth of its time ([`crate::collector`]). A
    /// reporter that defers its output while events keep coming (a file rewritten once for
    /// every result that arrived meanwhile; lines printed after the files that hold their
    /// results) puts it out now. Reporters that write on every event keep the default.
    fn idle(&mut self) {}
}

/// What `reporters` could not write.
pub fn incomplete_reports<'a>(
    reporters: impl IntoIterator<Item = &'a Box<dyn Reporter>>,
) -> Vec<IncompleteReport> {
    reporters
        .into_iter()
        .filter_map(|r| r.incomplete())
        .collect()
}

/// The sending side of the event channel; cheap to clone, one per DUT thread.
#[derive(Debug, Clone)]
pub struct EventSink(Option<mpsc::Sender<RunEvent>>);

impl EventSink {
    /// A sink that drops every event (for executing trials without reporters).
    pub fn null() -> Self {
        EventSink(None)
    }

    /// A sink sending into `tx` (the collector's channel).
    pub(crate) fn into_channel(tx: mpsc::Sender<RunEvent>) -> Self {
        EventSink(Some(tx))
    }

    /// Passes an event to the reporters.
    pub fn send(&self, event: RunEvent) {
        if let Some(tx) = &self.0 {
            // The collector only goes away at the very end; a lost event then is harmless.
            let _ = tx.send(event);
        }
    }
}
