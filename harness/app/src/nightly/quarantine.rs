//! The quarantine file around one run: which planned trials it covers on which board (with
//! the board's modem firmware, known once the lab is up), the marks the reports show, and the
//! filter of `--quarantine-verify`.

use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate};
use hil_lab::{Board, Lab};
use hil_quarantine::Quarantine;
use hil_report::{QuarantineMark, RunMarks};
use hil_runner::{Filter, Run, Selection};

use super::NightlyError;
use crate::error::AppError;

/// A quarantine file, read, and the day it is judged on.
#[derive(Debug, Clone)]
pub struct QuarantineState {
    /// The file.
    pub path: PathBuf,
    /// Its entries.
    pub list: Quarantine,
    /// Entries shield up to and including their `until` day (local time).
    pub today: NaiveDate,
}

impl QuarantineState {
    /// Reads the file at `path`; today is the local date.
    pub fn load(path: &Path) -> Result<QuarantineState, AppError> {
        let list = hil_quarantine::load(path).map_err(NightlyError::from)?;
        Ok(QuarantineState {
            path: path.to_path_buf(),
            list,
            today: Local::now().date_naive(),
        })
    }

    /// A mark for every planned trial of `run` on `lab`'s boards that an entry covers.
    pub fn marks(&self, lab: &Lab, run: &Run<Board>) -> RunMarks {
        let mut marks = RunMarks::default();
        for board in &lab.boards {
            for (id, selection) in run.plan_for(board.name()) {
                if selection == Selection::FilteredOut {
                    continue;
                }
                let name = id.to_string();
                let Some(covered) = self
                    .list
                    .lookup(&name, board.name(), board.mfw(), self.today)
                else {
                    continue;
                };
                let entry = covered.entry;
                marks.quarantined.insert(
                    name,
                    QuarantineMark {
                        reason: entry.reason.clone(),
                        issue: entry.issue.clone(),
                        until: entry.until.to_string(),
                        expired: covered.expired,
                        entry: format!(
                            "{} entry {} `{}`",
                            file_name(&self.path),
                            covered.index + 1,
                            entry.trial
                        ),
                    },
                );
            }
        }
        marks
    }

    /// A filter selecting exactly the quarantined trials of `run` on `lab`; `None` when the
    /// quarantine covers no trial there.
    pub fn verify_filter(&self, lab: &Lab, run: &Run<Board>) -> Option<Filter> {
        let names: Vec<String> = self.marks(lab, run).quarantined.into_keys().collect();
        if names.is_empty() {
            return None;
        }
        let mut filter = Filter::all().exact(true);
        for name in names {
            filter = filter.pattern(name);
        }
        Some(filter)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
