//! Round trip on the simulated rack: characterizing each bundled profile's simulated board
//! gives back the bundled profile's behaviour; non-default policies are named; the board is
//! left as it was, also after an interrupted run.

use std::path::Path;

use hil_at::CmngFilter;
use hil_characterize::{Options, characterize, diff_profiles, emit};
use hil_lab::{Board, Lab, LabOptions, RackSource};
use hil_model::policy::{ClearPolicy, OverwritePolicy, Policy, SecretReadPolicy};
use hil_sim::profile::{Measurement, Profile, Source, bundled_profile};

/// A check on the emitted policy block.
type PolicyCheck = Box<dyn Fn(&Policy) -> bool + Sync>;

fn run_info(board: &str) -> Measurement {
    Measurement {
        date: "2026-01-01T00:00:00Z".into(),
        board: board.into(),
        imei_hash: String::new(),
        harness_version: "test".into(),
        supply: "sim".into(),
        timing: Some("fast".into()),
    }
}

fn lab(source: RackSource, dir: &Path) -> Vec<Board> {
    let opts = LabOptions {
        flash: false,
        workspace_root: dir.to_path_buf(),
        ..LabOptions::default()
    };
    let lab = Lab::bring_up(&source, &opts).expect("lab up");
    let (boards, guard) = lab.into_parts();
    std::mem::forget(guard); // the simulator runs until the test process ends
    boards
}

/// CFUN, CMEE and the store as the console shows them.
fn settings(board: &mut Board) -> (u8, u8, Vec<(u32, u8)>) {
    let at = board.console().expect("console");
    let list = at.cmng_list(CmngFilter::All).expect("list");
    (
        at.cfun().expect("cfun"),
        at.cmee().expect("cmee"),
        list.iter().map(|e| (e.tag, e.kind.0)).collect(),
    )
}

fn measure(board: &mut Board, base: &Profile, dir: &Path) -> Profile {
    let mut opts = Options::new(dir.join(format!("{}.journal", board.name())));
    opts.base = Some(base.clone());
    let f = characterize(board, &opts).unwrap_or_else(|e| panic!("{}: {e}", board.name()));
    emit(&f, Some(base), run_info(board.name()))
        .expect("emit")
        .profile
}

#[test]
fn every_bundled_profile_round_trips_and_the_board_is_left_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let boards = lab(RackSource::Simulated, dir.path());
    std::thread::scope(|scope| {
        for mut board in boards {
            let dir = dir.path();
            scope.spawn(move || {
                let name = board.name().to_string();
                let sim_profile = board.sim.as_ref().unwrap().profile.clone();
                let base = bundled_profile(&sim_profile).unwrap();
                let before = settings(&mut board);
                let got = measure(&mut board, &base, dir);
                assert_eq!(settings(&mut board), before, "{name}: board changed");
                let diffs: Vec<String> = diff_profiles(&base, &got)
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                assert!(diffs.is_empty(), "{name}: {diffs:#?}");
                let prov = got.provenance.as_ref().unwrap();
                for path in [
                    "cfun_modes",
                    "cmng.types",
                    "cmng.active_cfun",
                    "cmng.list_digest",
                    "cmng.content_check",
                    "pofwarn.command",
                    "commands.keygen",
                    "policy.overwrite",
                    "policy.secret_read",
                    "policy.cmee_boot",
                ] {
                    assert_eq!(
                        prov.fields.get(path),
                        Some(&Source::Measured),
                        "{name}: {path}"
                    );
                }
                if base.pofwarn.command {
                    for path in ["policy.pofwarn_clear", "pofwarn.nvm", "pofwarn.default_mv"] {
                        assert_eq!(
                            prov.fields.get(path),
                            Some(&Source::Measured),
                            "{name}: {path}"
                        );
                    }
                }
            });
        }
    });
}

#[test]
fn non_default_policies_are_named_in_the_policy_block() {
    let cases: Vec<(&str, &str, PolicyCheck)> = vec![
        (
            "level",
            "{ pofwarn_clear: level, hysteresis_mv: 60 }",
            Box::new(|p: &Policy| p.pofwarn_clear == ClearPolicy::Level && p.hysteresis_mv == 60),
        ),
        (
            "rearm",
            "{ pofwarn_clear: re-arm }",
            Box::new(|p: &Policy| p.pofwarn_clear == ClearPolicy::ReArm),
        ),
        (
            "cfun",
            "{ pofwarn_clear: cfun-cycle }",
            Box::new(|p: &Policy| p.pofwarn_clear == ClearPolicy::CfunCycle),
        ),
        (
            "reset",
            "{ pofwarn_clear: reset }",
            Box::new(|p: &Policy| p.pofwarn_clear == ClearPolicy::Reset),
        ),
        (
            "power",
            "{ pofwarn_clear: power-cycle }",
            Box::new(|p: &Policy| p.pofwarn_clear == ClearPolicy::PowerCycle),
        ),
        (
            "ow519",
            "{ overwrite: already_exists_519, protected_overwrite: replace }",
            Box::new(|p: &Policy| {
                p.overwrite == OverwritePolicy::AlreadyExists519
                    && p.protected_overwrite == OverwritePolicy::Replace
            }),
        ),
        (
            "secret",
            "{ secret_read: allow }",
            Box::new(|p: &Policy| p.secret_read == SecretReadPolicy::Allow),
        ),
        (
            "cmee",
            "{ cmee_boot: 1, cmee_survives_cfun: true }",
            Box::new(|p: &Policy| p.cmee_boot == 1 && p.cmee_survives_cfun),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut rack = String::from("name: policies\nduts:\n");
    for (name, policy, _) in &cases {
        rack.push_str(&format!(
            "  - name: {name}\n    simulated: {{ profile: mfw_nrf9160_1.3.6, policy: {policy} }}\n"
        ));
    }
    let path = dir.path().join("rack.yaml");
    std::fs::write(&path, rack).unwrap();
    let boards = lab(RackSource::File(path), dir.path());
    let base = bundled_profile("mfw_nrf9160_1.3.6").unwrap();
    std::thread::scope(|scope| {
        for mut board in boards {
            let (dir, base, cases) = (dir.path(), &base, &cases);
            scope.spawn(move || {
                let name = board.name().to_string();
                let got = measure(&mut board, base, dir);
                let policy = got.policy.clone().unwrap();
                let check = &cases.iter().find(|c| c.0 == name).unwrap().2;
                assert!(check(&policy), "{name}: {policy:?}");
            });
        }
    });
}

#[test]
fn an_interrupted_run_is_cleaned_up_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack.yaml");
    std::fs::write(
        &path,
        "name: r\nduts:\n  - name: b\n    simulated: { profile: mfw_nrf91x1_2.0.2 }\n",
    )
    .unwrap();
    let mut boards = lab(RackSource::File(path), dir.path());
    let board = &mut boards[0];
    board.console().unwrap().set_cmee(1).unwrap();
    let before = settings(board);
    let journal = dir.path().join("b.journal");
    for step in ["cmng", "supply"] {
        let mut opts = Options::new(journal.clone());
        opts.interrupt_after = Some(step.to_string());
        let err = characterize(board, &opts).unwrap_err();
        assert!(err.to_string().contains("interrupted"), "{err}");
        assert!(
            journal.exists(),
            "the journal stays after an interrupted run"
        );
    }
    let base = bundled_profile("mfw_nrf91x1_2.0.2").unwrap();
    measure(board, &base, dir.path());
    assert!(!journal.exists());
    assert_eq!(settings(board), before);
}
