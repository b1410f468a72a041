//! Malformed input and misbehaving boards on the simulated rack: over-long lines, bad
//! parameters, echo, resets, a wedged board, power loss mid-command, and redaction of real
//! traffic.

mod common;

use std::time::{Duration, Instant};

use common::{FAKE_KEY, SIM_TIMEOUT, cert, client, provisioning, sim_one, sim_rack};
use hil_at::{AtError, CmngFilter, FinalResult, UrcKind};
use hil_model::{CmeCode, CredentialType};
use hil_sim::rack::SimDutConfig;

const V136: &str = "mfw_nrf9160_1.3.6";

#[test]
fn an_overlong_line_is_refused_whole() {
    let rack = sim_one(V136);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    let mut line = b"AT%CMNG=0,1,0,\"".to_vec();
    line.extend(std::iter::repeat_n(b'A', 5000));
    line.extend_from_slice(b"\"\r");
    let r = at.send_raw(&line, SIM_TIMEOUT).unwrap();
    assert_eq!(r.result, FinalResult::Error);
    assert_eq!(r.lines, ["#XFWERR: line too long"]);
    assert!(
        at.cmng_list(CmngFilter::Tag(1)).unwrap().is_empty(),
        "never stored truncated"
    );
}

#[test]
fn bad_parameters_and_unknown_commands_are_rejected_not_hung() {
    let rack = sim_one(V136);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    for cmd in [
        "AT%CMNG=0,abc,0,\"x\"",
        "AT%CMNG=9",
        "AT%XPOFWARN=1,29",
        "AT+CFUN=99",
        "AT%NOSUCHCMD",
    ] {
        let r = at.exchange(cmd).unwrap();
        assert!(
            matches!(r.result, FinalResult::Error | FinalResult::CmeError(_)),
            "{cmd}: {:?}",
            r.result
        );
    }
    assert_eq!(
        at.exchange("AT%CMNG=0,abc,0,\"x\"").unwrap().cme(),
        Some(CmeCode::INCORRECT_PARAMETERS)
    );
    assert!(at.command("AT").is_ok());
}

#[test]
fn echo_on_does_not_change_what_the_client_returns() {
    let rack = sim_one(V136);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    at.command("ATE1").unwrap();
    let pem = cert();
    at.cmng_write(3, CredentialType::ROOT_CA, &pem).unwrap();
    let listed = at.cmng_list(CmngFilter::Tag(3)).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        at.cmng_read(3, CredentialType::ROOT_CA).unwrap().content,
        pem
    );
    assert_eq!(at.cfun().unwrap(), 4);
    assert!(at.transcript().exchanges().last().unwrap().echoed);
    at.command("ATE0").unwrap();
}

#[test]
fn esc_abandons_a_partial_line() {
    let rack = sim_one(V136);
    let mut at = client(&rack.duts()[0]);
    at.write_raw(b"AT%CMNG=0,1,0,\"half a cert").unwrap();
    at.abandon_line().unwrap();
    assert!(at.command("AT").unwrap().is_ok());
}

#[test]
fn reset_gives_a_banner_the_client_waits_for() {
    let rack = sim_one(V136);
    let dut = &rack.duts()[0];
    let mut at = client(dut);
    at.set_cmee(1).unwrap();
    at.reset_and_wait(SIM_TIMEOUT).unwrap();
    assert_eq!(at.cmee().unwrap(), 0, "volatile state lost on reset");
    dut.control.reset().unwrap();
    let ready = at.wait_ready(SIM_TIMEOUT).unwrap();
    assert_eq!(ready.kind, UrcKind::Boot);
    assert!(
        at.urcs().any(|u| u.line.starts_with("#XFWVER:")),
        "banner queued"
    );
}

#[test]
fn a_wedged_board_times_out_and_recovers_after_reset() {
    let rack = sim_one(V136);
    let dut = &rack.duts()[0];
    let mut at = client(dut);
    dut.control.freeze(true);
    let t = Instant::now();
    let e = at
        .command_timeout("AT+CFUN?", Duration::from_millis(300))
        .unwrap_err();
    assert!(e.is_timeout(), "{e}");
    assert!(t.elapsed() < Duration::from_secs(2));
    dut.control.reset().unwrap();
    at.wait_ready(SIM_TIMEOUT).unwrap();
    assert_eq!(at.cfun().unwrap(), 0);
}

#[test]
fn power_loss_mid_session_then_boot() {
    let rack = sim_one(V136);
    let dut = &rack.duts()[0];
    let mut at = client(dut);
    dut.control.rail().set_output(false);
    hil_testkit::wait_for("power loss", SIM_TIMEOUT, || !dut.control.powered());
    assert!(
        at.command_timeout("AT", Duration::from_millis(200))
            .unwrap_err()
            .is_timeout()
    );
    dut.control.rail().set_output(true);
    at.wait_ready(SIM_TIMEOUT).unwrap();
    at.command("AT").unwrap();
}

#[test]
fn secrets_written_to_a_real_board_stay_out_of_the_transcript() {
    let mut cfg = SimDutConfig::new("secret", V136);
    cfg.policy.secret_read = hil_sim::modem::SecretReadPolicy::Allow;
    let rack = sim_rack(vec![cfg]);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    at.cmng_write(9, CredentialType::CLIENT_KEY, FAKE_KEY)
        .unwrap();
    at.cmng_write(9, CredentialType::PSK, "00112233445566778899AABBCCDDEEFF")
        .unwrap();
    let key = at.cmng_read(9, CredentialType::CLIENT_KEY).unwrap();
    assert_eq!(key.content, FAKE_KEY, "the caller gets the real bytes");
    let psk = at.cmng_read(9, CredentialType::PSK).unwrap();
    assert_eq!(psk.content, "00112233445566778899AABBCCDDEEFF");
    let text = at.transcript().to_text();
    let json = at.transcript().to_json_lines();
    for out in [&text, &json] {
        assert!(!out.contains("TESTONLYxNOT"), "key leaked:\n{out}");
        assert!(!out.contains("00112233445566778899"), "PSK leaked:\n{out}");
        assert!(out.contains("REDACTED"));
    }
    // certificates stay readable
    at.cmng_write(9, CredentialType::ROOT_CA, &cert()).unwrap();
    assert!(
        at.transcript()
            .to_text()
            .contains("-----BEGIN CERTIFICATE-----")
    );
}

#[test]
fn two_clients_cannot_share_a_board() {
    let rack = sim_one(V136);
    let dut = &rack.duts()[0];
    let _first = client(dut);
    let e = hil_at::AtClient::open(&dut.serial, dut.baud).unwrap_err();
    assert!(matches!(e, AtError::PortBusy { .. }), "{e}");
}
