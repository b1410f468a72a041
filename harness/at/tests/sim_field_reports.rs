//! The two field reports the product exists for, reproduced on the simulated rack and seen
//! through the client: CME 528 during an active power-off warning (MFW 1.3.6), and the
//! MFW 0.7.0-29.alpha `%CMNG` write that never answers plus `%XPMNG` 519.

mod common;

use std::time::{Duration, Instant};

use common::{SIM_TIMEOUT, cert, client, provisioning, sim_one, sim_rack};
use hil_at::{AtError, CmngFilter, Outcome};
use hil_model::{CmeCode, CredentialType};
use hil_sim::rack::SimDutConfig;
use hil_testkit::wait_for;

const V136: &str = "mfw_nrf9160_1.3.6";
const ALPHA: &str = "mfw_nrf9160_0.7.0-29.alpha";

const FACTORY_KEY_START: &str =
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAErrM7SxsE9WStx";
const OWN_KEY: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE0hFbFkKzORGXw5UCyFV6McEsQlH/SA+5\nOPTg5ff1DwQDj9LQJJ4dkcgdGI46bVho3YU7RQTVc9LojyUFNHNEew==\n-----END PUBLIC KEY-----\n";

#[test]
fn report_1_active_power_off_warning_gives_528_on_write_and_delete() {
    let rack = sim_one(V136);
    let dut = &rack.duts()[0];
    let mut at = client(dut);
    provisioning(&mut at);
    at.command("AT+CGEREP=1").unwrap();
    at.command("AT%MDMEV=1").unwrap();
    at.cmng_write(1004, CredentialType::ROOT_CA, &cert())
        .unwrap();
    at.xpofwarn_enable(3000).unwrap();

    // The jig's marginal supply: 2.9 V on the DUT's rail.
    let dipped = Instant::now();
    dut.control.rail().set_voltage(2.9);
    let mdmev = at.wait_urc("%MDMEV:", SIM_TIMEOUT).unwrap();
    assert_eq!(mdmev.value(), "ME BATTERY LOW");
    assert!(mdmev.at >= dipped, "time-stamped after the dip");
    let cgev = at.wait_urc("+CGEV:", SIM_TIMEOUT).unwrap();
    assert_eq!(cgev.value(), "ME BATTERY LOW");

    // modem_key_mgmt_delete() / _write() of the report:
    let delete = at.cmng_delete(1004, CredentialType::ROOT_CA).unwrap_err();
    assert_eq!(delete.cme(), Some(CmeCode::POWER_OFF_WARNING));
    let write = at
        .cmng_write(1001, CredentialType::ROOT_CA, &cert())
        .unwrap_err();
    assert_eq!(write.cme(), Some(CmeCode::POWER_OFF_WARNING));
    assert!(write.to_string().contains("+CME ERROR: 528"), "{write}");
    // Reads are not updates (ref §4.3 default): the list still answers.
    assert_eq!(at.cmng_list(CmngFilter::Tag(1004)).unwrap().len(), 1);
    assert!(at.xvbat().unwrap() < 3000);
    assert_eq!(at.cfun().unwrap(), 4, "the warning takes the modem offline");

    // Recovery per Nordic's recipe: supply back, %XVBAT above threshold, then it works.
    dut.control.rail().set_voltage(3.7);
    wait_for("%XVBAT to recover", SIM_TIMEOUT, || {
        at.xvbat().unwrap() >= 3000
    });
    at.cmng_delete(1004, CredentialType::ROOT_CA).unwrap();

    let transcript = at.transcript().to_text();
    assert!(transcript.contains("< +CME ERROR: 528"), "{transcript}");
    assert!(
        transcript.contains("! %MDMEV: ME BATTERY LOW"),
        "{transcript}"
    );
}

#[test]
fn report_2_xpmng_second_write_gives_519() {
    let rack = sim_one(ALPHA);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    // A factory key already sits in slot 0 on this alpha.
    let read = at.command("AT%XPMNG=2").unwrap();
    assert!(read.raw.contains(FACTORY_KEY_START), "{}", read.raw);
    let first = at.exchange(&format!("AT%XPMNG=0,\"{OWN_KEY}\"")).unwrap();
    assert_eq!(
        first.cme(),
        Some(CmeCode::ALREADY_EXISTS),
        "slot 0 is taken"
    );
    // Nordic's advice: delete first (as %CMNG type 5), then write; a second write is 519 again.
    at.cmng_delete(0, CredentialType::PUBLIC_KEY).unwrap();
    at.command(&format!("AT%XPMNG=0,\"{OWN_KEY}\"")).unwrap();
    let second = at.exchange(&format!("AT%XPMNG=0,\"{OWN_KEY}\"")).unwrap();
    assert_eq!(second.cme(), Some(CmeCode(519)));
}

