//! The health records of a rack file's boards — or of the labgrid places a run selects — around
//! one run: before it, which boards are in maintenance (held out, never touched: a place in
//! maintenance is not even acquired); after it, one verdict per board that ran — an
//! infrastructure error (bring-up fault, unusable supply, an `error` result) or clean — written
//! back to the state directory.

use chrono::Utc;
use hil_health::{
    BoardHealth, BoardKey, DEFAULT_MAINTENANCE_AFTER, HealthStore, RunVerdict, StateDirError,
    Transition,
};
use hil_lab::{Board, LabgridSource, SupplyState};
use hil_labgrid::Coordinator;
use hil_rack::RackFile;
use hil_runner::{HeldOut, OutcomeKind, TrialResult};

use super::NightlyError;
use crate::error::AppError;
use crate::settings::NightlyRequest;

/// The health records of the rack's boards that have one.
#[derive(Debug)]
pub struct HealthState {
    store: HealthStore,
    after: u32,
    boards: Vec<(BoardKey, BoardHealth)>,
    /// The coordinator, when the boards are labgrid places (for the commands a message names).
    coordinator: Option<String>,
}

/// What bring-up said about a board that was brought up: its fault, or its supply's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardOutcome {
    /// The board's name.
    pub dut: String,
    /// The bring-up fault or unusable supply, one line; `None` when it came up whole.
    pub fault: Option<String>,
}

impl BoardOutcome {
    /// What bring-up said about `board`.
    pub fn of(board: &Board) -> Self {
        let fault = match (board.fault(), board.supply()) {
            (Some(fault), _) => Some(fault.to_string()),
            (None, SupplyState::Failed(fault)) => Some(format!("supply: {fault}")),
            (None, _) => None,
        };
        BoardOutcome {
            dut: board.name().to_string(),
            fault,
        }
    }
}

impl HealthState {
    /// The records of `rack`'s boards (none when no board has a key: all simulated in-process).
    pub fn load(
        rack: &RackFile,
        request: &NightlyRequest,
    ) -> Result<Option<HealthState>, AppError> {
        let keyed: Vec<(BoardKey, String)> = rack
            .duts
            .iter()
            .filter_map(|d| BoardKey::of(d).map(|k| (k, d.name.clone())))
            .collect();
        HealthState::load_keyed(keyed, request, rack.maintenance_after, None)
    }

    /// The records of the labgrid places `source` selects (asked of the coordinator; nothing
    /// is acquired). `rack` is the rack file that names the places, if any.
    pub fn load_places(
        source: &LabgridSource,
        rack: Option<&RackFile>,
        request: &NightlyRequest,
    ) -> Result<Option<HealthState>, AppError> {
        let client = Coordinator::connect(
            &source.coordinator,
            "hil-health/hil",
            hil_lab::labgrid::COORDINATOR_TIMEOUT,
        )
        .map_err(NightlyError::from)?;
        let places = client.places().map_err(NightlyError::from)?;
        let chosen = source
            .selection
            .select(&places, &client.resources())
            .map_err(|problem| NightlyError::Places {
                coordinator: source.coordinator.to_string(),
                problem,
            })?;
        let coordinator = source.coordinator.to_string();
        let keyed = chosen
            .iter()
            .map(|p| (BoardKey::of_place(&coordinator, &p.name), p.name.clone()))
            .collect();
        let after = rack.and_then(|r| r.maintenance_after);
        HealthState::load_keyed(keyed, request, after, Some(coordinator))
    }

    fn load_keyed(
        keyed: Vec<(BoardKey, String)>,
        request: &NightlyRequest,
        rack_after: Option<u32>,
        coordinator: Option<String>,
    ) -> Result<Option<HealthState>, AppError> {
        if keyed.is_empty() {
            return Ok(None);
        }
        // `Settings::resolve` resolved it (`crate::state_dir`); `None` when none is known.
        let dir = request
            .state_dir
            .as_deref()
            .ok_or(NightlyError::StateDir(StateDirError))?;
        let store = HealthStore::new(dir);
        let mut boards = Vec::new();
        for (key, dut) in keyed {
            let record = store.load(&key, &dut).map_err(health_error)?;
            boards.push((key, record));
        }
        let after = request
            .maintenance_after
            .or(rack_after)
            .unwrap_or(DEFAULT_MAINTENANCE_AFTER);
        if after == 0 {
            return Err(NightlyError::MaintenanceAfterZero.into());
        }
        Ok(Some(HealthState {
            store,
            after,
            boards,
            coordinator,
        }))
    }

    /// The boards in maintenance.
    pub fn held_out(&self) -> Vec<HeldOut> {
        self.boards
            .iter()
            .filter_map(|(_, h)| {
                let m = h.maintenance.as_ref()?;
                let how = how_to_return(self.coordinator.as_deref(), &h.dut);
                Some(HeldOut::new(h.dut.clone(), m.describe(), how))
            })
            .collect()
    }

