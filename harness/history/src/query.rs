//! Reading the history: recent runs (filtered), each trial's recent outcomes, one run's trials
//! and boards, and the default pair of runs to compare.

use std::collections::BTreeMap;

use hil_runner::OutcomeKind;
use rusqlite::{Row, params};
use serde::Serialize;

use crate::error::HistoryError;
use crate::flaky::{RunOutcome, TrialHistory};
use crate::open::{History, error_of};
use crate::types::{
    BoardRow, RunEnd, RunId, RunRow, Timestamp, TrialKey, TrialState, parse_outcome,
};

/// Which runs (and which of their trials) a query looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFilter {
    /// Only runs of this rack.
    pub rack: Option<String>,
    /// Only runs with trials on this DUT, and only those trials.
    pub dut: Option<String>,
    /// Only runs with trials whose `<suite>::<case>` matches, and only those trials: a glob
    /// (`*`, `?`) when it has wildcards, else a substring.
    pub case: Option<String>,
    /// Runs started at or after this time.
    pub since: Option<Timestamp>,
    /// Runs up to and including this one (for "the history as of run N").
    pub until: Option<RunId>,
    /// At most this many runs, the most recent ones.
    pub limit: usize,
}

impl Default for RunFilter {
    fn default() -> Self {
        RunFilter {
            rack: None,
            dut: None,
            case: None,
            since: None,
            until: None,
            limit: 20,
        }
    }
}

impl RunFilter {
    /// The case pattern as an SQLite GLOB (substring -> `*text*`; `[` matched literally).
    fn case_glob(&self) -> Option<String> {
        self.case.as_ref().map(|pattern| {
            let escaped = pattern.replace('[', "[[]");
            if pattern.contains(['*', '?']) {
                escaped
            } else {
                format!("*{escaped}*")
            }
        })
    }
}

/// Recent runs and, per trial, its outcomes in those runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryView {
    /// Most recent first.
    pub runs: Vec<RunRow>,
    /// Every trial the filter selects in those runs, by name; outcomes in the order of `runs`.
    pub trials: Vec<TrialHistory>,
}

/// Trials of a run that match the filter (`?1` run, `?2` dut, `?3` case glob).
const TRIAL_MATCH: &str = "(?2 IS NULL OR t.dut = ?2)
    AND (?3 IS NULL OR (t.suite || '::' || t.name) GLOB ?3)";

const RUN_COLUMNS: &str = "r.id, r.rack, r.host, r.harness_version, r.git_commit,
    r.firmware_under_test, r.started_ms, r.duration_ms, r.ended, r.not_run";

impl History {
    /// The runs the filter selects, most recent first, with outcome counts of the trials it
    /// selects.
    pub fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunRow>, HistoryError> {
        self.read(|h| h.runs(filter))
    }

    /// [`History::list_runs`] plus each selected trial's outcomes in those runs.
    pub fn history(&self, filter: &RunFilter) -> Result<HistoryView, HistoryError> {
        self.read(|h| {
            let runs = h.runs(filter)?;
            let trials = h.trial_histories(&runs, filter)?;
            Ok(HistoryView { runs, trials })
        })
    }

    /// One run (all of its trials counted).
    pub fn run(&self, id: RunId) -> Result<RunRow, HistoryError> {
        let sql = format!("SELECT {RUN_COLUMNS} FROM runs r WHERE r.id = ?1");
        let row = self.read(|h| {
            let mut stmt = h.conn.prepare_cached(&sql)?;
            let mut rows = stmt.query_map([id.0], run_row)?;
            rows.next().transpose()
        })?;
        let mut run = row.ok_or(HistoryError::UnknownRun(id))?;
        run.counts = self.read(|h| h.counts(id, &RunFilter::default()))?;
        Ok(run)
    }

    /// Every trial a run recorded, with observations.
    pub fn trials(&self, run: RunId) -> Result<BTreeMap<TrialKey, TrialState>, HistoryError> {
        self.read(|h| h.load_trials(run))
    }

