//! The run of every suite: building it, its reporters, executing it on a lab and what it
//! concluded — one place for `hil run` and `cargo test --test hil`.

use std::sync::Arc;

use hil_lab::{Board, Lab};
use hil_report::{ReportDir, RunMarks};
use hil_runner::{
    DutInfo, Filter, IgnoredMode, IncompleteReport, Reporter, Retained, Run, RunInfo, RunStatus,
    Selection, Summary, TrialResult,
};

use crate::error::AppError;
use crate::history::{FinishedRun, HistoryNote, RunHistory};
use crate::lab::{BoardFault, board_faults};
use crate::nightly::BoardOutcome;
use crate::settings::Settings;

/// The run of every suite on `lab`: the suites' cases and expectations, the settings' retries
/// and filter, and the commit and host the run comes from.
pub fn build_run(lab: &Lab, settings: &Settings) -> Result<Run<Board>, AppError> {
    build_run_named(&lab.name, settings)
}

/// [`build_run`] for the rack called `rack`.
pub(crate) fn build_run_named(rack: &str, settings: &Settings) -> Result<Run<Board>, AppError> {
    let info = settings.provenance.stamp(RunInfo::new(rack.to_string()));
    let expectations = hil_suites::expectations().map_err(|e| AppError::Prepare(e.into()))?;
    let run = Run::new(info, hil_suites::cases(), expectations).map_err(AppError::Prepare)?;
    // The reporters write every transcript as its trial ends; what the run hands back is for
    // verdicts (history, health, exit status), so a rack of dozens of boards does not hold
    // every transcript to the end.
    Ok(run
        .with_retries(settings.retries)
        .with_filter(settings.filter.clone())
        .with_retained(Retained::WithoutTranscripts))
}

/// The report directory of `settings`, ready for the run (call it before bring-up): created,
/// cleared of what an earlier run left, checked writable, with a first `junit.xml` saying the
/// run is running ([`ReportDir::prepare`]).
pub fn create_report_dir(settings: &Settings) -> Result<ReportDir, AppError> {
    let report = ReportDir::new(&settings.report_dir);
    report.prepare().map_err(|source| AppError::ReportDir {
        path: report.dir.clone(),
        source,
    })?;
    Ok(report)
}

/// Removes what [`create_report_dir`] wrote, for a run that did not start after all.
pub fn discard_reports(settings: &Settings) {
    let report = ReportDir::new(&settings.report_dir);
    let _ = std::fs::remove_file(&report.junit);
    report.tidy();
}

/// The trials `run` would execute on the boards of `lab` (ignored and filtered-out ones not
/// counted).
pub fn planned_trials(lab: &Lab, run: &Run<Board>) -> usize {
    lab.boards
        .iter()
        .flat_map(|board| run.plan_for(board.name()))
        .filter(|(_, selection)| *selection == Selection::Run)
        .count()
}

/// Refuses a selection that matches no trial: a run of nothing is not a pass.
pub fn check_selection(lab: &Lab, run: &Run<Board>, filter: &Filter) -> Result<(), AppError> {
    if planned_trials(lab, run) > 0 {
        return Ok(());
    }
    Err(AppError::NothingSelected {
        filter: describe_filter(filter),
    })
}

/// The filter as the command line gave it, for an error message.
pub(crate) fn describe_filter(filter: &Filter) -> String {
    let mut parts: Vec<String> = filter.patterns.iter().map(|p| format!("`{p}`")).collect();
    if parts.is_empty() {
        parts.push("(no pattern)".to_string());
    }
    let mut text = parts.join(", ");
    if !filter.skip.is_empty() {
        let skips: Vec<String> = filter.skip.iter().map(|p| format!("`{p}`")).collect();
        text.push_str(&format!(" skipping {}", skips.join(", ")));
    }
    if filter.exact {
        text.push_str(" (exact)");
    }
    match filter.ignored {
        IgnoredMode::Exclude => text.push_str(" (ignored cases left out)"),
        IgnoredMode::Include => text.push_str(" (ignored cases included)"),
        IgnoredMode::Only => text.push_str(" (ignored cases only)"),
    }
    text
}

