//! The skeleton parses as a rack file, with `probe:` for paired boards and comments for every
//! port and probe that could not be placed.

use std::path::PathBuf;

use hil_model::MfwVersion;

use super::*;
use crate::discover::pairing::{PortUsb, pair};

fn board(port: &str, imei: Option<&str>) -> PortAnswer {
    PortAnswer::Board {
        port: PathBuf::from(port),
        revision: "mfw_nrf9160_1.3.6".into(),
        mfw: MfwVersion::parse("mfw_nrf9160_1.3.6").ok(),
        imei: imei.map(str::to_string),
        firmware_id: Some("0.1.0".into()),
    }
}

fn silent(port: &str) -> PortAnswer {
    PortAnswer::Silent {
        port: port.into(),
        why: "no answer\nto AT".into(),
    }
}

fn jlink(serial: &str) -> ProbeInfo {
    ProbeInfo {
        identifier: "J-Link".into(),
        vendor_id: 0x1366,
        product_id: 0x1051,
        serial_number: Some(serial.into()),
        interface: None,
        accessible: true,
        selector: format!("1366:1051:{serial}"),
    }
}

/// Pairs the ports of `answers` (by name) with `probes`.
fn paired(answers: &[PortAnswer], probes: &[ProbeInfo]) -> Pairing {
    let ports: Vec<PortUsb> = answers.iter().map(|a| PortUsb::named(a.port())).collect();
    pair(probes, &ports)
}

fn parse(yaml: &str) -> hil_rack::RackFile {
    hil_rack::parse(yaml, "skeleton").unwrap_or_else(|e| panic!("{e}\n{yaml}"))
}

const DIR: &str = "/dev/serial/by-id";

#[test]
fn the_skeleton_validates_and_keeps_silent_ports() {
    let answers = [
        board(
            "/dev/serial/by-id/usb-SEGGER_J-Link_000960012345-if00",
            Some("352656100123456"),
        ),
        // Another port with the same file name: the guessed name gets a suffix (one port
        // twice would be refused: two boards cannot share a console).
        board(
            "/dev/serial/by-path/usb-SEGGER_J-Link_000960012345-if00",
            None,
        ),
        silent("/dev/serial/by-id/usb-FTDI-if00"),
    ];
    let yaml = rack_skeleton(
        "bench: \"a\"",
        Path::new(DIR),
        &answers,
        &Pairing::default(),
    )
    .unwrap();
    let rack = parse(&yaml);
    assert_eq!(rack.name, "bench: \"a\"");
    assert_eq!(rack.duts.len(), 2);
    assert_eq!(rack.duts[0].name, "usb-SEGGER_J-Link_000960012345-if00");
    assert_eq!(rack.duts[1].name, "usb-SEGGER_J-Link_000960012345-if00-2");
    assert_eq!(
        rack.duts[0].expected_imei.as_ref().unwrap().as_str(),
        "352656100123456"
    );
    assert!(
        yaml.contains("#   /dev/serial/by-id/usb-FTDI-if00: no answer?to AT"),
        "{yaml}"
    );
    assert!(
        yaml.contains("# probe-rs lists no debug probe on this host"),
        "{yaml}"
    );
}

#[test]
fn without_a_board_there_is_no_rack() {
    let answers = [silent("p")];
    assert_eq!(
        rack_skeleton("r", Path::new("d"), &answers, &Pairing::default()),
        None
    );
}

#[test]
fn a_paired_board_gets_its_probe_and_an_unpaired_one_a_comment() {
    let answers = [
        board(
            "/dev/serial/by-id/usb-SEGGER_J-Link_000960011111-if00",
            None,
        ),
        board(
            "/dev/serial/by-id/usb-FTDI_FT232R_A10KZP4T-if00-port0",
            None,
        ),
    ];
    let pairing = paired(&answers, &[jlink("000960011111")]);
    let yaml = rack_skeleton("r", Path::new(DIR), &answers, &pairing).unwrap();
    let rack = parse(&yaml);
    assert_eq!(
        rack.duts[0]
            .probe
            .as_ref()
            .map(|p| p.to_string())
            .as_deref(),
        Some("1366:1051:000960011111"),
        "{yaml}"
    );
    assert!(
        yaml.contains(
            "probe: \"1366:1051:000960011111\"  # paired: J-Link carries this port's USB serial"
        ),
        "the guess is marked: {yaml}"
    );
    assert_eq!(rack.duts[1].probe, None);
    assert!(
        yaml.contains("# probe: no attached debug probe carries this port's USB serial"),
        "{yaml}"
    );
}