    /// The boards of a run (as reported at its start).
    pub fn boards(&self, run: RunId) -> Result<Vec<BoardRow>, HistoryError> {
        self.read(|h| {
            let mut stmt = h.conn.prepare_cached(
                "SELECT dut, modem_firmware, app_firmware, imei_hash FROM boards
                 WHERE run_id = ?1 ORDER BY dut",
            )?;
            let rows = stmt.query_map([run.0], |r| {
                Ok(BoardRow {
                    dut: r.get(0)?,
                    modem_firmware: r.get(1)?,
                    app_firmware: r.get(2)?,
                    imei_hash: r.get(3)?,
                })
            })?;
            rows.collect()
        })
    }

    /// The latest completed run of `rack` (of any rack when `None`) and the completed run of
    /// the same rack before it.
    pub fn latest_pair(&self, rack: Option<&str>) -> Result<(RunId, RunId), HistoryError> {
        let latest = self.read(|h| {
            h.conn
                .query_row(
                    "SELECT id, rack FROM runs WHERE ended = ?1 AND (?2 IS NULL OR rack = ?2)
                     ORDER BY id DESC LIMIT 1",
                    params![RunEnd::Completed.as_str(), rack],
                    |r| Ok((RunId(r.get(0)?), r.get::<_, String>(1)?)),
                )
                .map(Some)
                .or_else(no_row)
        })?;
        let Some((latest, rack)) = latest else {
            return Err(HistoryError::NotEnoughRuns(match rack {
                Some(rack) => format!("no completed run of rack `{rack}` in the history"),
                None => "no completed run in the history".to_string(),
            }));
        };
        Ok((self.previous_completed(latest, &rack)?, latest))
    }

    /// The completed run of `run`'s rack recorded before `run`.
    pub fn previous_of(&self, run: RunId) -> Result<RunId, HistoryError> {
        let rack = self.run(run)?.rack;
        self.previous_completed(run, &rack)
    }

    fn previous_completed(&self, run: RunId, rack: &str) -> Result<RunId, HistoryError> {
        let previous = self.read(|h| {
            h.conn
                .query_row(
                    "SELECT id FROM runs WHERE ended = ?1 AND rack = ?2 AND id < ?3
                     ORDER BY id DESC LIMIT 1",
                    params![RunEnd::Completed.as_str(), rack, run.0],
                    |r| r.get(0).map(RunId),
                )
                .map(Some)
                .or_else(no_row)
        })?;
        previous.ok_or_else(|| {
            HistoryError::NotEnoughRuns(format!(
                "no completed run of rack `{rack}` before run {run} to compare it with"
            ))
        })
    }

