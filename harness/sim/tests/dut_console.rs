//! A simulated board's console over its pty, byte for byte as a serial client sees it:
//! banner, commands, local commands, echo, long lines, credential writes, reconnects.

mod common;

use std::time::{Duration, Instant};

use common::{Client, SOON, one, pem, power_off, power_on, sha256_upper};
use hil_sim::dut::DEFAULT_FW_ID;

const PROFILE: &str = "mfw_nrf9160_1.3.6";

#[test]
fn the_banner_follows_power_up() {
    let rack = one("banner", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    power_off(dut);
    assert!(
        c.read_for(Duration::from_millis(50)).is_empty(),
        "silent while off"
    );
    power_on(dut);
    let banner = c.read_banner();
    assert_eq!(banner, format!("#XFWVER: \"{DEFAULT_FW_ID}\"\r\nREADY\r\n"));
}

#[test]
fn the_first_client_finds_the_boot_banner_waiting() {
    let rack = one("first", PROFILE);
    let mut c = Client::open_raw(&rack.duts()[0]);
    assert!(c.read_banner().ends_with("READY\r\n"));
}

#[test]
fn at_answers_ok() {
    let rack = one("at", PROFILE);
    let mut c = Client::open(&rack.duts()[0]);
    assert_eq!(c.command("AT"), "OK\r\n");
    // CR, LF and CRLF each end exactly one command (firmware.md §4 rule 1).
    c.send(b"AT\nAT\r\nAT\r");
    let three = c.read_until(SOON, |t| t.matches("OK\r\n").count() == 3);
    assert_eq!(three, "OK\r\nOK\r\nOK\r\n");
}

#[test]
fn a_pem_with_line_feeds_inside_quotes_is_one_command_stored_verbatim() {
    let rack = one("pem", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    let cert = pem(900);
    let answer = c.command(&format!("AT%CMNG=0,4242,0,\"{cert}\""));
    assert_eq!(answer, "OK\r\n");
    let stored = dut.control.credentials();
    let item = stored.iter().find(|(tag, ty, _)| (*tag, *ty) == (4242, 0));
    assert_eq!(item.map(|(_, _, b)| b.as_slice()), Some(cert.as_bytes()));
    let list = c.command("AT%CMNG=1,4242,0");
    assert_eq!(
        list,
        format!(
            "%CMNG: 4242,0,\"{}\"\r\nOK\r\n",
            sha256_upper(cert.as_bytes())
        )
    );
}

#[test]
fn echo_follows_ate1_and_ate0() {
    let rack = one("echo", PROFILE);
    let mut c = Client::open(&rack.duts()[0]);
    assert_eq!(c.command("AT"), "OK\r\n", "echo is off by default");
    assert_eq!(c.command("ATE1"), "OK\r\n");
    assert_eq!(c.command("AT"), "AT\r\nOK\r\n");
    c.send(b"ATX\x08\r");
    assert_eq!(
        c.read_until(SOON, common::has_final_result),
        "ATX\x08 \x08\r\nOK\r\n"
    );
    assert_eq!(c.command("ATE0"), "ATE0\r\nOK\r\n");
    assert_eq!(c.command("AT"), "OK\r\n");
}

#[test]
fn a_4097_byte_line_is_rejected_whole() {
    let rack = one("long", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    let before = dut.control.stats().commands;
    let mut line = b"AT%CMNG=0,7,0,\"".to_vec();
    line.resize(4096, b'A');
    line.push(b'"'); // 4097 bytes, closing quote included
    line.push(b'\r');
    c.send(&line);
    let answer = c.read_until(SOON, common::has_final_result);
    assert_eq!(answer, "#XFWERR: line too long\r\nERROR\r\n");
    assert_eq!(
        dut.control.stats().commands,
        before,
        "nothing reached the modem"
    );
    assert!(
        dut.control
            .credentials()
            .iter()
            .all(|(tag, _, _)| *tag != 7)
    );
    assert_eq!(c.command("AT"), "OK\r\n", "the console is usable again");
}

#[test]
fn a_4096_byte_line_still_reaches_the_modem() {
    let rack = one("max", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    let before = dut.control.stats().commands;
    let mut line = b"AT+CGMI".to_vec();
    line.resize(4096, b' ');
    line.push(b'\r');
    c.send(&line);
    c.read_until(SOON, common::has_final_result);
    assert_eq!(dut.control.stats().commands, before + 1);
}

#[test]
fn local_commands_identify_and_reset_the_board() {
    let rack = one("local", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    assert_eq!(
        c.command("AT#XFWVER"),
        format!("#XFWVER: \"{DEFAULT_FW_ID}\"\r\nOK\r\n")
    );
    dut.control.install_image("0.2.0+ci-17").unwrap();
    assert_eq!(c.read_banner(), "#XFWVER: \"0.2.0+ci-17\"\r\nREADY\r\n");
    assert_eq!(c.command("at#xfwver"), "#XFWVER: \"0.2.0+ci-17\"\r\nOK\r\n");
    assert_eq!(dut.control.fw_id(), "0.2.0+ci-17");

    assert_eq!(c.command("AT+CMEE=1"), "OK\r\n");
    c.send(b"AT#XRESET\r");
    let reset = c.read_banner();
    assert_eq!(reset, "OK\r\n#XFWVER: \"0.2.0+ci-17\"\r\nREADY\r\n");
    assert_eq!(
        dut.control.with_modem(|m| m.cmee()),
        0,
        "volatile state reset"
    );
    assert!(dut.control.install_image("bad id").is_err());
}

#[test]
fn a_client_can_open_and_close_the_port_a_hundred_times() {
    let rack = one("reopen", PROFILE);
    let dut = &rack.duts()[0];
    let start = Instant::now();
    for round in 0..100 {
        let mut c = Client::open_raw(dut);
        if round == 0 {
            c.read_banner();
        }
        c.send(b"AT\r");
        let answer = c.read_until(SOON, common::has_final_result);
        assert_eq!(answer, "OK\r\n", "round {round}");
    }
    eprintln!("100 open/AT/close cycles in {:?}", start.elapsed());
    assert!(dut.control.is_running());
}

#[test]
fn a_board_without_power_cannot_be_flashed_or_reset() {
    let rack = one("dead", PROFILE);
    let dut = &rack.duts()[0];
    power_off(dut);
    assert!(dut.control.install_image("9.9.9+x").is_err());
    assert!(dut.control.reset().is_err());
    power_on(dut);
    assert!(dut.control.reset().is_ok());
}
