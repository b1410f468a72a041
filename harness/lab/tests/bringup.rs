//! Bring-up of the simulated rack through the real transports: ptys, TCP supplies, the
//! simulated probe.

use std::path::Path;
use std::time::Duration;

use hil_lab::{Lab, LabOptions, RackSource, SupplyState};
use hil_runner::DutSession;
use hil_sim::rack::{SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;

fn opts() -> LabOptions {
    LabOptions {
        // No CI build or FUT_ELF must leak into these tests.
        workspace_root: std::env::temp_dir().join("hil-lab-no-workspace"),
        firmware: None,
        ..LabOptions::default()
    }
}

#[test]
fn the_default_simulated_rack_comes_up_bound_and_powered() {
    let lab = Lab::bring_up(
        &RackSource::Simulated,
        &LabOptions {
            flash: false,
            ..opts()
        },
    )
    .expect("lab up");
    assert!(lab.boards.len() >= 6, "one board per bundled profile");
    for board in &lab.boards {
        assert!(
            board.fault().is_none(),
            "{}: {:?} {:?}",
            board.name(),
            board.fault(),
            board.notes
        );
        let id = board.identity().expect("identity read");
        assert_eq!(
            Some(board.spec.expected_mfw.as_ref().unwrap()),
            id.mfw.as_ref(),
            "bound to its profile"
        );
        assert!(
            matches!(board.supply(), SupplyState::Usable(_)),
            "{} has its supply",
            board.name()
        );
        assert!(board.firmware().is_some());
        assert!(
            board
                .properties()
                .iter()
                .any(|(k, _)| k == hil_runner::props::IMEI_HASH)
        );
    }
}

fn write_rack(
    dir: &Path,
    a: &hil_sim::rack::SimDut,
    b: &hil_sim::rack::SimDut,
    swap: bool,
) -> std::path::PathBuf {
    let (port_a, port_b) = if swap {
        (&b.serial, &a.serial)
    } else {
        (&a.serial, &b.serial)
    };
    let text = format!(
        "name: swap-test\nduts:\n  - name: a\n    serial: {{ port: {pa} }}\n    expected_imei: \"{ia}\"\n    expected_mfw: {ma}\n  - name: b\n    serial: {{ port: {pb} }}\n    expected_imei: \"{ib}\"\n    expected_mfw: {mb}\n",
        pa = port_a.display(),
        pb = port_b.display(),
        ia = a.imei,
        ib = b.imei,
        ma = a.profile,
        mb = b.profile,
    );
    let path = dir.join("rack.yaml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn swapped_ports_stop_both_boards_before_anything_is_written() {
    let sim = SimRack::start(SimRackConfig {
        duts: vec![
            SimDutConfig::new("a", "mfw_nrf9160_1.3.6"),
            SimDutConfig::new("b", "mfw_nrf9160_1.3.6"),
        ],
        timing: Timing::Fast,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .unwrap();
    let (a, b) = (&sim.duts()[0], &sim.duts()[1]);
    let dir = tempfile::tempdir().unwrap();

    let straight = write_rack(dir.path(), a, b, false);
    let lab = Lab::bring_up(
        &RackSource::File(straight),
        &LabOptions {
            flash: false,
            ..opts()
        },
    )
    .unwrap();
    for board in &lab.boards {
        assert!(board.fault().is_none(), "correct wiring binds");
    }
    drop(lab);

    let swapped = write_rack(dir.path(), a, b, true);
    let fw_before = a.control.fw_id();
    let lab = Lab::bring_up(&RackSource::File(swapped), &opts()).unwrap();
    for board in &lab.boards {
        let fault = board.fault().expect("swap detected").to_string();
        assert!(fault.contains("identity mismatch"), "{fault}");
        assert!(fault.contains("IMEI"), "{fault}");
    }
    assert!(a.control.credentials().is_empty(), "nothing written");
    assert_eq!(a.control.fw_id(), fw_before, "not flashed");
}

fn elf_bytes(machine: object::Architecture, size: usize, fw_id: Option<&str>) -> Vec<u8> {
    use object::write::{Object, StandardSection, Symbol, SymbolSection};
    use object::{BinaryFormat, Endianness, SymbolFlags, SymbolKind, SymbolScope};
    let mut obj = Object::new(BinaryFormat::Elf, machine, Endianness::Little);
    let text = obj.section_id(StandardSection::Text);
    obj.append_section_data(text, &vec![0u8; size], 4);
    if let Some(id) = fw_id {
        let data = obj.section_id(StandardSection::ReadOnlyData);
        let mut bytes = [0u8; 64];
        bytes[..id.len()].copy_from_slice(id.as_bytes());
        let offset = obj.append_section_data(data, &bytes, 1);
        obj.add_symbol(Symbol {
            name: b"HIL_FW_ID".to_vec(),
            value: offset,
            size: 64,
            kind: SymbolKind::Data,
            scope: SymbolScope::Dynamic,
            weak: false,
            section: SymbolSection::Section(data),
            flags: SymbolFlags::None,
        });
    }
    obj.write().unwrap()
}

#[test]
fn a_bad_image_stops_the_lab_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, Vec<u8>, &str); 2] = [
        ("notes.txt", b"this is not firmware".to_vec(), "not"),
        (
            "x86.elf",
            elf_bytes(object::Architecture::X86_64, 64, None),
            "arm",
        ),
    ];
    for (name, bytes, needle) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let err = match Lab::bring_up(
            &RackSource::Simulated,
            &LabOptions {
                firmware: Some(path.clone()),
                ..opts()
            },
        ) {
            Ok(_) => panic!("{name} accepted"),
            Err(e) => e.to_string(),
        };
        assert!(err.contains(name), "error names the file: {err}");
        assert!(err.to_lowercase().contains(needle), "{name}: {err}");
    }
}

