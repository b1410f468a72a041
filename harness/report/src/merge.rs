//! Merging report directories (one per shard or rack host) into one: the event logs of the
//! inputs are replayed into a fresh set of reporters, so the merged JUnit has one testsuite
//! per DUT, the HTML matrix every board, the transcripts are rewritten and the artifacts
//! (supply traces, …) copied with their links pointing into the merged directory.
//!
//! A DUT in two inputs is refused: merging is for disjoint shards, not for re-runs.
//!
//! The merged run carries how each input ended: an input that did not complete (killed or
//! aborted — its event log has no end —, stopped, or with reports it could not write) is one
//! of the merged summary's [`Summary::unfinished_parts`], so the merged JUnit is red
//! (`run::unfinished` names the input and how many of its planned trials have no result) and
//! its status is not `completed`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use hil_runner::{Counts, DutInfo, RunEvent, RunInfo, RunStatus, Summary, UnfinishedPart};

use crate::jsonl::EVENT_LOG;
use crate::report_dir::{ReportDir, ReporterOptions};

/// The folder of a report directory holding the boards' artifacts.
pub const ARTIFACTS_DIR: &str = "artifacts";

/// Why report directories could not be merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MergeError {
    /// A file of an input or of the output could not be read, written or copied.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the filesystem said.
        #[source]
        source: io::Error,
    },
    /// A line of an input's `events.jsonl` is not a run event.
    #[error("{}:{line}: not a run event: {problem}", path.display())]
    BadEvent {
        /// The event log.
        path: PathBuf,
        /// Its line (1-based).
        line: usize,
        /// Why the line does not parse.
        problem: String,
    },
    /// An input's event log holds no `RunStarted`.
    #[error("{}: no run in the event log (is it a report directory of `hil run`?)", path.display())]
    NoRun {
        /// The event log.
        path: PathBuf,
    },
    /// Two inputs report the same DUT: they are not disjoint shards.
    #[error("DUT `{dut}` is in both {} and {}: merge disjoint shards only", first.display(), second.display())]
    DuplicateDut {
        /// The DUT's name.
        dut: String,
        /// The first input naming it.
        first: PathBuf,
        /// The second.
        second: PathBuf,
    },
    /// No input directory was given.
    #[error("nothing to merge: name at least one report directory")]
    NoInputs,
}

/// One input: its directory and its events.
struct Input {
    dir: PathBuf,
    info: RunInfo,
    duts: Vec<DutInfo>,
    planned: usize,
    events: Vec<RunEvent>,
    summary: Option<Summary>,
}

/// What a merge wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// The merged report directory's files.
    pub report: ReportDir,
    /// How many DUTs (testsuites) it holds.
    pub duts: usize,
    /// How many trials (testcases) it holds.
    pub trials: usize,
    /// The merged run's summary: its status is `completed` only when every input completed.
    pub summary: Summary,
}

/// Merges the report directories `inputs` into `out` (created). `started_in` is the directory
/// the merge runs in (the command's current directory): JUnit attachment paths under it are
/// relative to it, as in a run's own report ([`ReportDir::started_in`]).
pub fn merge(
    inputs: &[PathBuf],
    out: &Path,
    started_in: Option<&Path>,
) -> Result<Merged, MergeError> {
    if inputs.is_empty() {
        return Err(MergeError::NoInputs);
    }
    let inputs = inputs
        .iter()
        .map(|dir| read_input(dir))
        .collect::<Result<Vec<_>, _>>()?;
    check_disjoint(&inputs)?;
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| MergeError::Io { path, source }
    };
    fs::create_dir_all(out).map_err(io_err(out))?;
    let out_abs = std::path::absolute(out).map_err(io_err(out))?;
    for input in &inputs {
        copy_tree(&input.dir.join(ARTIFACTS_DIR), &out.join(ARTIFACTS_DIR))?;
    }
    let report = ReportDir::new(out).started_in(started_in);
    let mut reporters = report.reporters(ReporterOptions::FILES_ONLY);
    let mut send = |event: &RunEvent| reporters.iter_mut().for_each(|r| r.on_event(event));
    let first = &inputs[0];
    let started = inputs
        .iter()
        .map(|i| i.info.started)
        .min()
        .unwrap_or(first.info.started);
    send(&RunEvent::RunStarted {
        info: RunInfo {
            started,
            ..first.info.clone()
        },
        duts: inputs.iter().flat_map(|i| i.duts.clone()).collect(),
        planned: inputs.iter().map(|i| i.planned).sum(),
    });
    let mut trials = 0;
    for input in &inputs {
        let from = std::path::absolute(&input.dir).map_err(io_err(&input.dir))?;
        for event in &input.events {
            let event = relocated(event, &from, &out_abs);
            trials += usize::from(matches!(event, RunEvent::CaseFinished(_)));
            send(&event);
        }
    }
    let summary = merged_summary(&inputs);
    send(&RunEvent::RunFinished(summary.clone()));
    Ok(Merged {
        report,
        duts: inputs.iter().map(|i| i.duts.len()).sum(),
        trials,
        summary,
    })
}

