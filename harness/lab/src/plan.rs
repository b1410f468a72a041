//! Which boards bring-up would bring up, found from the rack alone: no lease taken, no port
//! opened, no supply byte sent. `hil run` uses it to list trials and to leave untouched the
//! boards a filter gives no trial.

use crate::bringup::{LabOptions, select_boards};
use crate::error::LabError;
use crate::simulated;
use crate::source::RackSource;

/// The names of the boards `Lab::bring_up(source, opts)` would bring up, in rack order; `None`
/// when they are only known once held (labgrid places, which the coordinator lists).
pub fn board_names(
    source: &RackSource,
    opts: &LabOptions,
) -> Result<Option<Vec<String>>, LabError> {
    let names = match source {
        RackSource::Labgrid(_) => return Ok(None),
        RackSource::Simulated => {
            let mut duts = simulated::default_rack(opts.timing, &opts.profile_dirs)?.duts;
            if let Some(shard) = opts.shard {
                shard.retain(&mut duts, |d| &d.name);
            }
            duts.into_iter()
                .map(|d| d.name)
                .filter(|name| opts.boards.includes(name))
                .collect()
        }
        RackSource::File(path) => {
            let rack = hil_rack::load(path)?;
            if rack.labgrid.is_some() {
                return Ok(None);
            }
            select_boards(rack.duts, opts)?
                .into_iter()
                .map(|d| d.name)
                .collect()
        }
    };
    Ok(Some(names))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bringup::BoardSelection;

    fn rack_file(dir: &std::path::Path, text: &str) -> RackSource {
        let path = dir.join("rack.yaml");
        std::fs::write(&path, text).unwrap();
        RackSource::File(path)
    }

    const THREE: &str = "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n  - name: b\n    serial: /dev/ttyACM1\n  - name: c\n    serial: /dev/ttyACM2\n";

    #[test]
    fn a_rack_file_names_its_selected_boards_in_rack_order() {
        let dir = tempfile::tempdir().unwrap();
        let source = rack_file(dir.path(), THREE);
        let mut opts = LabOptions::default();
        let all = board_names(&source, &opts).unwrap();
        assert_eq!(all, Some(vec!["a".into(), "b".into(), "c".into()]));
        opts.boards = BoardSelection::Except(vec!["b".into()]);
        assert_eq!(
            board_names(&source, &opts).unwrap(),
            Some(vec!["a".into(), "c".into()])
        );
        // The shards of a rack split its selected boards between them.
        let mut union = Vec::new();
        for k in 1..=3 {
            opts.shard = Some(format!("{k}/3").parse().unwrap());
            union.extend(board_names(&source, &opts).unwrap().unwrap());
        }
        union.sort();
        assert_eq!(union, ["a", "c"]);
    }

    #[test]
    fn narrowing_keeps_only_wanted_boards_the_selection_already_had() {
        let except_b = BoardSelection::Except(vec!["b".into()]);
        let wanted = ["a".to_string(), "b".to_string()];
        let narrowed = except_b.narrowed_to(&wanted);
        assert_eq!(narrowed, BoardSelection::Only(vec!["a".into()]));
        assert!(narrowed.includes("a") && !narrowed.includes("b") && !narrowed.includes("c"));
    }

    #[test]
    fn the_simulated_rack_names_one_board_per_bundled_profile() {
        let names = board_names(&RackSource::Simulated, &LabOptions::default())
            .unwrap()
            .unwrap();
        assert!(names.iter().any(|n| n == "sim-1.3.6"), "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("sim-")), "{names:?}");
    }

    #[test]
    fn labgrid_places_are_known_only_once_held() {
        let dir = tempfile::tempdir().unwrap();
        let source = rack_file(
            dir.path(),
            "name: r\nlabgrid: { coordinator: \"127.0.0.1:20408\", places: [p] }\n",
        );
        assert_eq!(board_names(&source, &LabOptions::default()).unwrap(), None);
    }

    #[test]
    fn an_unknown_board_asked_for_by_name_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let source = rack_file(dir.path(), THREE);
        let opts = LabOptions {
            boards: BoardSelection::Only(vec!["z".into()]),
            ..LabOptions::default()
        };
        let err = board_names(&source, &opts).unwrap_err().to_string();
        assert!(err.contains("not in the rack"), "{err}");
    }
}
