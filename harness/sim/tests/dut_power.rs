//! A simulated board on its supply rail: power loss silences it, power return boots it with its
//! credentials kept, dips below brown-out reset it, a wedged board recovers by power cycle, and a
//! silent modem gets the firmware's timeout while the board keeps serving.

mod common;

use std::io::Write;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{Client, SOON, one, pem, power_off, power_on, rack, sha256_upper, wait_for};
use hil_sim::rack::SimDutConfig;
use hil_sim::timing::Timing;

const PROFILE: &str = "mfw_nrf9160_1.3.6";

#[test]
fn unpowered_is_silent_and_power_return_boots_with_credentials_kept() {
    let rack = one("cycle", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    let cert = pem(300);
    assert_eq!(c.command("AT+CMEE=1"), "OK\r\n");
    assert_eq!(c.command(&format!("AT%CMNG=0,77,0,\"{cert}\"")), "OK\r\n");

    power_off(dut);
    c.send(b"AT\r");
    assert!(
        c.read_for(Duration::from_millis(100)).is_empty(),
        "console silent"
    );
    assert!(dut.control.stats().dropped_dead >= 3, "input discarded");
    assert_eq!(dut.control.rail().amps(), 0.0);

    power_on(dut);
    assert!(c.read_banner().ends_with("READY\r\n"));
    assert_eq!(
        dut.control.with_modem(|m| m.cmee()),
        0,
        "volatile state lost"
    );
    assert_eq!(
        c.command("AT%CMNG=1,77,0"),
        format!(
            "%CMNG: 77,0,\"{}\"\r\nOK\r\n",
            sha256_upper(cert.as_bytes())
        ),
        "stored credentials kept"
    );
    assert!(
        dut.control
            .credentials()
            .iter()
            .any(|(tag, _, _)| *tag == 77)
    );
    let stats = dut.control.stats();
    assert_eq!((stats.power_losses, stats.boots), (1, 2));
}

#[test]
fn the_supply_switches_the_board_through_scpi() {
    let rack = one("scpi", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    let addr = dut.psu.strip_prefix("tcp://").expect("SCPI over TCP");
    let mut psu = TcpStream::connect(addr).unwrap();
    psu.write_all(b"OUTP OFF\n").unwrap();
    wait_for("power loss through SCPI", || !dut.control.powered());
    psu.write_all(b"OUTP ON\n").unwrap();
    assert!(c.read_banner().ends_with("READY\r\n"));
    let log = dut.control.supply_log().expect("supply log attached");
    assert!(log.contains("OUTP OFF"), "{:?}", log.commands());
}

#[test]
fn a_dip_below_brownout_between_polls_resets_the_board_and_a_sag_does_not() {
    let rack = one("dip", PROFILE);
    let dut = &rack.duts()[0];
    let rail = dut.control.rail();
    let mut c = Client::open(dut);
    // A sag to 2.5 V: below the 3.0 V range, above brown-out; the board keeps running.
    rail.set_voltage(2.5);
    std::thread::sleep(Duration::from_millis(30));
    rail.set_voltage(3.7);
    std::thread::sleep(Duration::from_millis(30));
    let boots = dut.control.stats().boots;
    assert_eq!(boots, 1);
    // A dip to 1.5 V (≈2 ms down at the fast slew of 1 kV/s, then straight back up), shorter
    // than the board's poll interval, still resets the board: the rail keeps the minimum.
    rail.set_voltage(1.5);
    std::thread::sleep(Duration::from_millis(3));
    rail.set_voltage(3.7);
    assert!(c.read_banner().ends_with("READY\r\n"));
    assert_eq!(dut.control.stats().boots, 2);
}

#[test]
fn the_board_reports_its_load_to_the_rail() {
    let rack = one("load", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    // The boot draw (profile `current.booting`) comes first, then the board idles.
    wait_for("boot draw over", || dut.control.rail().amps() < 0.01);
    let idle = dut.control.rail().amps();
    assert!(idle > 0.0 && idle < 0.01, "a few mA idle: {idle}");
    assert_eq!(c.command("AT+CFUN=1"), "OK\r\n");
    wait_for("radio current", || dut.control.rail().amps() > 0.01);
}

#[test]
fn a_frozen_board_recovers_by_power_cycle() {
    let rack = one("frozen", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    dut.control.freeze(true);
    c.send(b"AT\r");
    assert!(c.read_for(Duration::from_millis(100)).is_empty(), "wedged");
    assert!(dut.control.frozen());
    power_off(dut);
    power_on(dut);
    assert!(c.read_banner().ends_with("READY\r\n"));
    assert!(!dut.control.frozen());
    assert_eq!(c.command("AT"), "OK\r\n");
}

#[test]
fn a_silent_modem_gets_the_firmware_timeout_while_the_board_keeps_serving() {
    let mut cfg = SimDutConfig::new("hang", PROFILE);
    cfg.policy.store_write_hangs = true; // ref §7.3 (b): the alpha store hang
    cfg.modem_timeout_ms = 300;
    let rack = rack(vec![cfg], Timing::Fast);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    let start = Instant::now();
    c.send(format!("AT%CMNG=0,5,0,\"{}\"\r", pem(100)).as_bytes());
    c.send(b"AT\r"); // sent while the command is in flight: dropped
    let answer = c.read_until(SOON, common::has_final_result);
    let waited = start.elapsed();
    assert_eq!(answer, "#XFWERR: timeout\r\nERROR\r\n");
    assert!(
        waited >= Duration::from_millis(300),
        "answered after {waited:?}"
    );
    assert!(dut.control.stats().dropped_busy >= 3);
    assert_eq!(dut.control.stats().modem_timeouts, 1);
    assert_eq!(c.command("AT"), "OK\r\n");
    // A power loss during the wait cancels it like any other state.
    c.send(format!("AT%CMNG=0,5,0,\"{}\"\r", pem(100)).as_bytes());
    wait_for("command in flight", || dut.control.stats().commands >= 3);
    power_off(dut);
    power_on(dut);
    assert!(c.read_banner().ends_with("READY\r\n"));
    assert!(
        c.read_for(Duration::from_millis(400)).is_empty(),
        "no stale timeout reply"
    );
}

#[test]
fn a_power_off_warning_reaches_the_client_as_whole_urc_lines() {
    let rack = one("pofwarn", PROFILE);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    assert_eq!(c.command("AT+CMEE=1"), "OK\r\n");
    assert_eq!(c.command("AT%XPOFWARN=1,30"), "OK\r\n");
    assert_eq!(c.command("AT%MDMEV=1"), "OK\r\n");
    dut.control.rail().set_voltage(2.9); // below the 3.0 V warning, far above brown-out
    let urc = c.read_until(SOON, |t| t.contains("ME BATTERY LOW\r\n"));
    assert!(urc.starts_with("%MDMEV: ME BATTERY LOW\r\n"), "{urc:?}");
    wait_for("the warning", || dut.control.pofwarn_active());
    let answer = c.command(&format!("AT%CMNG=0,88,0,\"{}\"", pem(100)));
    assert_eq!(answer, "+CME ERROR: 528\r\n", "field report 1 reproduced");
    assert_eq!(dut.control.stats().boots, 1, "no reset above brown-out");
}