#[test]
fn report_2_unterminated_quote_is_a_timeout_with_the_partial_transcript() {
    let rack = sim_one(ALPHA);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    // A write whose closing quote was lost (at_host overflow, ref §7.3 (a)): the console keeps
    // collecting the quoted string, so no answer comes.
    let truncated = format!("AT%CMNG=0,16842753,0,\"{}\r\n", &cert()[..200]);
    let t = Instant::now();
    let e = at
        .send_raw(truncated.as_bytes(), Duration::from_millis(500))
        .unwrap_err();
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "the harness does not hang"
    );
    match &e {
        AtError::Timeout {
            command, partial, ..
        } => {
            assert!(command.starts_with("AT%CMNG=0,16842753,0,\"-----BEGIN CERTIFICATE-----"));
            assert!(partial.is_empty(), "{partial:?}");
        }
        other => panic!("expected a timeout, got {other}"),
    }
    let x = at.transcript().exchanges().last().unwrap();
    assert_eq!(x.outcome, Outcome::Timeout);
    assert!(x.raw);
    let text = at.transcript().to_text();
    assert!(text.contains("no final result (timeout"), "{text}");
    // ESC makes the console drop the half-received line; the board answers again.
    at.abandon_line().unwrap();
    at.command("AT").unwrap();
    assert!(at.cmng_list(CmngFilter::Tag(16842753)).unwrap().is_empty());
}

#[test]
fn report_2_store_fault_write_hangs_until_the_firmware_gives_up() {
    // ref §7.3 (b): the alpha credential-store hang as fault injection; the firmware answers
    // `#XFWERR: timeout` + ERROR after its modem timeout (shortened here).
    let mut cfg = SimDutConfig::new("hang", ALPHA);
    cfg.policy.store_write_hangs = true;
    cfg.modem_timeout_ms = 400;
    let rack = sim_rack(vec![cfg]);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    // With a deadline shorter than the firmware's: the client's own timeout.
    let e = at
        .command_timeout(
            &format!("AT%CMNG=0,5,0,\"{}\"", cert()),
            Duration::from_millis(100),
        )
        .unwrap_err();
    assert!(e.is_timeout(), "{e}");
    std::thread::sleep(Duration::from_millis(500));
    at.resync(SIM_TIMEOUT).unwrap();
    // With a longer one: the firmware's timeout reply, a rejection with its reason.
    let e = at
        .cmng_write(6, CredentialType::ROOT_CA, &cert())
        .unwrap_err();
    match &e {
        AtError::Rejected { lines, .. } => assert_eq!(lines, &["#XFWERR: timeout"]),
        other => panic!("{other}"),
    }
    // list and delete still work, as in the report
    assert!(
        at.cmng_list(CmngFilter::All)
            .unwrap()
            .iter()
            .all(|e| e.tag != 6)
    );
}

#[test]
fn report_2_legacy_host_overflow_loses_the_quote_and_the_client_times_out() {
    // ref §7.3 (a): the 2019 at_host drops characters past its buffer, the closing quote among
    // them; the command is never answered. The client reports it, partial transcript included,
    // instead of hanging like the reporter's terminal.
    let mut cfg = SimDutConfig::new("legacy", ALPHA);
    cfg.legacy_host = true;
    cfg.legacy.buffer = 1024;
    let rack = sim_rack(vec![cfg]);
    let dut = &rack.duts()[0];
    let mut at = client(dut);
    at.set_cmee(1).unwrap();
    at.set_cfun(4).unwrap();
    let big = common::cert_2k();
    assert!(big.len() > 1024);
    let e = at
        .command_timeout(
            &format!("AT%CMNG=0,16842753,0,\"{big}\""),
            Duration::from_millis(500),
        )
        .unwrap_err();
    assert!(e.is_timeout(), "{e}");
    assert!(e.to_string().contains("AT%CMNG=0,16842753,0,"), "{e}");
    // the same certificate fits a short one through the same host
    dut.control.reset().unwrap();
    at.wait_ready(SIM_TIMEOUT).unwrap();
    at.set_cmee(1).unwrap();
    at.set_cfun(4).unwrap();
    at.cmng_write(7, CredentialType::ROOT_CA, &cert()).unwrap();
}
