//! The legacy `at_host` framer (ref §7.2, §7.3 (a)): report 2, "AT%CMNG=0 write hangs forever"
//! on MFW 0.7.0-29.alpha, reproduced from the host side. A certificate longer than the host's
//! buffer loses its closing quote and is never answered; list and short writes still work; the
//! firmware's own console on the same modem firmware stores the same certificate.

mod common;

use std::time::Duration;

use common::{Client, pem, power_off, power_on, rack};
use hil_sim::dut::LegacyEra;
use hil_sim::rack::SimDutConfig;
use hil_sim::timing::Timing;

const ALPHA: &str = "mfw_nrf9160_0.7.0-29.alpha";

/// "No response within T" rather than waiting forever (ref §10.8).
const NEVER: Duration = Duration::from_millis(500);

fn legacy(name: &str, era: LegacyEra) -> SimDutConfig {
    let mut cfg = SimDutConfig::new(name, ALPHA);
    cfg.legacy_host = true;
    cfg.legacy.buffer = 1024;
    cfg.legacy.era = era;
    cfg
}

#[test]
fn a_write_longer_than_the_host_buffer_is_never_answered() {
    for era in [LegacyEra::Ncs10, LegacyEra::Pr1657] {
        let rack = rack(vec![legacy("legacy", era)], Timing::Fast);
        let dut = &rack.duts()[0];
        let mut c = Client::open(dut);
        assert_eq!(c.command("AT"), "OK\r\n", "{era:?}");
        assert!(
            c.command("AT%CMNG=1").ends_with("OK\r\n"),
            "{era:?}: list works"
        );
        assert_eq!(
            c.command(&format!("AT%CMNG=0,11,0,\"{}\"", pem(300))),
            "OK\r\n",
            "{era:?}: a write that fits the buffer works"
        );

        let cert = pem(1500);
        c.send(format!("AT%CMNG=0,12,0,\"{cert}\"\r").as_bytes());
        let silence = c.read_for(NEVER);
        assert!(
            silence.is_empty(),
            "{era:?}: answered {:?}",
            String::from_utf8_lossy(&silence)
        );
        c.send(b"AT\r");
        assert!(
            c.read_for(NEVER).is_empty(),
            "{era:?}: the console looks hung"
        );
        assert!(
            dut.control
                .credentials()
                .iter()
                .all(|(tag, _, _)| *tag != 12),
            "{era:?}: nothing stored"
        );

        power_off(dut);
        power_on(dut);
        assert!(c.read_banner().ends_with("READY\r\n"));
        assert_eq!(c.command("AT"), "OK\r\n", "{era:?}: a power cycle recovers");
    }
}

#[test]
fn the_firmware_console_stores_the_same_certificate() {
    let rack = rack(vec![SimDutConfig::new("console", ALPHA)], Timing::Fast);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    let cert = pem(1500);
    assert_eq!(c.command(&format!("AT%CMNG=0,12,0,\"{cert}\"")), "OK\r\n");
    assert!(
        dut.control
            .credentials()
            .iter()
            .any(|(tag, _, b)| *tag == 12 && b == cert.as_bytes())
    );
}

#[test]
fn the_legacy_host_can_be_reset_by_the_harness() {
    let rack = rack(vec![legacy("reset", LegacyEra::Pr1657)], Timing::Fast);
    let dut = &rack.duts()[0];
    let mut c = Client::open(dut);
    c.send(format!("AT%CMNG=0,12,0,\"{}\"\r", pem(1500)).as_bytes());
    assert!(c.read_for(NEVER).is_empty());
    dut.control.reset().unwrap();
    assert!(c.read_banner().ends_with("READY\r\n"));
    assert!(c.command("AT#XFWVER").starts_with("#XFWVER: "));
}
