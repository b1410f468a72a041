//! Latency round trip in realistic timing: the simulator adds the UART wire time of command
//! and answer to a profile's processing time, the characterizer takes it off, so characterizing
//! a simulated board gives back its profile's latencies.
//!
//! Tolerance: no figure below the profile's by more than 2 ms (the simulator never answers
//! early; the 2 ms cover rounding), none above it by more than 15 ms or 15 %, whichever is
//! larger (the board thread wakes in whole milliseconds). Checked on each command's fastest run
//! of 7: a loaded machine only ever makes a run later (CI's second test run, under two CPU hogs,
//! once put the median of `%CMNG=2` at 61 ms against 40), never earlier. Before the wire time was modelled on both sides,
//! `%CMNG=0` (a 620-byte command) measured 71 ms against the profile's 120 ms.

use std::path::Path;

use hil_characterize::{Options, characterize};
use hil_lab::{Board, Lab, LabOptions, RackSource};
use hil_sim::profile::bundled_profile;
use hil_sim::rack::{SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;

/// A simulated board in realistic timing, reached as a rack file reaches a real one: by its
/// console alone (no supply: the steps that need one are left out, which keeps this test short).
fn realistic_board(dir: &Path, profile: &str) -> (SimRack, Board) {
    let sim = SimRack::start(SimRackConfig {
        duts: vec![SimDutConfig::new("b", profile)],
        timing: Timing::Realistic,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .expect("simulator up");
    let path = dir.join("rack.yaml");
    std::fs::write(
        &path,
        format!(
            "name: r\nduts:\n  - name: b\n    serial: {{ port: {} }}\n",
            sim.duts()[0].serial.display()
        ),
    )
    .unwrap();
    let opts = LabOptions {
        flash: false,
        workspace_root: dir.to_path_buf(),
        ..LabOptions::default()
    };
    let lab = Lab::bring_up(&RackSource::File(path), &opts).expect("lab up");
    let (mut boards, guard) = lab.into_parts();
    std::mem::forget(guard); // nothing to stop: the rack file has no simulated DUT
    (sim, boards.remove(0))
}

/// Whether `measured` ms reproduces the profile's `want` ms within the stated tolerance.
fn within(measured: u64, want: u64) -> bool {
    let above = (want * 15 / 100).max(15);
    measured + 2 >= want && measured <= want + above
}

#[test]
fn characterizing_a_realistic_board_gives_back_its_profiles_latencies() {
    let dir = tempfile::tempdir().unwrap();
    let name = "mfw_nrf9160_1.3.6";
    let profile = bundled_profile(name).unwrap();
    let (_sim, mut board) = realistic_board(dir.path(), name);
    let mut opts = Options::new(dir.path().join("b.journal"));
    opts.base = Some(profile.clone());
    opts.latency_runs = 7;
    let f = characterize(&mut board, &opts).expect("characterized");

    let mut off = Vec::new();
    let measured_default = *f
        .latency_floor
        .get("default")
        .expect("default latency measured");
    if !within(measured_default, profile.latency.default_ms) {
        off.push(format!(
            "default: {measured_default} ms, profile {} ms",
            profile.latency.default_ms
        ));
    }
    for (command, want) in &profile.latency.commands {
        let got = f.latency_floor.get(command).copied();
        match got {
            Some(got) if within(got, *want) => {}
            _ => off.push(format!("{command}: {got:?} ms, profile {want} ms")),
        }
    }
    assert!(
        off.is_empty(),
        "outside -2 ms / +15 ms or 15 %: {off:#?}\nobserved: {:#?}",
        f.observed
    );
}
