//! `hil boards --labgrid HOST:PORT --place-tag KEY=VALUE` (or `--place NAME`): the selected
//! labgrid places with their exporter, console, and who holds them — the coordinator's
//! acquirer and, for a harness on this host, its pid (or that it no longer runs, and the next
//! command releases the place) — and each place's health (in service, or in maintenance since
//! when and why). Nothing is acquired.

use std::time::Duration;

use hil_lab::LabgridSource;
use hil_labgrid::lease::records::{peek, record_path};
use hil_labgrid::{Coordinator, Place, acquired_by, place_resources, reserved_by};
use serde_json::json;

use super::boards_health::place_health_cell;
use crate::exit::{OrConfig, Status, config_error};
use crate::output;

/// Lists the places `source` selects.
pub fn list(
    source: &LabgridSource,
    state_dir: &std::path::Path,
    json: bool,
) -> anyhow::Result<Status> {
    let session = "hil-boards/hil";
    let client =
        Coordinator::connect(&source.coordinator, session, Duration::from_secs(5)).or_config()?;
    let places = client.places().or_config()?;
    let resources = client.resources();
    let chosen = source
        .selection
        .select(&places, &resources)
        .map_err(config_error)?;
    let rows: Vec<[String; 5]> = chosen
        .iter()
        .map(|p| {
            row(
                p,
                &resources,
                &holder(p, source, state_dir),
                source,
                state_dir,
            )
        })
        .collect();
    if json {
        for r in &rows {
            println!(
                "{}",
                json!({ "place": r[0], "exporter": r[1], "console": r[2], "held": r[3], "health": r[4] })
            );
        }
    } else {
        let mut table = output::table(["place", "exporter", "console", "held", "health"]);
        for r in &rows {
            table.add_row(r.clone());
        }
        println!("{table}");
        println!("labgrid {}: {} places", source.coordinator, rows.len());
    }
    Ok(Status::Success)
}

fn row(
    place: &Place,
    resources: &[hil_labgrid::ResourceEntry],
    held: &str,
    source: &LabgridSource,
    state_dir: &std::path::Path,
) -> [String; 5] {
    let mine = place_resources(place, resources);
    let console = mine.iter().find(|r| r.name == hil_labgrid::board::CONSOLE);
    [
        place.name.clone(),
        console.map_or("-".into(), |c| c.resource.id.exporter.clone()),
        console.map_or("no `console` resource".into(), |c| {
            c.resource.id.to_string()
        }),
        held.to_string(),
        place_health_cell(&source.coordinator, &place.name, state_dir),
    ]
}

fn holder(place: &Place, source: &LabgridSource, state_dir: &std::path::Path) -> String {
    let local = peek(&record_path(state_dir, &source.coordinator, &place.name));
    let by = match (acquired_by(place), reserved_by(place)) {
        (Some(who), _) => format!("acquired by {who}"),
        (None, Some(token)) => format!("reserved ({token})"),
        (None, None) => return "free".to_string(),
    };
    match local {
        Some((r, true)) => format!("{by}: {}", r.holder),
        Some((r, false)) => format!(
            "{by}: left by {}, which no longer runs (the next command releases it)",
            r.holder
        ),
        None => by,
    }
}
