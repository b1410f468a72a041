//! Board behaviour with a scripted modem: timeouts, URC placement, power, freeze, legacy host.

use std::sync::Arc;
use std::time::{Duration, Instant};

use at_console::response::{ERR_IDLE, ERR_TIMEOUT};

use super::backend::ModemBackend;
use super::board::Board;
use super::legacy_host::{LegacyEra, LegacyHostOptions};
use super::options::DutOptions;
use crate::rail::{Slew, SupplyRail};
use crate::timing::Timing;

#[derive(Debug, Default)]
struct Scripted {
    reboots: u32,
    volts: Vec<f64>,
    urcs: Vec<String>,
    radio: bool,
    latency: Duration,
}

impl ModemBackend for Scripted {
    fn execute(&mut self, command: &[u8]) -> Option<Vec<u8>> {
        match command {
            b"AT" => Some(b"OK\r\n".to_vec()),
            b"AT+HANG" => None,
            b"AT+PANIC" => panic!("scripted modem bug"),
            b"AT+URC" => {
                self.urcs.push("+CEREG: 1".into());
                Some(b"OK\r\n".to_vec())
            }
            b"AT+CFUN=1" => {
                self.radio = true;
                Some(b"OK\r\n".to_vec())
            }
            _ => Some(b"ERROR\r\n".to_vec()),
        }
    }
    fn take_urcs(&mut self) -> Vec<String> {
        std::mem::take(&mut self.urcs)
    }
    fn supply_changed(&mut self, volts: f64) {
        self.volts.push(volts);
    }
    fn reboot(&mut self) {
        self.reboots += 1;
        self.radio = false;
    }
    fn latency(&self, _: &[u8]) -> Duration {
        self.latency
    }
    fn radio_on(&self) -> bool {
        self.radio
    }
}

fn board_with(options: DutOptions) -> (Board<Scripted>, Arc<SupplyRail>) {
    let rail = Arc::new(SupplyRail::new(3.8, Slew::FAST));
    let mut board = Board::new(options, Scripted::default(), rail.clone());
    board.poll_power(Instant::now());
    (board, rail)
}

fn board() -> (Board<Scripted>, Arc<SupplyRail>) {
    let mut o = DutOptions::new("t");
    o.fw_id = "1.0.0+t".into();
    o.modem_timeout = Duration::from_millis(200);
    o.idle_timeout = Duration::from_millis(100);
    board_with(o)
}

fn feed(board: &mut Board<Scripted>, input: &[u8], now: Instant) {
    for &b in input {
        board.receive(b, now);
    }
}

/// Runs timers at `now` and returns everything released to the wire.
fn out(board: &mut Board<Scripted>, now: Instant) -> String {
    board.tick(now);
    let mut wire = Vec::new();
    board.tx.pump(&mut wire, now).unwrap();
    String::from_utf8_lossy(&wire).into_owned()
}

#[test]
fn boots_with_a_banner_and_answers() {
    let (mut b, _rail) = board();
    let now = Instant::now();
    assert!(b.powered());
    assert_eq!(out(&mut b, now), "#XFWVER: \"1.0.0+t\"\r\nREADY\r\n");
    feed(&mut b, b"AT\r\nAT#XFWVER\r\n", now);
    assert_eq!(out(&mut b, now), "OK\r\n#XFWVER: \"1.0.0+t\"\r\nOK\r\n");
    assert_eq!(b.stats().commands, 1);
    assert_eq!(b.stats().local_commands, 1);
}

