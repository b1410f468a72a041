//! What a run would do, worked out from the rack alone before any board is touched: the boards
//! the filter gives a trial (the others get no lease, no open port and no supply byte), the
//! trial list of `hil run --list`, and a filter that selects nothing, refused before bring-up.

use hil_lab::{Board, plan};
use hil_runner::{Filter, Run, Selection};

use crate::error::AppError;
use crate::run::{build_run_named, describe_filter};
use crate::settings::Settings;

/// The boards of a rack as known before bring-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlannedBoards {
    /// Their names, from the rack file or the simulated rack, in rack order.
    Named(Vec<String>),
    /// Only known once held (labgrid places, which the coordinator lists).
    KnownWhenHeld,
}

/// The boards bring-up would bring up with `settings`, without touching any of them.
pub fn planned_boards(settings: &Settings) -> Result<PlannedBoards, AppError> {
    let names = plan::board_names(&settings.lab.rack, &settings.lab.options).map_err(|source| {
        AppError::BringUp {
            rack: settings.lab.rack.describe(),
            source: Box::new(source),
        }
    })?;
    Ok(names.map_or(PlannedBoards::KnownWhenHeld, PlannedBoards::Named))
}

/// The run `settings` asks for, for planning only (its rack name is not the lab's).
pub fn plan_run(settings: &Settings) -> Result<Run<Board>, AppError> {
    build_run_named("plan", settings)
}

/// The boards among `boards` on which `run` selects at least one trial.
pub fn boards_with_trials(boards: &[String], run: &Run<Board>) -> Vec<String> {
    boards
        .iter()
        .filter(|name| {
            run.plan_for(name)
                .iter()
                .any(|(_, selection)| *selection == Selection::Run)
        })
        .cloned()
        .collect()
}

/// The boards of the rack on which `filter` selects a trial, found before bring-up; `None`
/// when the rack's boards are only known once held.
pub fn boards_for(settings: &Settings, filter: &Filter) -> Result<Option<Vec<String>>, AppError> {
    let PlannedBoards::Named(boards) = planned_boards(settings)? else {
        return Ok(None);
    };
    let run = plan_run(settings)?.with_filter(filter.clone());
    Ok(Some(boards_with_trials(&boards, &run)))
}

/// Refuses a `--shard K/N` that leaves no board of the rack (N past the number of boards).
fn check_shard(settings: &Settings) -> Result<(), AppError> {
    let Some(shard) = settings.lab.options.shard else {
        return Ok(());
    };
    let PlannedBoards::Named(boards) = planned_boards(settings)? else {
        return Ok(());
    };
    if !boards.is_empty() {
        return Ok(());
    }
    let mut whole = settings.clone();
    whole.lab.options.shard = None;
    let rack_boards = match planned_boards(&whole)? {
        PlannedBoards::Named(all) => all.len(),
        PlannedBoards::KnownWhenHeld => 0,
    };
    Err(AppError::EmptyShard { shard, rack_boards })
}

/// Cuts the boards `settings` brings up down to those its filter gives a trial, when the rack
/// names them before bring-up. A filter that gives no board a trial is refused — unless it
/// gives one to a board held out (`held_out`: in maintenance), whose trials are still reported
/// (as skipped).
pub fn narrow_to_filter(settings: &mut Settings, held_out: &[String]) -> Result<(), AppError> {
    check_shard(settings)?;
    let Some(wanted) = boards_for(settings, &settings.filter)? else {
        return Ok(());
    };
    if wanted.is_empty() {
        let run = plan_run(settings)?;
        if !boards_with_trials(held_out, &run).is_empty() {
            return Ok(());
        }
        return Err(AppError::NothingSelected {
            filter: describe_filter(&settings.filter),
        });
    }
    let options = &mut settings.lab.options;
    options.boards = options.boards.narrowed_to(&wanted);
    Ok(())
}
