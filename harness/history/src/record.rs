//! Recording a finished run: one transaction with the run, its boards, its trials and their
//! observations.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use hil_runner::{DutInfo, OutcomeKind, RunInfo, RunStatus, Summary, TrialResult, props};
use rusqlite::{Transaction, TransactionBehavior, params};

use crate::error::{HistoryError, Repaired};
use crate::open::{History, error_of};
use crate::types::{RunEnd, RunId, Timestamp, millis};

/// Everything recorded about one run, borrowed from the runner's output.
#[derive(Debug, Clone, Copy)]
pub struct RunRecord<'a> {
    /// The run's metadata.
    pub info: &'a RunInfo,
    /// The boards of the run.
    pub duts: &'a [DutInfo],
    /// Every trial result.
    pub results: &'a [TrialResult],
    /// How long the run took.
    pub duration: Duration,
    /// How the run ended.
    pub ended: RunEnd,
    /// Planned trials that did not run.
    pub not_run: usize,
}

impl<'a> RunRecord<'a> {
    /// A run that reached its summary; how it ended comes from the summary ([`run_end`]).
    pub fn finished(
        info: &'a RunInfo,
        duts: &'a [DutInfo],
        results: &'a [TrialResult],
        summary: &Summary,
    ) -> Self {
        RunRecord {
            info,
            duts,
            results,
            duration: summary.duration,
            ended: run_end(summary),
            not_run: summary.not_run,
        }
    }

    /// A run that ended some other way (aborted, or the rack could not be brought up), with
    /// whatever results it has.
    pub fn ended(
        info: &'a RunInfo,
        duts: &'a [DutInfo],
        results: &'a [TrialResult],
        duration: Duration,
        ended: RunEnd,
    ) -> Self {
        RunRecord {
            info,
            duts,
            results,
            duration,
            ended,
            not_run: 0,
        }
    }
}

/// How a run with this summary ended, as its reports say ([`Summary::status`]): `incomplete`
/// when a report could not be written completely, `stopped` when a stop left planned trials
/// unrun, `aborted` for a merged run of which a part did not finish; else
/// `infrastructure_error` when it had trials and every one was an error, `completed` otherwise.
pub fn run_end(summary: &Summary) -> RunEnd {
    let total = summary.total.total();
    match summary.status() {
        RunStatus::InfrastructureError => RunEnd::Incomplete,
        RunStatus::Stopped => RunEnd::Stopped,
        RunStatus::Running | RunStatus::Unfinished => RunEnd::Aborted,
        RunStatus::Completed if total > 0 && summary.total.error == total => {
            RunEnd::InfrastructureError
        }
        RunStatus::Completed => RunEnd::Completed,
    }
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The id the run was recorded under.
    pub run: RunId,
    /// How many trials were recorded.
    pub trials: usize,
    /// Set when the database was found damaged on open and replaced before recording.
    pub repaired: Option<Repaired>,
}

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "run history: recorded run {} ({} trials)",
            self.run, self.trials
        )?;
        match &self.repaired {
            Some(repaired) => write!(f, "; {repaired}"),
            None => Ok(()),
        }
    }
}

impl History {
    /// Records a finished run. An error is a warning for the run's summary: the run's results
    /// and exit status do not depend on it.
    pub fn record(
        &mut self,
        info: &RunInfo,
        duts: &[DutInfo],
        results: &[TrialResult],
        summary: &Summary,
    ) -> Result<Recorded, HistoryError> {
        self.record_run(&RunRecord::finished(info, duts, results, summary))
    }

    /// Records a run (one transaction: all of it or nothing).
    pub fn record_run(&mut self, run: &RunRecord<'_>) -> Result<Recorded, HistoryError> {
        let fail = |e| error_of(&self.path, self.options, e);
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let id = insert_run(&tx, run).map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(Recorded {
            run: id,
            trials: run.results.len(),
            repaired: self.repaired.take(),
        })
    }
}

fn insert_run(tx: &Transaction<'_>, run: &RunRecord<'_>) -> rusqlite::Result<RunId> {
    let info = run.info;
    tx.execute(
        "INSERT INTO runs (rack, host, harness_version, git_commit, firmware_under_test,
                           started_ms, duration_ms, ended, not_run)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            info.rack,
            info.host,
            info.harness_version,
            info.git_commit,
            firmware_under_test(run.duts),
            Timestamp::of(info.started).millis(),
            millis(run.duration),
            run.ended.as_str(),
            run.not_run as i64,
        ],
    )?;
    let id = RunId(tx.last_insert_rowid());
    insert_boards(tx, id, run.duts)?;
    insert_trials(tx, id, run.duts, run.results)?;
    Ok(id)
}

/// The distinct firmware-under-test ids the boards reported, comma-separated.
fn firmware_under_test(duts: &[DutInfo]) -> Option<String> {
    let ids: BTreeSet<&str> = duts
        .iter()
        .filter_map(|d| d.property(props::APP_FIRMWARE))
        .collect();
    (!ids.is_empty()).then(|| ids.into_iter().collect::<Vec<_>>().join(", "))
}

fn insert_boards(tx: &Transaction<'_>, run: RunId, duts: &[DutInfo]) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare(
        "INSERT OR REPLACE INTO boards (run_id, dut, modem_firmware, app_firmware, imei_hash)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for dut in duts {
        stmt.execute(params![
            run.0,
            dut.name,
            dut.firmware.as_ref().map(|f| f.to_string()),
            dut.property(props::APP_FIRMWARE),
            dut.property(props::IMEI_HASH),
        ])?;
    }
    Ok(())
}

fn insert_trials(
    tx: &Transaction<'_>,
    run: RunId,
    duts: &[DutInfo],
    results: &[TrialResult],
) -> rusqlite::Result<()> {
    let mut trial = tx.prepare(
        "INSERT INTO trials (run_id, dut, suite, name, modem_firmware, imei_hash, outcome,
                             attempts, duration_ms, signature, message)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut observation = tx.prepare(
        "INSERT OR REPLACE INTO observations (trial_id, key, value) VALUES (?1, ?2, ?3)",
    )?;
    for result in results {
        let dut = duts.iter().find(|d| d.name == result.id.dut);
        let mfw = result
            .mfw
            .as_ref()
            .or_else(|| dut.and_then(|d| d.firmware.as_ref()))
            .map(|f| f.to_string());
        let imei = result
            .properties()
            .iter()
            .find(|(k, _)| k == props::IMEI_HASH)
            .map(|(_, v)| v.as_str())
            .or_else(|| dut.and_then(|d| d.property(props::IMEI_HASH)));
        let kind: OutcomeKind = result.outcome.kind();
        trial.execute(params![
            run.0,
            result.id.dut,
            result.id.case.suite,
            result.id.case.name,
            mfw,
            imei,
            kind.as_str(),
            result.attempts.len() as i64,
            millis(result.duration),
            result.outcome.signature(),
            result.outcome.message(),
        ])?;
        let trial_id = tx.last_insert_rowid();
        for (key, value) in &result.log().observations {
            observation.execute(params![trial_id, key, value])?;
        }
    }
    Ok(())
}