fn read_input(dir: &Path) -> Result<Input, MergeError> {
    let path = ReportDir::new(dir).events;
    let text = fs::read_to_string(&path).map_err(|source| MergeError::Io {
        path: path.clone(),
        source,
    })?;
    // A run killed while appending leaves its last line cut short (no newline after it): that
    // line is dropped — the run then has no `RunFinished` and counts as unfinished — while a
    // bad line anywhere else is an error.
    let cut_short = !text.is_empty() && !text.ends_with('\n');
    let lines: Vec<&str> = text.split('\n').collect();
    let mut start = None;
    let mut events = Vec::new();
    let mut summary = None;
    for (n, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let event: RunEvent = match serde_json::from_str(line) {
            Ok(event) => event,
            Err(_) if cut_short && n + 1 == lines.len() => break,
            Err(e) => {
                return Err(MergeError::BadEvent {
                    path: path.clone(),
                    line: n + 1,
                    problem: e.to_string(),
                });
            }
        };
        match event {
            RunEvent::RunStarted {
                info,
                duts,
                planned,
            } => start = Some((info, duts, planned)),
            RunEvent::RunFinished(s) => summary = Some(s),
            other => events.push(other),
        }
    }
    let (info, duts, planned) = start.ok_or(MergeError::NoRun { path })?;
    Ok(Input {
        dir: dir.to_path_buf(),
        info,
        duts,
        planned,
        events,
        summary,
    })
}

fn check_disjoint(inputs: &[Input]) -> Result<(), MergeError> {
    for (i, a) in inputs.iter().enumerate() {
        for b in &inputs[i + 1..] {
            if let Some(dut) = a
                .duts
                .iter()
                .find(|d| b.duts.iter().any(|e| e.name == d.name))
            {
                return Err(MergeError::DuplicateDut {
                    dut: dut.name.clone(),
                    first: a.dir.clone(),
                    second: b.dir.clone(),
                });
            }
        }
    }
    Ok(())
}

/// `event` with attachment paths under `from` moved under `to`.
fn relocated(event: &RunEvent, from: &Path, to: &Path) -> RunEvent {
    let mut event = event.clone();
    if let RunEvent::CaseFinished(result) = &mut event {
        for attempt in &mut result.attempts {
            for attachment in &mut attempt.log.attachments {
                let path = std::path::absolute(&attachment.path)
                    .unwrap_or_else(|_| attachment.path.clone());
                if let Ok(rest) = path.strip_prefix(from) {
                    attachment.path = to.join(rest);
                }
            }
        }
    }
    event
}

fn merged_summary(inputs: &[Input]) -> Summary {
    let mut total = Counts::default();
    let mut per_dut = Vec::new();
    let (mut duration, mut stopped, mut not_run) = (std::time::Duration::ZERO, false, 0);
    let (mut not_run_trials, mut incomplete_reports) = (Vec::new(), Vec::new());
    let mut unfinished_parts = Vec::new();
    for input in inputs {
        match &input.summary {
            Some(s) => {
                total.merge(&s.total);
                per_dut.extend(s.per_dut.iter().cloned());
                duration = duration.max(s.duration);
                stopped |= s.stopped;
                not_run += s.not_run;
                not_run_trials.extend(s.not_run_trials.iter().cloned());
                // An input's event log that was not written completely: what it left out is
                // missing here too (its other reports are rewritten from the events).
                incomplete_reports.extend(
                    s.incomplete_reports
                        .iter()
                        .filter(|r| r.report == EVENT_LOG)
                        .cloned(),
                );
            }
            // A run that never finished (killed or aborted): its counts are those of the
            // results it logged.
            None => {
                for (dut, counts) in counted(input) {
                    total.merge(&counts);
                    per_dut.push((dut, counts));
                }
            }
        }
        unfinished_parts.extend(unfinished(input));
    }
    Summary {
        per_dut,
        total,
        duration,
        stopped,
        not_run,
        not_run_trials,
        incomplete_reports,
        unfinished_parts,
    }
}

/// What of `input` did not complete: nothing, the input itself, or (a merged input) its own
/// unfinished parts.
fn unfinished(input: &Input) -> Vec<UnfinishedPart> {
    let results = input
        .events
        .iter()
        .filter(|e| matches!(e, RunEvent::CaseFinished(_)))
        .count();
    let part = |status, missing| UnfinishedPart {
        source: input.dir.clone(),
        status,
        planned: input.planned,
        missing,
    };
    let Some(summary) = &input.summary else {
        return vec![part(
            RunStatus::Running,
            input.planned.saturating_sub(results),
        )];
    };
    match summary.status() {
        RunStatus::Completed => Vec::new(),
        RunStatus::Unfinished => summary.unfinished_parts.clone(),
        RunStatus::Stopped => vec![part(RunStatus::Stopped, summary.not_run)],
        status => vec![part(status, input.planned.saturating_sub(results))],
    }
}

/// Counts per DUT of the results `input` logged.
fn counted(input: &Input) -> Vec<(DutInfo, Counts)> {
    let mut per_dut: Vec<(DutInfo, Counts)> = input
        .duts
        .iter()
        .map(|d| (d.clone(), Counts::default()))
        .collect();
    for event in &input.events {
        match event {
            RunEvent::DutStarted { dut, .. } => {
                if let Some(slot) = per_dut.iter_mut().find(|(d, _)| d.name == dut.name) {
                    slot.0 = dut.clone();
                }
            }
            RunEvent::CaseFinished(result) => {
                if let Some(slot) = per_dut.iter_mut().find(|(d, _)| d.name == result.id.dut) {
                    slot.1.add(result);
                }
            }
            _ => {}
        }
    }
    per_dut
}

/// Copies the files under `from` (if it exists) into `to`, keeping the layout.
fn copy_tree(from: &Path, to: &Path) -> Result<(), MergeError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| MergeError::Io { path, source }
    };
    if !from.is_dir() {
        return Ok(());
    }
    fs::create_dir_all(to).map_err(io_err(to))?;
    for entry in fs::read_dir(from).map_err(io_err(from))? {
        let entry = entry.map_err(io_err(from))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(io_err(&src))?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).map_err(io_err(&src))?;
        }
    }
    Ok(())
}