/// A firmware image the rack file names but that is missing (or is no firmware) is a rack-file
/// error at the `firmware_image` line.
#[test]
fn a_bad_rack_file_image_is_reported_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "this is not firmware").unwrap();
    for (image, needle) in [("missing.elf", "does not exist"), ("notes.txt", "not")] {
        let rack = dir.path().join("rack.yaml");
        std::fs::write(
            &rack,
            format!(
                "name: r\nfirmware_image: {image}\nduts:\n  - name: s\n    simulated: {{ profile: mfw_nrf9160_1.3.6 }}\n"
            ),
        )
        .unwrap();
        let err = match Lab::bring_up(&RackSource::File(rack.clone()), &opts()) {
            Ok(_) => panic!("{image} accepted"),
            Err(e) => e,
        };
        assert!(matches!(err, hil_lab::LabError::Rack(_)), "{err}");
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("{}:2:", rack.display())),
            "{shown}"
        );
        assert!(shown.contains("firmware_image: "), "{shown}");
        assert!(shown.contains(image) && shown.contains(needle), "{shown}");
    }
}

#[test]
fn a_hung_board_is_recovered_by_a_power_cycle() {
    let lab = Lab::bring_up(
        &RackSource::Simulated,
        &LabOptions {
            flash: false,
            ..opts()
        },
    )
    .unwrap();
    let (mut boards, _guard) = lab.into_parts();
    let board = &mut boards[0];
    let sim = board.sim.clone().unwrap();
    sim.control.freeze(true);
    let at = board.console().unwrap();
    let err = at
        .command_timeout("AT", Duration::from_millis(300))
        .unwrap_err();
    assert!(err.is_timeout(), "{err}");
    board.recover().expect("power cycle brings it back");
    assert!(!sim.control.frozen());
    assert!(board.console().unwrap().command("AT").unwrap().is_ok());
    let log = sim.control.supply_log().expect("scpi log").commands();
    assert!(
        log.iter()
            .any(|c| c.to_uppercase().contains("OUTP") && c.to_uppercase().contains("OFF")),
        "{log:?}"
    );
}

