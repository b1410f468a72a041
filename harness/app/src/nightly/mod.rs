//! What a rack that runs every night adds around a run: board health (boards in maintenance
//! are held out, every board's infrastructure errors are counted afterwards) and the
//! quarantine (marks on the reports, an exit status that ignores shielded results,
//! `--quarantine-verify`).
//!
//! - [`health`]: the health records of the rack file's boards, before and after the run;
//! - [`quarantine`]: the quarantine file, the marks it puts on a run, the verify filter;
//! - [`error`]: what can go wrong with either ([`NightlyError`]).

pub mod error;
pub mod health;
pub mod quarantine;

use std::path::PathBuf;

use hil_lab::{BoardSelection, Lab, RackSource};
use hil_report::RunMarks;
use hil_runner::{Filter, HeldOut, Run, TrialResult};

use crate::error::AppError;
use crate::settings::Settings;
pub use error::NightlyError;
pub use health::{BoardOutcome, BoardRecord, HealthState};
pub use quarantine::QuarantineState;

/// Health and quarantine of one run, prepared before the lab comes up.
#[derive(Debug)]
pub struct Nightly {
    /// Board health (none for the simulated rack: each run makes its own boards).
    pub health: Option<HealthState>,
    /// The quarantine, when a file is given.
    pub quarantine: Option<QuarantineState>,
    /// `--quarantine-verify`.
    pub verify: bool,
}

impl Nightly {
    /// Reads the rack file (for its boards, `quarantine` and `maintenance_after`), the health
    /// records and the quarantine file of `settings`.
    pub fn prepare(settings: &Settings) -> Result<Nightly, AppError> {
        let request = &settings.nightly;
        let rack = match &settings.lab.rack {
            RackSource::Simulated | RackSource::Labgrid(_) => None,
            RackSource::File(path) => Some(hil_rack::load(path).map_err(NightlyError::from)?),
        };
        let places = places_of(&settings.lab.rack, rack.as_ref())?;
        let quarantine_file: Option<PathBuf> = request
            .quarantine
            .clone()
            .or_else(|| rack.as_ref().and_then(|r| r.quarantine.clone()));
        let quarantine = quarantine_file
            .map(|path| QuarantineState::load(&path))
            .transpose()?;
        let health = match (&places, &rack) {
            (Some(places), rack) => HealthState::load_places(places, rack.as_ref(), request)?,
            (None, Some(rack)) => HealthState::load(rack, request)?,
            (None, None) => None,
        };
        if request.quarantine_verify && quarantine.is_none() {
            return Err(NightlyError::VerifyWithoutQuarantine.into());
        }
        Ok(Nightly {
            health,
            quarantine,
            verify: request.quarantine_verify,
        })
    }

    /// The boards to bring up: all but those in maintenance.
    pub fn selection(&self) -> BoardSelection {
        match &self.health {
            Some(h) if !h.held_out().is_empty() => {
                BoardSelection::Except(h.held_out().into_iter().map(|held| held.dut.name).collect())
            }
            _ => BoardSelection::All,
        }
    }

    /// The boards in maintenance, as the run reports them.
    pub fn held_out(&self) -> Vec<HeldOut> {
        self.health
            .as_ref()
            .map(HealthState::held_out)
            .unwrap_or_default()
    }

    /// The marks the reports show: quarantined trials of `run` on `lab`, boards held out.
    pub fn marks(&self, lab: &Lab, run: &Run<hil_lab::Board>) -> RunMarks {
        let mut marks = match &self.quarantine {
            Some(q) => q.marks(lab, run),
            None => RunMarks::default(),
        };
        marks.held_out = self
            .held_out()
            .into_iter()
            .map(|h| (h.dut.name, h.reason))
            .collect();
        marks
    }

    /// With `--quarantine-verify`: a filter that selects only the quarantined trials; an
    /// error when the quarantine covers none of this lab's trials.
    pub fn verify_filter(
        &self,
        lab: &Lab,
        run: &Run<hil_lab::Board>,
    ) -> Result<Option<Filter>, AppError> {
        let Some(q) = self.quarantine.as_ref().filter(|_| self.verify) else {
            return Ok(None);
        };
        q.verify_filter(lab, run)
            .map(Some)
            .ok_or_else(|| AppError::NothingToVerify {
                quarantine: q.path.clone(),
            })
    }

    /// Records what the run said about each board; returns one line per change worth saying
    /// (a board going into maintenance, one more bad run, a board recovering).
    pub fn record(
        &mut self,
        boards: &[BoardOutcome],
        results: &[TrialResult],
        stopped: bool,
    ) -> Result<Vec<String>, AppError> {
        match &mut self.health {
            Some(h) => h.record(boards, results, stopped),
            None => Ok(Vec::new()),
        }
    }
}

/// The labgrid places of `source` (`--labgrid`, or a rack file's `labgrid:` section), if the
/// boards are places.
fn places_of(
    source: &RackSource,
    rack: Option<&hil_rack::RackFile>,
) -> Result<Option<hil_lab::LabgridSource>, AppError> {
    match (source, rack) {
        (RackSource::Labgrid(l), _) => Ok(Some(l.clone())),
        (RackSource::File(path), Some(rack)) => hil_lab::labgrid::rack_labgrid_source(rack, path)
            .map_err(|e| NightlyError::from(e).into()),
        _ => Ok(None),
    }
}