    /// Runs `f`, turning SQLite errors into history errors.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Self) -> rusqlite::Result<T>,
    ) -> Result<T, HistoryError> {
        f(self).map_err(|e| error_of(&self.path, self.options, e))
    }

    fn runs(&self, filter: &RunFilter) -> rusqlite::Result<Vec<RunRow>> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM runs r
             WHERE (?1 IS NULL OR r.rack = ?1)
               AND (?4 IS NULL OR r.started_ms >= ?4)
               AND (?5 IS NULL OR r.id <= ?5)
               AND ((?2 IS NULL AND ?3 IS NULL)
                    OR EXISTS (SELECT 1 FROM trials t WHERE t.run_id = r.id AND {TRIAL_MATCH}))
             ORDER BY r.started_ms DESC, r.id DESC
             LIMIT ?6"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut runs = stmt
            .query_map(
                params![
                    filter.rack,
                    filter.dut,
                    filter.case_glob(),
                    filter.since.map(|t| t.millis()),
                    filter.until.map(|r| r.0),
                    i64::try_from(filter.limit).unwrap_or(i64::MAX),
                ],
                run_row,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for run in &mut runs {
            run.counts = self.counts(run.id, filter)?;
        }
        Ok(runs)
    }

    fn counts(
        &self,
        run: RunId,
        filter: &RunFilter,
    ) -> rusqlite::Result<BTreeMap<OutcomeKind, i64>> {
        let sql = format!(
            "SELECT t.outcome, count(*) FROM trials t WHERE t.run_id = ?1 AND {TRIAL_MATCH}
             GROUP BY t.outcome"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![run.0, filter.dut, filter.case_glob()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        let mut counts = BTreeMap::new();
        for row in rows {
            let (text, n) = row?;
            let kind = parse_outcome(&text).ok_or_else(|| bad_value(0, "outcome", &text))?;
            counts.insert(kind, n);
        }
        Ok(counts)
    }

    fn trial_histories(
        &self,
        runs: &[RunRow],
        filter: &RunFilter,
    ) -> rusqlite::Result<Vec<TrialHistory>> {
        let mut by_trial: BTreeMap<TrialKey, Vec<RunOutcome>> = BTreeMap::new();
        let sql = format!(
            "SELECT t.dut, t.suite, t.name, t.outcome FROM trials t
             WHERE t.run_id = ?1 AND {TRIAL_MATCH}"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        for (index, run) in runs.iter().enumerate() {
            let rows = stmt.query_map(params![run.id.0, filter.dut, filter.case_glob()], |r| {
                Ok((trial_key(r)?, r.get::<_, String>(3)?))
            })?;
            for row in rows {
                let (key, outcome) = row?;
                let slots = by_trial
                    .entry(key)
                    .or_insert_with(|| runs.iter().map(|r| RunOutcome::absent(r.id)).collect());
                slots[index].outcome = parse_outcome(&outcome);
            }
        }
        Ok(by_trial
            .into_iter()
            .map(|(trial, outcomes)| TrialHistory { trial, outcomes })
            .collect())
    }

    fn load_trials(&self, run: RunId) -> rusqlite::Result<BTreeMap<TrialKey, TrialState>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT t.dut, t.suite, t.name, t.outcome, t.signature, t.message,
                    t.modem_firmware, t.attempts, t.duration_ms, o.key, o.value
             FROM trials t LEFT JOIN observations o ON o.trial_id = t.id
             WHERE t.run_id = ?1
             ORDER BY t.id, o.key",
        )?;
        let mut trials: BTreeMap<TrialKey, TrialState> = BTreeMap::new();
        let rows = stmt.query_map([run.0], |r| {
            let observation = match r.get::<_, Option<String>>(9)? {
                Some(key) => Some((key, r.get::<_, String>(10)?)),
                None => None,
            };
            Ok((trial_key(r)?, trial_state(r)?, observation))
        })?;
        for row in rows {
            let (key, state, observation) = row?;
            let entry = trials.entry(key).or_insert(state);
            entry.observations.extend(observation);
        }
        Ok(trials)
    }
}

fn no_row<T>(e: rusqlite::Error) -> rusqlite::Result<Option<T>> {
    match e {
        rusqlite::Error::QueryReturnedNoRows => Ok(None),
        e => Err(e),
    }
}

fn trial_key(r: &Row<'_>) -> rusqlite::Result<TrialKey> {
    Ok(TrialKey {
        dut: r.get(0)?,
        suite: r.get(1)?,
        case: r.get(2)?,
    })
}

/// Columns 3..=8 of the trial query.
fn trial_state(r: &Row<'_>) -> rusqlite::Result<TrialState> {
    let text: String = r.get(3)?;
    Ok(TrialState {
        outcome: parse_outcome(&text).ok_or_else(|| bad_value(3, "outcome", &text))?,
        signature: r.get(4)?,
        message: r.get(5)?,
        modem_firmware: r.get(6)?,
        attempts: r.get(7)?,
        duration_ms: r.get(8)?,
        observations: Vec::new(),
    })
}

fn run_row(r: &Row<'_>) -> rusqlite::Result<RunRow> {
    let ended: String = r.get(8)?;
    Ok(RunRow {
        id: RunId(r.get(0)?),
        rack: r.get(1)?,
        host: r.get(2)?,
        harness_version: r.get(3)?,
        git_commit: r.get(4)?,
        firmware_under_test: r.get(5)?,
        started: Timestamp(r.get(6)?),
        duration_ms: r.get(7)?,
        ended: RunEnd::parse(&ended).ok_or_else(|| bad_value(8, "ended", &ended))?,
        not_run: r.get(9)?,
        counts: BTreeMap::new(),
    })
}

/// A stored value this crate never writes (the file was edited by something else).
fn bad_value(column: usize, name: &str, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown {name} `{text}`").into(),
    )
}
