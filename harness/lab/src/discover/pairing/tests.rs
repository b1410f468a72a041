//! Pairing rules on port names as udev writes them for real probes (J-Link OB of the nRF9160
//! and nRF9161 DKs, DAPLink, the Raspberry Pi Debug Probe) and on USB port information.

use super::*;

fn probe(identifier: &str, vid: u16, pid: u16, serial: Option<&str>) -> ProbeInfo {
    let selector = match serial {
        Some(s) => format!("{vid:04x}:{pid:04x}:{s}"),
        None => format!("{vid:04x}:{pid:04x}"),
    };
    ProbeInfo {
        identifier: identifier.into(),
        vendor_id: vid,
        product_id: pid,
        serial_number: serial.map(str::to_string),
        interface: None,
        accessible: true,
        selector,
    }
}

fn jlink(serial: &str) -> ProbeInfo {
    probe("J-Link", 0x1366, 0x1051, Some(serial))
}

fn by_id(name: &str) -> PortUsb {
    PortUsb::named(format!("/dev/serial/by-id/{name}"))
}

fn paired_selector(pairing: &Pairing, port: &PortUsb) -> Option<String> {
    match pairing.of(&port.path) {
        ProbeMatch::Paired(p) => Some(p.selector.clone()),
        _ => None,
    }
}

#[test]
fn a_jlink_pairs_with_its_vcom_by_the_serial_in_the_port_name() {
    let port = by_id("usb-SEGGER_J-Link_000960012345-if00");
    let pairing = pair(&[jlink("000960012345")], std::slice::from_ref(&port));
    assert_eq!(
        paired_selector(&pairing, &port).as_deref(),
        Some("1366:1051:000960012345")
    );
    assert!(pairing.lone_probes.is_empty());
}

#[test]
fn every_vcom_of_an_nrf9161_dk_pairs_with_its_one_jlink() {
    let vcom0 = by_id("usb-SEGGER_J-Link_001050965037-if00");
    let vcom1 = by_id("usb-SEGGER_J-Link_001050965037-if02");
    let pairing = pair(&[jlink("001050965037")], &[vcom0.clone(), vcom1.clone()]);
    for port in [&vcom0, &vcom1] {
        assert_eq!(
            paired_selector(&pairing, port).as_deref(),
            Some("1366:1051:001050965037"),
            "{}",
            port.path.display()
        );
    }
}

#[test]
fn cmsis_dap_probes_pair_by_their_long_or_mixed_case_serials() {
    let daplink_serial = "0240000034544e45001a00018e5d00000000000097969900";
    let daplink = probe("DAPLink CMSIS-DAP", 0x0d28, 0x0204, Some(daplink_serial));
    let pico = probe(
        "Debug Probe (CMSIS-DAP)",
        0x2e8a,
        0x000c,
        Some("E6614103E7176A23"),
    );
    let daplink_port = by_id(&format!("usb-ARM_DAPLink_CMSIS-DAP_{daplink_serial}-if01"));
    let pico_port = by_id("usb-Raspberry_Pi_Debug_Probe__CMSIS-DAP__e6614103e7176a23-if01");
    let pairing = pair(&[daplink, pico], &[daplink_port.clone(), pico_port.clone()]);
    assert_eq!(
        paired_selector(&pairing, &daplink_port),
        Some(format!("0d28:0204:{daplink_serial}"))
    );
    assert_eq!(
        paired_selector(&pairing, &pico_port).as_deref(),
        Some("2e8a:000c:E6614103E7176A23")
    );
}

#[test]
fn the_usb_information_pairs_a_port_whose_name_says_nothing() {
    let port = PortUsb {
        path: "/dev/ttyACM3".into(),
        usb_serial: Some("000960012345".into()),
    };
    let pairing = pair(&[jlink("000960012345")], std::slice::from_ref(&port));
    assert!(paired_selector(&pairing, &port).is_some());
    // The USB information wins over a name that claims another probe.
    let liar = PortUsb {
        path: "/dev/serial/by-id/usb-SEGGER_J-Link_000960012345-if00".into(),
        usb_serial: Some("000960099999".into()),
    };
    let pairing = pair(&[jlink("000960012345")], std::slice::from_ref(&liar));
    assert_eq!(pairing.of(&liar.path), &ProbeMatch::Unpaired);
}