    /// Applies the run's verdict on every board that was brought up and writes the records.
    pub fn record(
        &mut self,
        boards: &[BoardOutcome],
        results: &[TrialResult],
        stopped: bool,
    ) -> Result<Vec<String>, AppError> {
        let now = Utc::now();
        let mut lines = Vec::new();
        for (_, health) in &mut self.boards {
            let Some(outcome) = boards.iter().find(|b| b.dut == health.dut) else {
                continue; // held out, or not in this run
            };
            let verdict = verdict(outcome, results, stopped);
            let transition = health.apply(&verdict, self.after, now);
            let how = how_to_return(self.coordinator.as_deref(), &health.dut);
            if let Some(line) = describe(&health.dut, &transition, self.after, &how) {
                lines.push(line);
            }
            self.store.save(health).map_err(health_error)?;
        }
        Ok(lines)
    }
}

/// One board's health record, for `hil boards ready|maintenance NAME` and `hil doctor --dut`.
#[derive(Debug)]
pub struct BoardRecord {
    store: HealthStore,
    /// The record.
    pub health: BoardHealth,
}

impl BoardRecord {
    /// The record of the board `name` of `rack`, from the state directory `state_dir` (as
    /// [`crate::state_dir`] resolved it: `--state-dir`, else `HIL_STATE_DIR`, else the
    /// per-user state directory).
    pub fn open(
        rack: &RackFile,
        name: &str,
        state_dir: &std::path::Path,
    ) -> Result<BoardRecord, AppError> {
        let Some(spec) = rack.dut(name) else {
            return Err(NightlyError::UnknownDut {
                rack: rack.name.clone(),
                name: name.to_string(),
                duts: rack.duts.iter().map(|d| d.name.clone()).collect(),
            }
            .into());
        };
        let Some(key) = BoardKey::of(spec) else {
            return Err(NightlyError::SimulatedDut {
                name: name.to_string(),
            }
            .into());
        };
        BoardRecord::load(&key, name, state_dir)
    }

    /// The record of the labgrid place `place` of `coordinator` (the coordinator need not run:
    /// the record is keyed by the two names), from the state directory `state_dir` (as
    /// [`crate::state_dir`] resolved it).
    pub fn open_place(
        coordinator: &hil_labgrid::Address,
        place: &str,
        state_dir: &std::path::Path,
    ) -> Result<BoardRecord, AppError> {
        let key = BoardKey::of_place(&coordinator.to_string(), place);
        BoardRecord::load(&key, place, state_dir)
    }

    /// The record under `key` of the board `name`, from the state directory `state_dir`.
    fn load(
        key: &BoardKey,
        name: &str,
        state_dir: &std::path::Path,
    ) -> Result<BoardRecord, AppError> {
        let store = HealthStore::new(state_dir);
        let health = store.load(key, name).map_err(health_error)?;
        Ok(BoardRecord { store, health })
    }

    /// Writes the record back.
    pub fn save(&self) -> Result<(), AppError> {
        self.store.save(&self.health).map_err(health_error)
    }

    /// The record's file.
    pub fn path(&self) -> std::path::PathBuf {
        self.store
            .path(&BoardKey::from_text(self.health.key.clone()))
    }
}

/// The board's verdict: its bring-up fault, else its first `error` result (a failing case is
/// about the modem and never counts), else clean — or not exercised when nothing ran on it.
fn verdict(outcome: &BoardOutcome, results: &[TrialResult], stopped: bool) -> RunVerdict {
    if let Some(fault) = &outcome.fault {
        return RunVerdict::InfraError(fault.clone());
    }
    let mut mine = results
        .iter()
        .filter(|r| r.id.dut == outcome.dut)
        .peekable();
    if mine.peek().is_none() {
        return RunVerdict::NotExercised;
    }
    let error = mine.find(|r| r.outcome.kind() == OutcomeKind::Error);
    match error {
        Some(r) => RunVerdict::InfraError(format!("{}: {}", r.id, r.outcome.message())),
        None if stopped => RunVerdict::NotExercised,
        None => RunVerdict::Clean,
    }
}

/// The commands that return the board `dut` to service: a rack board's, or those of a
/// labgrid place of `coordinator`.
fn how_to_return(coordinator: Option<&str>, dut: &str) -> String {
    match coordinator {
        None => format!("`hil boards ready {dut}` or a passing `hil doctor --dut {dut}`"),
        Some(c) => format!(
            "`hil boards --labgrid {c} ready {dut}` or a passing \
             `hil doctor --labgrid {c} --place {dut} --dut {dut}`"
        ),
    }
}

fn describe(dut: &str, transition: &Transition, after: u32, how: &str) -> Option<String> {
    match transition {
        Transition::Unchanged => None,
        Transition::Recovered { previous } => Some(format!(
            "health: DUT `{dut}` ran clean after {previous} runs with an infrastructure error; count reset"
        )),
        Transition::Counted { count } => Some(format!(
            "health: DUT `{dut}` had an infrastructure error ({count} of {after} consecutive runs before maintenance)"
        )),
        Transition::EnteredMaintenance(m) => Some(format!(
            "health: DUT `{dut}` is now {}; later runs will not touch it ({how} returns it)",
            m.describe()
        )),
    }
}

fn health_error(e: hil_health::HealthError) -> AppError {
    NightlyError::Health(e).into()
}