#[test]
fn two_boards_each_get_their_own_probe() {
    let answers = [
        board(
            "/dev/serial/by-id/usb-SEGGER_J-Link_000960011111-if00",
            Some("352656100000001"),
        ),
        board(
            "/dev/serial/by-id/usb-SEGGER_J-Link_001050922222-if00",
            Some("352656100000002"),
        ),
    ];
    let pairing = paired(&answers, &[jlink("001050922222"), jlink("000960011111")]);
    let rack = parse(&rack_skeleton("r", Path::new(DIR), &answers, &pairing).unwrap());
    let probes: Vec<String> = rack
        .duts
        .iter()
        .map(|d| d.probe.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(probes, ["1366:1051:000960011111", "1366:1051:001050922222"]);
}

#[test]
fn a_dk_whose_second_vcom_is_silent_gets_the_probe_once() {
    let answers = [
        board(
            "/dev/serial/by-id/usb-SEGGER_J-Link_001050965037-if00",
            None,
        ),
        silent("/dev/serial/by-id/usb-SEGGER_J-Link_001050965037-if02"),
    ];
    let pairing = paired(&answers, &[jlink("001050965037")]);
    let yaml = rack_skeleton("r", Path::new(DIR), &answers, &pairing).unwrap();
    let rack = parse(&yaml);
    assert_eq!(rack.duts.len(), 1);
    assert!(rack.duts[0].probe.is_some(), "{yaml}");
    assert!(
        yaml.contains("usb-SEGGER_J-Link_001050965037-if02: no answer?to AT (probe J-Link (1366:1051:001050965037))"),
        "{yaml}"
    );
}

#[test]
fn a_probe_two_answering_ports_carry_is_left_to_a_person() {
    let answers = [
        board(
            "/dev/serial/by-id/usb-SEGGER_J-Link_001050965037-if00",
            None,
        ),
        board(
            "/dev/serial/by-id/usb-SEGGER_J-Link_001050965037-if02",
            None,
        ),
    ];
    let pairing = paired(&answers, &[jlink("001050965037")]);
    let yaml = rack_skeleton("r", Path::new(DIR), &answers, &pairing).unwrap();
    let rack = parse(&yaml);
    assert!(rack.duts.iter().all(|d| d.probe.is_none()), "{yaml}");
    assert_eq!(
        yaml.matches("which answered AT too; a probe debugs one")
            .count(),
        2,
        "{yaml}"
    );
}

#[test]
fn probes_without_a_console_are_listed() {
    let answers = [board(
        "/dev/serial/by-id/usb-SEGGER_J-Link_000960011111-if00",
        None,
    )];
    let mut no_serial = jlink("x");
    no_serial.serial_number = None;
    no_serial.selector = "1366:0101".into();
    no_serial.accessible = false;
    let pairing = paired(
        &answers,
        &[jlink("000960011111"), jlink("683123456"), no_serial],
    );
    let yaml = rack_skeleton("r", Path::new(DIR), &answers, &pairing).unwrap();
    parse(&yaml);
    assert!(
        yaml.contains("#   J-Link (1366:1051:683123456)\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("#   J-Link (1366:0101) [permission denied]\n"),
        "{yaml}"
    );
}

#[test]
fn a_probe_selector_a_rack_file_refuses_becomes_a_comment() {
    let answers = [board("/dev/serial/by-id/usb-Acme_Probe_AB_12-if00", None)];
    let mut probe = jlink("AB 12");
    probe.selector = "1366:1051:AB 12".into();
    let pairing = paired(&answers, &[probe]);
    let yaml = rack_skeleton("r", Path::new(DIR), &answers, &pairing).unwrap();
    let rack = parse(&yaml);
    assert_eq!(rack.duts[0].probe, None);
    assert!(yaml.contains("# probe: bad probe selector"), "{yaml}");
}