#[test]
fn leading_zeros_of_numeric_serials_do_not_matter() {
    let port = by_id("usb-SEGGER_J-Link_000960012345-if00");
    let pairing = pair(&[jlink("960012345")], std::slice::from_ref(&port));
    assert!(paired_selector(&pairing, &port).is_some());
}

#[test]
fn a_serial_that_is_the_tail_of_another_does_not_pair() {
    let port = by_id("usb-SEGGER_J-Link_000960012345-if00");
    let pairing = pair(
        &[jlink("60012345"), jlink("12345")],
        std::slice::from_ref(&port),
    );
    assert_eq!(pairing.of(&port.path), &ProbeMatch::Unpaired);
    assert_eq!(pairing.lone_probes.len(), 2);
}

#[test]
fn unpaired_ports_and_probes_are_kept() {
    let ftdi = by_id("usb-FTDI_FT232R_USB_UART_A10KZP4T-if00-port0");
    let sim = PortUsb::named("/tmp/links/dut-a");
    let stlink = probe(
        "STLink V3",
        0x0483,
        0x374e,
        Some("0019003A3532510B37333439"),
    );
    let no_serial = probe("J-Link", 0x1366, 0x0101, None);
    let pairing = pair(
        &[stlink.clone(), no_serial.clone()],
        &[ftdi.clone(), sim.clone()],
    );
    assert_eq!(pairing.of(&ftdi.path), &ProbeMatch::Unpaired);
    assert_eq!(pairing.of(&sim.path), &ProbeMatch::Unpaired);
    assert_eq!(pairing.lone_probes, [stlink, no_serial]);
    assert_eq!(pairing.ports.len(), 2, "every port is listed");
}

#[test]
fn an_ftdi_ports_serial_pairs_only_with_a_probe_of_that_serial() {
    // usb-serial adapters end in `-if00-port0`; the serial before them still counts.
    let ftdi = by_id("usb-FTDI_FT232R_USB_UART_A10KZP4T-if00-port0");
    let pairing = pair(
        &[probe("FTDI", 0x0403, 0x6014, Some("A10KZP4T"))],
        std::slice::from_ref(&ftdi),
    );
    assert!(paired_selector(&pairing, &ftdi).is_some());
}

#[test]
fn two_boards_pair_each_with_its_own_probe() {
    let a = by_id("usb-SEGGER_J-Link_000960011111-if00");
    let b = by_id("usb-SEGGER_J-Link_001050922222-if00");
    let pairing = pair(
        &[jlink("001050922222"), jlink("000960011111")],
        &[a.clone(), b.clone()],
    );
    assert_eq!(
        paired_selector(&pairing, &a).as_deref(),
        Some("1366:1051:000960011111")
    );
    assert_eq!(
        paired_selector(&pairing, &b).as_deref(),
        Some("1366:1051:001050922222")
    );
    assert!(pairing.lone_probes.is_empty());
}

#[test]
fn two_probes_with_one_serial_are_ambiguous_not_guessed() {
    let port = by_id("usb-SEGGER_J-Link_000960012345-if00");
    let one = jlink("000960012345");
    let other = probe("J-Link", 0x1366, 0x1015, Some("000960012345"));
    let pairing = pair(&[one.clone(), other.clone()], std::slice::from_ref(&port));
    assert_eq!(
        pairing.of(&port.path),
        &ProbeMatch::Ambiguous(vec![one, other])
    );
}

#[test]
fn serials_with_spaces_match_the_underscores_udev_writes() {
    let port = by_id("usb-Acme_Probe_AB_12-if00");
    let pairing = pair(
        &[probe("Acme", 0x1234, 0x5678, Some("AB 12"))],
        std::slice::from_ref(&port),
    );
    assert!(paired_selector(&pairing, &port).is_some());
}

#[test]
fn no_probes_no_pairs() {
    let port = by_id("usb-SEGGER_J-Link_000960012345-if00");
    let pairing = pair(&[], std::slice::from_ref(&port));
    assert_eq!(pairing.of(&port.path), &ProbeMatch::Unpaired);
    assert!(pairing.lone_probes.is_empty());
    assert_eq!(
        pairing.of(Path::new("/elsewhere")),
        &ProbeMatch::Unpaired,
        "a port pairing was not given"
    );
}