#[test]
fn a_silent_modem_gets_the_firmware_timeout_and_input_is_dropped_meanwhile() {
    let (mut b, _rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    feed(&mut b, b"AT+HANG\rAT\r", t0);
    assert!(b.busy());
    assert_eq!(b.stats().dropped_busy, 3, "the second AT\\r was dropped");
    assert_eq!(out(&mut b, t0 + Duration::from_millis(100)), "");
    assert_eq!(out(&mut b, t0 + Duration::from_millis(200)), ERR_TIMEOUT);
    assert!(!b.busy());
    assert_eq!(b.stats().modem_timeouts, 1);
    feed(&mut b, b"AT\r", t0 + Duration::from_millis(201));
    assert_eq!(out(&mut b, t0 + Duration::from_millis(201)), "OK\r\n");
}

#[test]
fn urcs_are_written_while_a_command_waits_but_never_inside_a_reply() {
    let mut o = DutOptions::new("t");
    o.timing = Timing::Realistic;
    o.baud = 10_000; // 1 ms per byte
    let (mut b, _rail) = board_with(o);
    let t0 = Instant::now();
    b.tx.clear();
    b.modem.latency = Duration::from_millis(5);
    feed(&mut b, b"AT+URC\r", t0);
    // The URC produced by the command goes out before the delayed answer, as a whole line.
    assert_eq!(out(&mut b, t0), "", "queued, not yet on the wire");
    let early = out(&mut b, t0 + Duration::from_millis(4));
    assert_eq!(early, "+CER");
    let rest = out(&mut b, t0 + Duration::from_secs(1));
    assert_eq!(format!("{early}{rest}"), "+CEREG: 1\r\nOK\r\n");
    // While a reply is on the wire a new URC queues behind it.
    feed(&mut b, b"AT\r", t0 + Duration::from_secs(2));
    b.modem.urcs.push("%MDMEV: ME BATTERY LOW".into());
    let first = out(&mut b, t0 + Duration::from_secs(3)); // answer and URC queued
    let all = first + &out(&mut b, t0 + Duration::from_secs(4));
    assert_eq!(all, "OK\r\n%MDMEV: ME BATTERY LOW\r\n");
}

#[test]
fn realistic_latency_holds_the_answer() {
    let mut o = DutOptions::new("t");
    o.timing = Timing::Realistic;
    let (mut b, _rail) = board_with(o);
    let t0 = Instant::now();
    b.tx.clear();
    b.modem.latency = Duration::from_millis(30);
    feed(&mut b, b"AT\r", t0);
    assert_eq!(out(&mut b, t0 + Duration::from_millis(29)), "");
    assert_eq!(b.next_deadline(), Some(t0 + Duration::from_millis(30)));
    assert_eq!(out(&mut b, t0 + Duration::from_millis(31)), "");
    assert_eq!(out(&mut b, t0 + Duration::from_millis(40)), "OK\r\n");
}

#[test]
fn realistic_timing_forwards_a_command_when_its_last_byte_has_crossed_the_wire() {
    let mut o = DutOptions::new("t");
    o.timing = Timing::Realistic;
    o.baud = 10_000; // 1 ms per byte
    let (mut b, _rail) = board_with(o);
    let t0 = Instant::now();
    let ms = Duration::from_millis;
    b.tx.clear();
    b.modem.latency = ms(5);
    assert_eq!(
        b.arrive(b"AT\r", t0),
        3,
        "the whole command was read at once"
    );
    b.deliver(t0 + ms(2));
    assert_eq!(b.stats().bytes_in, 2, "`\\r` is still on the wire");
    assert!(!b.busy());
    assert_eq!(b.next_deadline(), Some(t0 + ms(3)));
    // Delivered late (at 4 ms), the command still counts from when its last byte arrived.
    b.deliver(t0 + ms(4));
    assert!(b.busy());
    assert_eq!(b.next_deadline(), Some(t0 + ms(8)));
    assert_eq!(out(&mut b, t0 + ms(7)), "");
    assert_eq!(
        out(&mut b, t0 + ms(8)),
        "",
        "the answer starts its way back"
    );
    assert_eq!(out(&mut b, t0 + ms(20)), "OK\r\n");
}

#[test]
fn a_byte_arriving_after_the_answer_was_due_is_not_dropped_as_busy() {
    let mut o = DutOptions::new("t");
    o.timing = Timing::Realistic;
    o.baud = 10_000;
    let (mut b, _rail) = board_with(o);
    let t0 = Instant::now();
    b.tx.clear();
    b.modem.latency = Duration::from_millis(2);
    // `AT\r` arrives by 3 ms and is answered at 5 ms; the next `AT\r` arrives 6..8 ms.
    b.arrive(b"AT\r", t0);
    b.arrive(b"AT\r", t0 + Duration::from_millis(5));
    b.deliver(t0 + Duration::from_millis(10)); // one late turn of the thread for both
    assert_eq!(b.stats().dropped_busy, 0);
    assert_eq!(b.stats().commands, 2);
    assert_eq!(out(&mut b, t0 + Duration::from_secs(1)), "OK\r\nOK\r\n");
}

#[test]
fn idle_timeout_drops_a_stalled_line() {
    let (mut b, _rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    feed(&mut b, b"AT%CMNG=0,1,0,\"abc", t0);
    assert_eq!(out(&mut b, t0 + Duration::from_millis(99)), "");
    assert_eq!(out(&mut b, t0 + Duration::from_millis(100)), ERR_IDLE);
}

#[test]
fn power_loss_silences_the_board_and_power_return_reboots_it() {
    let (mut b, rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    feed(&mut b, b"AT+CFUN=1\r", t0);
    assert_eq!(out(&mut b, t0), "OK\r\n");
    b.poll_power(t0);
    assert!(rail.amps() > 0.01, "radio on draws tens of mA");
    let reboots = b.modem.reboots;

    rail.set_output(false);
    b.poll_power(t0);
    assert!(!b.powered());
    assert_eq!(rail.amps(), 0.0);
    feed(&mut b, b"AT\r", t0);
    assert_eq!(out(&mut b, t0), "");
    assert_eq!(b.stats().dropped_dead, 3);

    rail.set_output(true);
    std::thread::sleep(Duration::from_millis(10)); // ramp up at 1 kV/s
    b.poll_power(t0);
    assert!(b.powered());
    assert_eq!(b.modem.reboots, reboots + 1);
    assert_eq!(out(&mut b, t0), "#XFWVER: \"1.0.0+t\"\r\nREADY\r\n");
    assert_eq!(b.stats().power_losses, 1);
    assert_eq!(b.stats().boots, 2);
}

#[test]
fn a_dip_between_polls_is_passed_to_the_modem_and_resets_the_board() {
    let (mut b, rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    rail.set_voltage(1.0);
    std::thread::sleep(Duration::from_millis(5));
    rail.set_voltage(3.8);
    std::thread::sleep(Duration::from_millis(5));
    b.poll_power(t0);
    assert!(b.powered());
    assert!(
        b.modem.volts.iter().any(|&v| v < 1.1),
        "{:?}",
        b.modem.volts
    );
    assert_eq!(out(&mut b, t0), "#XFWVER: \"1.0.0+t\"\r\nREADY\r\n");
}

#[test]
fn a_sag_above_brownout_is_reported_but_keeps_the_board_running() {
    let (mut b, rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    rail.set_voltage(2.9);
    std::thread::sleep(Duration::from_millis(5));
    b.poll_power(t0);
    assert!(b.powered());
    assert_eq!(b.modem.volts.last().copied(), Some(2.9));
    assert_eq!(out(&mut b, t0), "", "no reboot, no banner");
}

#[test]
fn a_frozen_board_answers_nothing_until_reset() {
    let (mut b, _rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    b.set_frozen(true);
    feed(&mut b, b"AT\r", t0);
    b.modem.urcs.push("+CEREG: 2".into());
    assert_eq!(out(&mut b, t0), "");
    assert!(b.restart(t0, true));
    assert!(!b.frozen());
    assert!(out(&mut b, t0).ends_with("READY\r\n"));
}

#[test]
fn installing_an_image_changes_the_banner_and_needs_power() {
    let (mut b, rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    assert!(b.install("2.0.0+ci-7", t0));
    assert_eq!(out(&mut b, t0), "#XFWVER: \"2.0.0+ci-7\"\r\nREADY\r\n");
    rail.set_output(false);
    b.poll_power(t0);
    assert!(!b.install("3.0.0+x", t0));
    assert_eq!(b.fw_id(), "2.0.0+ci-7");
}

#[test]
fn xreset_answers_ok_then_reboots() {
    let (mut b, _rail) = board();
    let t0 = Instant::now();
    out(&mut b, t0);
    feed(&mut b, b"ATE1\r", t0);
    assert_eq!(out(&mut b, t0), "OK\r\n", "echo starts after ATE1");
    feed(&mut b, b"at#xreset\r", t0);
    assert_eq!(
        out(&mut b, t0),
        "at#xreset\r\nOK\r\n#XFWVER: \"1.0.0+t\"\r\nREADY\r\n"
    );
    assert!(!b.echo_enabled(), "echo is off after the reboot");
}

#[test]
fn the_legacy_host_never_answers_a_command_that_lost_its_quote() {
    for era in [LegacyEra::Ncs10, LegacyEra::Pr1657] {
        let mut o = DutOptions::new("t");
        o.legacy_host = Some(LegacyHostOptions { buffer: 32, era });
        o.modem_timeout = Duration::from_millis(10);
        let (mut b, _rail) = board_with(o);
        let t0 = Instant::now();
        out(&mut b, t0);
        feed(&mut b, b"AT\r", t0);
        assert_eq!(out(&mut b, t0), "OK\r\n");
        let mut cmd = b"AT%CMNG=0,16842753,0,\"".to_vec();
        cmd.extend(std::iter::repeat_n(b'A', 64));
        cmd.extend_from_slice(b"\"\r");
        feed(&mut b, &cmd, t0);
        feed(&mut b, b"AT\r", t0);
        assert_eq!(out(&mut b, t0 + Duration::from_secs(3600)), "", "{era:?}");
        assert!(b.restart(t0, true));
        out(&mut b, t0);
        feed(&mut b, b"AT\r", t0);
        assert_eq!(out(&mut b, t0), "OK\r\n", "{era:?}: a reset recovers");
    }
}

#[test]
fn the_legacy_host_has_no_firmware_timeout_for_a_silent_modem() {
    let mut o = DutOptions::new("t");
    o.legacy_host = Some(LegacyHostOptions::default());
    o.modem_timeout = Duration::from_millis(10);
    let (mut b, _rail) = board_with(o);
    let t0 = Instant::now();
    out(&mut b, t0);
    feed(&mut b, b"AT+HANG\r", t0);
    assert_eq!(out(&mut b, t0 + Duration::from_secs(3600)), "");
    assert!(b.busy());
}

#[test]
fn wait_time_is_bounded_by_the_poll_interval_and_rounds_up() {
    let mut o = DutOptions::new("t");
    o.timing = Timing::Realistic;
    o.baud = 115_200;
    let (mut b, _rail) = board_with(o);
    let t0 = Instant::now();
    b.tx.clear();
    assert_eq!(b.wait_time(t0), b.options().poll_interval);
    b.tx.send(b"x", t0);
    assert_eq!(
        b.wait_time(t0),
        Duration::from_millis(1),
        "87 µs rounds up to 1 ms"
    );
}

#[test]
fn a_spawned_board_talks_over_its_pty_and_stops_on_drop() {
    use std::io::{Read, Write};
    let rail = Arc::new(SupplyRail::new(3.8, Slew::FAST));
    let running = super::spawn(DutOptions::new("spawned"), Scripted::default(), rail).unwrap();
    let control = running.control().clone();
    let mut port = serialport::new(control.serial().to_string_lossy(), 115_200)
        .timeout(Duration::from_millis(20))
        .open()
        .unwrap();
    port.write_all(b"AT\r").unwrap();
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(5);
    while !got.ends_with(b"OK\r\n") && Instant::now() < deadline {
        let mut buf = [0u8; 256];
        if let Ok(n) = port.read(&mut buf) {
            got.extend_from_slice(&buf[..n]);
        }
    }
    assert!(
        got.ends_with(b"READY\r\nOK\r\n"),
        "{:?}",
        String::from_utf8_lossy(&got)
    );
    drop(running);
    assert!(!control.is_running());
}

#[test]
fn a_board_thread_that_dies_is_reported_and_dropping_it_does_not_hang() {
    use std::io::Write;
    let rail = Arc::new(SupplyRail::new(3.8, Slew::FAST));
    let running = super::spawn(DutOptions::new("panics"), Scripted::default(), rail).unwrap();
    let control = running.control().clone();
    let mut port = serialport::new(control.serial().to_string_lossy(), 115_200)
        .timeout(Duration::from_millis(20))
        .open()
        .unwrap();
    port.write_all(b"AT+PANIC\r").unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while control.is_running() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!(!control.is_running(), "the dead thread is visible");
    assert_eq!(control.stats().commands, 1, "the handle still works");
    drop(running); // joins the dead thread without panicking
}