/// The reporters of `settings`: the report files, plus what the front end shows live.
pub fn reporters(settings: &Settings) -> Vec<Box<dyn Reporter>> {
    report_dir(settings).reporters(settings.reporters)
}

/// The report directory of `settings`, its attachment paths relative to where the run started.
fn report_dir(settings: &Settings) -> ReportDir {
    ReportDir::new(&settings.report_dir).started_in(settings.started_in.as_deref())
}

/// Prints the trials `run` would execute on `boards` (stdout, `(ignored)` marked) and their
/// number (stderr); returns the number.
pub fn print_plan<'a>(boards: impl IntoIterator<Item = &'a str>, run: &Run<Board>) -> usize {
    let mut listed = 0;
    for board in boards {
        for (id, selection) in run.plan_for(board) {
            match selection {
                Selection::Run => println!("{id}"),
                Selection::Ignored => println!("{id} (ignored)"),
                Selection::FilteredOut => continue,
            }
            listed += 1;
        }
    }
    eprintln!("{listed} trials");
    listed
}

/// Runs `run` on the boards of `lab` with the reporters of `settings`, then records it in the
/// run history (a problem there is a note, never an error).
pub fn execute(lab: Lab, run: &Run<Board>, settings: &Settings) -> Result<Finished, AppError> {
    execute_marked(lab, run, settings, Arc::new(RunMarks::default()))
}

/// [`execute`] with quarantine and maintenance `marks` on the reports and in the verdict:
/// a shielded result does not make the run unexpected.
pub fn execute_marked(
    lab: Lab,
    run: &Run<Board>,
    settings: &Settings,
    marks: Arc<RunMarks>,
) -> Result<Finished, AppError> {
    let faults = board_faults(&lab);
    // A board a stop left alone gets no health verdict.
    let outcomes = lab
        .boards
        .iter()
        .filter(|b| !b.left_alone())
        .map(BoardOutcome::of)
        .collect();
    let (boards, guard) = lab.into_parts();
    let duts: Vec<DutInfo> = boards.iter().map(DutInfo::of).collect();
    let history = RunHistory::open(&settings.history);
    let recorded_as = history_info(run.info(), settings);
    let past = history.past(&recorded_as.rack).map(Arc::new);
    let reporters =
        report_dir(settings).remembering_reporters(settings.reporters, marks.clone(), past);
    let output = run.execute(boards, reporters).map_err(AppError::Start)?;
    // Boards first, then the simulator serving them.
    drop(output.duts);
    drop(guard);
    let history = history.record(FinishedRun {
        info: &recorded_as,
        duts: &duts,
        results: &output.results,
        summary: &output.summary,
    });
    let report = ReportDir::new(&settings.report_dir);
    report.tidy();
    Ok(Finished {
        summary: output.summary,
        report,
        rack: settings.lab.rack.describe(),
        faults,
        history,
        boards: outcomes,
        results: output.results,
        marks,
    })
}

/// The run as the history records it: a shard's runs under `<rack> shard K/N`, so the
/// previous run of a shard is the same shard's (never another shard's boards).
fn history_info(info: &RunInfo, settings: &Settings) -> RunInfo {
    let mut info = info.clone();
    if let Some(shard) = settings.lab.options.shard {
        info.rack = format!("{} shard {shard}", info.rack);
    }
    info
}

/// What a finished run concluded.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The counts, per DUT and in total.
    pub summary: Summary,
    /// Where the reports are.
    pub report: ReportDir,
    /// Which rack ran ("the simulated rack", "rack file …").
    pub rack: String,
    /// The boards that did not come up (their cases are reported as errors, or, when a stop
    /// came first, not run).
    pub faults: Vec<BoardFault>,
    /// Whether the run is in the run history (a warning when not).
    pub history: HistoryNote,
    /// What bring-up said about each board that was brought up (for board health).
    pub boards: Vec<BoardOutcome>,
    /// Every result, DUT by DUT.
    pub results: Vec<TrialResult>,
    /// The quarantine and maintenance marks the reports showed.
    pub marks: Arc<RunMarks>,
}

