//! Timing modes seen from a serial client: realistic timing spends the UART wire time of every
//! byte, the command's on its way in and the answer's on its way out, plus the modem's
//! per-command latency; fast timing adds nothing. Only lower
//! bounds are asserted (a loaded machine is slower, never faster); measurements are printed.

mod common;

use std::time::{Duration, Instant};

use common::{Client, rack};
use hil_sim::rack::SimDutConfig;
use hil_sim::timing::Timing;

const PROFILE: &str = "mfw_nrf9160_1.3.6";

fn wire(bytes: usize, baud: u32) -> Duration {
    Duration::from_nanos(bytes as u64 * 10 * 1_000_000_000 / u64::from(baud))
}

#[test]
fn realistic_timing_spends_the_wire_time_and_the_modem_latency() {
    let baud = 9600;
    let mut cfg = SimDutConfig::new("slow", PROFILE);
    cfg.baud = baud;
    let rack = rack(vec![cfg], Timing::Realistic);
    let dut = &rack.duts()[0];
    // The banner may still be on the wire (9600 baud) or already waiting: read it either way.
    let mut c = Client::open_raw(dut);
    c.read_banner();

    // A local command: no modem latency, only the reply's wire time.
    let start = Instant::now();
    let reply = c.command("AT#XFWVER");
    let took = start.elapsed();
    let floor = wire(reply.len(), baud);
    eprintln!(
        "AT#XFWVER at {baud} baud: {} bytes in {took:?} (wire time {floor:?})",
        reply.len()
    );
    assert!(took >= floor, "{took:?} < wire time {floor:?}");

    // A modem command: its wire time in, the profile's latency, the answer's wire time out.
    let latency = dut.control.with_modem(|m| m.latency(b"AT+CGMR"));
    let start = Instant::now();
    let reply = c.command("AT+CGMR");
    let took = start.elapsed();
    let floor = wire("AT+CGMR\r".len(), baud) + latency + wire(reply.len(), baud);
    eprintln!(
        "AT+CGMR: latency {latency:?} + {} bytes, took {took:?}",
        reply.len()
    );
    assert!(took >= floor, "{took:?} < {floor:?}");

    // A long command reaches the modem only when its last byte has crossed the wire.
    let cert = common::pem(400);
    let write = format!("AT%CMNG=0,9,0,\"{cert}\"");
    let latency = dut.control.with_modem(|m| m.latency(write.as_bytes()));
    let start = Instant::now();
    assert_eq!(c.command(&write), "OK\r\n");
    let took = start.elapsed();
    let floor = wire(write.len() + 1, baud) + latency + wire(4, baud);
    eprintln!(
        "AT%CMNG=0: {} bytes in, latency {latency:?}, took {took:?}",
        write.len() + 1
    );
    assert!(took >= floor, "{took:?} < {floor:?}");

    // A longer answer is paced byte by byte.
    let start = Instant::now();
    let reply = c.command("AT%CMNG=2,9,0");
    let took = start.elapsed();
    if reply.ends_with("OK\r\n") {
        let floor = wire(reply.len(), baud);
        eprintln!(
            "AT%CMNG=2: {} bytes in {took:?} (wire time {floor:?})",
            reply.len()
        );
        assert!(took >= floor, "{took:?} < {floor:?}");
    }
}

#[test]
fn fast_timing_round_trip() {
    let rack = rack(vec![SimDutConfig::new("fast", PROFILE)], Timing::Fast);
    let mut c = Client::open(&rack.duts()[0]);
    let n = 200;
    let start = Instant::now();
    for _ in 0..n {
        assert_eq!(c.command("AT"), "OK\r\n");
    }
    eprintln!(
        "fast timing: AT round trip {:?} on average over {n}",
        start.elapsed() / n
    );
}