#[test]
fn every_simulated_supply_model_is_driven_through_its_own_driver() {
    let models = [
        "generic-scpi",
        "keysight-e36300",
        "keysight-e3631a",
        "rigol-dp800",
        "siglent-spd3303x",
        "rs-hmc804x",
        "rs-nge100",
        "keithley-2230",
        "keithley-2280",
        "korad",
        "ppk2",
    ];
    let mut rack = String::from("name: supplies\nduts:\n");
    for (i, model) in models.iter().enumerate() {
        rack.push_str(&format!(
            "  - name: s{i}\n    simulated: {{ profile: mfw_nrf9160_1.3.6, supply_model: {model} }}\n"
        ));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack.yaml");
    std::fs::write(&path, rack).unwrap();
    let lab = Lab::bring_up(
        &RackSource::File(path),
        &LabOptions {
            flash: false,
            ..opts()
        },
    )
    .expect("lab up");
    for (board, model) in lab.boards.into_iter().zip(models) {
        let mut board = board;
        assert!(board.fault().is_none(), "{model}: {:?}", board.fault());
        let supply = board
            .power()
            .unwrap_or_else(|e| panic!("{model}: {e}"))
            .expect("a supply");
        let id = supply.identify().unwrap_or_else(|e| panic!("{model}: {e}"));
        assert!(!id.is_empty(), "{model}");
        board
            .recover()
            .unwrap_or_else(|e| panic!("{model}: power cycle: {e}"));
    }
}

/// What the simulator refuses in a rack file (an unknown profile, an unknown policy knob or a
/// value it cannot take) is a rack-file error at the line of the value.
#[test]
fn unknown_simulator_profiles_and_policy_knobs_name_their_line() {
    let head = "name: r\nduts:\n  - name: ok\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n  - name: s\n    simulated:\n";
    let cases = [
        (
            "      profile: mfw_nrf9160_9.9.9\n",
            7,
            "duts[1].simulated.profile",
            "unknown simulator profile `mfw_nrf9160_9.9.9`",
        ),
        (
            "      profile: mfw_nrf9160_1.3.6\n      policy:\n        hysteresis_mv: 10\n        no_such_knob: 1\n",
            10,
            "duts[1].simulated.policy",
            "no_such_knob",
        ),
        (
            "      profile: mfw_nrf9160_1.3.6\n      policy: { hysteresis_mv: lots }\n",
            8,
            "duts[1].simulated.policy",
            "lots",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack.yaml");
    for (tail, line, field, words) in cases {
        std::fs::write(&path, format!("{head}{tail}")).unwrap();
        let err = match Lab::bring_up(&RackSource::File(path.clone()), &opts()) {
            Ok(_) => panic!("accepted: {tail}"),
            Err(e) => e,
        };
        let shown = err.to_string();
        assert!(matches!(err, hil_lab::LabError::Rack(_)), "{shown}");
        assert!(
            shown.starts_with(&format!("{}:{line}:", path.display())),
            "{shown}"
        );
        assert!(shown.contains(field), "{shown}");
        assert!(shown.contains(words), "{shown}");
    }
}

/// A rack file's `profile_dirs` (relative to the file): a board runs the profile found there,
/// its report properties say which file; a directory that is not there, a malformed profile
/// and two directories with the same firmware are errors naming the file and line.
#[test]
fn profile_dirs_of_a_rack_file_give_boards_their_profile_and_errors_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("profiles");
    std::fs::create_dir(&profiles).unwrap();
    let bundled = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../sim/profiles/mfw_nrf9160_1.3.6.yaml"
    );
    // A firmware no bundled profile has, so only the directory can give its board.
    let added = hil_sim::profile::unbundled_successor("mfw_nrf9160_1.3.6").unwrap();
    let added_file = format!("{added}.yaml");
    let text = std::fs::read_to_string(bundled)
        .unwrap()
        .replace("1.3.6", added.trim_start_matches("mfw_nrf9160_"));
    std::fs::write(profiles.join(&added_file), &text).unwrap();
    let path = dir.path().join("rack.yaml");
    let rack = |dirs: &str| {
        format!(
            "name: r\nprofile_dirs: {dirs}\nduts:\n  - name: new\n    simulated: {{ profile: {added} }}\n  - name: old\n    simulated: {{ profile: mfw_nrf9160_1.3.1 }}\n"
        )
    };
    let up = |dirs: &str| {
        std::fs::write(&path, rack(dirs)).unwrap();
        Lab::bring_up(
            &RackSource::File(path.clone()),
            &LabOptions {
                flash: false,
                ..opts()
            },
        )
    };

    let lab = up("[profiles]").expect("lab up");
    let source = |name: &str| {
        let board = lab.boards.iter().find(|b| b.name() == name).unwrap();
        let props = board.properties();
        let (_, v) = props
            .iter()
            .find(|(k, _)| k == hil_runner::props::SIM_PROFILE_SOURCE)
            .unwrap();
        v.clone()
    };
    let file = profiles.join(&added_file);
    assert_eq!(source("new"), file.display().to_string());
    assert_eq!(source("old"), "bundled:mfw_nrf9160_1.3.1");
    let board = lab.boards.iter().find(|b| b.name() == "new").unwrap();
    assert!(board.fault().is_none(), "{:?}", board.fault());
    drop(lab);

    let err = up("[profiles, missing]")
        .err()
        .expect("refused")
        .to_string();
    assert!(
        err.starts_with(&format!("{}:2:", path.display())) && err.contains("profile_dirs[1]"),
        "{err}"
    );

    let twin = dir.path().join("twin");
    std::fs::create_dir(&twin).unwrap();
    std::fs::write(twin.join(&added_file), &text).unwrap();
    let err = up("[profiles, twin]").err().expect("refused").to_string();
    assert!(
        err.contains(&file.display().to_string())
            && err.contains(&twin.join(&added_file).display().to_string()),
        "{err}"
    );

    std::fs::write(twin.join(&added_file), format!("mfw: {added}\nbogus: 1\n")).unwrap();
    let err = up("[twin]").err().expect("refused").to_string();
    let bad = twin.join(&added_file);
    assert!(err.contains(&format!("{}:2:", bad.display())), "{err}");
}

/// A rack entry for `dut` as a real board: its pty, and the supply at `supply` (JSON is YAML).
fn real_entry(name: &str, dut: &hil_sim::rack::SimDut, supply: &hil_rack::SupplySpec) -> String {
    format!(
        "  - name: {name}\n    serial: {{ port: {port} }}\n    supply: {supply}\n    limits: {{ min_volts: 2.0, max_volts: 5.0, max_amps: 1.0 }}\n",
        port = dut.serial.display(),
        supply = serde_json::to_string(supply).unwrap(),
    )
}

/// A rack file (in a directory that lives as long as the returned guard) naming the simulated
/// DUTs `a` and `b` as real boards: their ports and SCPI supplies.
fn real_rack(
    a: &hil_sim::rack::SimDut,
    b: &hil_sim::rack::SimDut,
) -> (tempfile::TempDir, std::path::PathBuf) {
    let text = format!(
        "name: r\nduts:\n{}{}",
        real_entry("a", a, &hil_lab::simulated::supply_spec(a)),
        real_entry("b", b, &hil_lab::simulated::supply_spec(b)),
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack.yaml");
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

fn two_sims() -> SimRack {
    SimRack::start(SimRackConfig {
        duts: vec![
            SimDutConfig::new("a", "mfw_nrf9160_1.3.6"),
            SimDutConfig::new("b", "mfw_nrf9160_1.3.6"),
        ],
        timing: Timing::Fast,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .unwrap()
}

/// A supply that refuses the connection, or accepts it and never answers, makes its board an
/// infrastructure error at bring-up naming the supply; the other board comes up.
#[test]
fn a_supply_that_does_not_answer_faults_its_board_at_bring_up() {
    let sim = two_sims();
    let (a, b) = (&sim.duts()[0], &sim.duts()[1]);
    let refused = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_addr = silent.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for conn in silent.incoming() {
            held.push(conn);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    for (address, words) in [
        (refused.to_string(), "opening the supply"),
        (silent_addr.to_string(), "does not answer"),
    ] {
        let dead = hil_rack::SupplySpec {
            address: address.clone(),
            ..hil_lab::simulated::supply_spec(b)
        };
        let text = format!(
            "name: r\nduts:\n{}{}",
            real_entry("good", a, &hil_lab::simulated::supply_spec(a)),
            real_entry("dead", b, &dead),
        );
        let path = dir.path().join("rack.yaml");
        std::fs::write(&path, text).unwrap();
        let lab = Lab::bring_up(
            &RackSource::File(path),
            &LabOptions {
                flash: false,
                ..opts()
            },
        )
        .expect("the lab comes up");
        let (mut boards, _guard) = lab.into_parts();
        assert!(boards[0].fault().is_none(), "{:?}", boards[0].fault());
        assert!(matches!(boards[0].supply(), SupplyState::Usable(_)));
        let board = &mut boards[1];
        let fault = board.fault().expect("the dead supply faults the board");
        assert!(
            matches!(fault, hil_lab::BoardFault::Supply { .. }),
            "{fault}"
        );
        let shown = fault.to_string();
        assert!(shown.contains(&address) && shown.contains(words), "{shown}");
        let recover = board.recover().unwrap_err().to_string();
        assert!(
            recover.contains(&address),
            "recovery names the supply: {recover}"
        );
    }
}

/// Bring-up opens the console (exclusive) before it sends anything to the supply: a board whose
/// console another program holds gets no byte on its supply.
#[test]
fn a_busy_console_means_nothing_reaches_the_supply() {
    let sim = two_sims();
    let (a, b) = (&sim.duts()[0], &sim.duts()[1]);
    let held = hil_at::AtClient::open_with(&b.serial, b.baud, hil_at::ClientConfig::default())
        .expect("another program holds b's console");
    let (_dir, path) = real_rack(a, b);
    let lab = Lab::bring_up(
        &RackSource::File(path),
        &LabOptions {
            flash: false,
            ..opts()
        },
    )
    .expect("the lab comes up");
    assert!(
        lab.boards[0].fault().is_none(),
        "{:?}",
        lab.boards[0].fault()
    );
    let fault = lab.boards[1].fault().expect("b's console is busy");
    assert!(
        matches!(fault, hil_lab::BoardFault::ConsoleOpen(_)),
        "{fault}"
    );
    assert!(
        matches!(lab.boards[1].supply(), SupplyState::Failed(f) if matches!(**f, hil_lab::SupplyFault::NotOpened))
    );
    let sent_a = a.control.supply_log().expect("a's scpi log").commands();
    assert!(!sent_a.is_empty(), "a's supply was driven");
    let sent_b = b.control.supply_log().expect("b's scpi log").commands();
    assert!(sent_b.is_empty(), "nothing reached b's supply: {sent_b:?}");
    drop(held);
}

/// Under `--no-flash` (or without an image) nothing speaks of flashing: a silent board is a
/// board that does not answer, not one that stopped answering "after flashing".
#[test]
fn a_silent_board_without_flashing_is_not_described_as_flashed() {
    let sim = two_sims();
    let (a, b) = (&sim.duts()[0], &sim.duts()[1]);
    b.control.freeze(true);
    let text = format!(
        "name: r\nduts:\n  - name: a\n    serial: {}\n  - name: b\n    serial: {}\n",
        a.serial.display(),
        b.serial.display()
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack.yaml");
    std::fs::write(&path, text).unwrap();
    let lab = Lab::bring_up(
        &RackSource::File(path),
        &LabOptions {
            flash: false,
            console_timeout: Duration::from_millis(500),
            ..opts()
        },
    )
    .expect("the lab comes up");
    assert!(lab.boards[0].fault().is_none());
    let board = &lab.boards[1];
    let fault = board.fault().expect("b is silent").to_string();
    assert!(fault.contains("does not answer"), "{fault}");
    assert!(!fault.contains("flash"), "{fault}");
    for note in &board.notes {
        assert!(!note.contains("flash"), "{note}");
    }
    assert!(
        lab.notes.iter().any(|n| n == "flashing disabled"),
        "{:?}",
        lab.notes
    );
}

/// A board that never answered shows the rack's `expected_mfw` (so its errors land in the
/// matrix row of that firmware), and its properties say that this firmware was not read from
/// it; a board that answered says nothing of the kind.
#[test]
fn a_silent_boards_firmware_is_marked_as_the_rack_files_expectation() {
    use hil_runner::{DutSession, props};
    let sim = two_sims();
    let (a, b) = (&sim.duts()[0], &sim.duts()[1]);
    b.control.freeze(true);
    let text = format!(
        "name: r\nduts:\n  - name: a\n    serial: {}\n    expected_mfw: {}\n  - name: b\n    serial: {}\n    expected_mfw: {}\n",
        a.serial.display(),
        a.profile,
        b.serial.display(),
        b.profile
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rack.yaml");
    std::fs::write(&path, text).unwrap();
    let options = LabOptions {
        flash: false,
        console_timeout: Duration::from_millis(500),
        ..opts()
    };
    let lab = Lab::bring_up(&RackSource::File(path), &options).expect("the lab comes up");
    let mfw_from = |board: &hil_lab::Board| {
        board
            .properties()
            .into_iter()
            .find(|(k, _)| k == props::MFW_FROM)
            .map(|(_, v)| v)
    };
    assert!(lab.boards[0].fault().is_none());
    assert_eq!(mfw_from(&lab.boards[0]), None);
    let silent = &lab.boards[1];
    assert!(silent.fault().is_some());
    assert_eq!(silent.firmware(), silent.spec.expected_mfw.as_ref());
    let said = mfw_from(silent).expect("the silent board says where its mfw came from");
    assert!(said.contains("did not report"), "{said}");
}

/// A stop requested before a board's bring-up begins leaves the board alone: no port opened,
/// no byte on its supply, and a fault that says why — not a fault of the board.
#[test]
fn a_stop_before_bring_up_leaves_every_board_untouched() {
    let sim = two_sims();
    let (a, b) = (&sim.duts()[0], &sim.duts()[1]);
    let (_dir, path) = real_rack(a, b);
    let stop = hil_runner::StopFlag::new();
    stop.request();
    let lab = Lab::bring_up(&RackSource::File(path), &LabOptions { stop, ..opts() })
        .expect("the lab comes up");
    assert_eq!(lab.boards.len(), 2);
    for (board, dut) in lab.boards.iter().zip([a, b]) {
        let fault = board.fault().expect("left alone");
        assert!(fault.is_not_started(), "{}: {fault}", board.name());
        assert!(board.identity().is_none());
        assert!(
            matches!(board.supply(), SupplyState::Failed(f) if matches!(**f, hil_lab::SupplyFault::NotOpened))
        );
        let sent = dut.control.supply_log().expect("scpi log").commands();
        assert!(
            sent.is_empty(),
            "nothing reached {}: {sent:?}",
            board.name()
        );
        // The console was never opened: another program can take it.
        hil_at::AtClient::open_with(&dut.serial, dut.baud, hil_at::ClientConfig::default())
            .expect("the console is free");
    }
}