impl Finished {
    /// True when every result is as expected, or unexpected but shielded by a quarantine
    /// entry that has not expired (the lab may still have a problem).
    pub fn as_expected(&self) -> bool {
        let unexpected = self
            .results
            .iter()
            .filter(|r| r.outcome.is_unexpected() && !self.marks.shields(r))
            .count();
        unexpected == 0 && self.summary.status() == RunStatus::Completed
    }

    /// Unexpected results the quarantine shielded.
    pub fn shielded(&self) -> usize {
        self.results
            .iter()
            .filter(|r| self.marks.shields(r))
            .count()
    }

    /// Where the reports are, one line, naming only the reports that were written completely.
    pub fn reports_line(&self) -> String {
        reports_line_of(&self.report, &self.summary.incomplete_reports)
    }

    /// The reports that could not be written, one line, when there are any: the run's results
    /// are then not all on record.
    pub fn report_problem(&self) -> Option<String> {
        report_problem(&self.summary.incomplete_reports)
    }

    /// The lab's problem when boards did not come up: their results are errors (or, when the
    /// run was stopped before their cases, they are listed as not run), and the lab itself is
    /// not right.
    pub fn lab_problem(&self) -> Option<String> {
        if self.faults.is_empty() {
            return None;
        }
        let unrun = |f: &BoardFault| self.summary.not_run_trials.iter().any(|t| t.dut == f.dut);
        let ran = |f: &BoardFault| {
            let of = |(dut, _): &&(hil_runner::DutInfo, _)| dut.name == f.dut;
            self.summary
                .per_dut
                .iter()
                .find(of)
                .is_some_and(|(_, counts)| counts.total() > 0)
        };
        let fate = if !self.faults.iter().any(unrun) {
            "their cases are reported as errors"
        } else if !self.faults.iter().any(ran) {
            "the run was stopped before their cases: they are reported as not run"
        } else {
            "their cases are reported as errors, and as not run after the stop"
        };
        let faults: Vec<String> = self.faults.iter().map(|f| f.to_string()).collect();
        Some(format!(
            "{}: {} of {} DUTs could not be brought up ({fate}): {}",
            self.rack,
            self.faults.len(),
            self.summary.per_dut.len(),
            // Each fault is bounded; so are many of them together.
            hil_runner::bound::bounded_message(&faults.join("; "))
        ))
    }
}

/// `reports: <junit> (JUnit), <html> (HTML), <transcripts>`.
pub fn reports_line(report: &ReportDir) -> String {
    reports_line_of(report, &[])
}

/// [`reports_line`] without the reports in `incomplete` (a run never names a file it did not
/// write).
pub fn reports_line_of(report: &ReportDir, incomplete: &[IncompleteReport]) -> String {
    let written = |path: &std::path::Path| !incomplete.iter().any(|r| r.path == path);
    let mut parts = Vec::new();
    if written(&report.junit) {
        parts.push(format!("{} (JUnit)", report.junit.display()));
    }
    if written(&report.html) {
        parts.push(format!("{} (HTML)", report.html.display()));
    }
    if written(&report.transcripts) {
        parts.push(report.transcripts.display().to_string());
    }
    if parts.is_empty() {
        return "reports: none written completely".to_string();
    }
    format!("reports: {}", parts.join(", "))
}

/// `reports incomplete: …`, when a report could not be written.
pub fn report_problem(incomplete: &[IncompleteReport]) -> Option<String> {
    (!incomplete.is_empty()).then(|| {
        let list: Vec<String> = incomplete.iter().map(|r| r.to_string()).collect();
        format!(
            "reports incomplete (the run's results are not all on record): {}",
            list.join("; ")
        )
    })
}
