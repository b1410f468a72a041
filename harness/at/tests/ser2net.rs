//! The AT client over the network: a simulated board's pty served by the real `ser2net` on
//! 127.0.0.1, opened as `rfc2217://127.0.0.1:PORT` (what a labgrid place's console is) and as
//! `tcp://127.0.0.1:PORT` (a raw accepter), also with ser2net started the way a labgrid exporter
//! starts it. The same transactions as on the direct pty, and a server killed mid-transaction
//! ends in an I/O error, not a hang.
//!
//! Without ser2net each test prints a skip line and passes, unless `HIL_REQUIRE_SER2NET=1`.

mod common;

use std::time::Duration;

use common::{SIM_TIMEOUT, cert_2k, provisioning, sim_one};
use hil_at::{AtClient, AtError, CmngFilter};
use hil_model::CredentialType;
use hil_rfc2217::ser2net::{self, Accepter, Ser2net};

const TAG: u32 = 4711;

fn over(server: &Ser2net, baud: u32) -> AtClient {
    let mut at = AtClient::open(server.url(), baud).unwrap_or_else(|e| {
        panic!(
            "open {}: {e}; ser2net says: {}",
            server.url(),
            server.log_tail()
        )
    });
    at.set_timeout(SIM_TIMEOUT);
    at
}

fn round_trip(at: &mut AtClient) {
    assert!(at.command("AT").unwrap().is_ok());
    provisioning(at);
    assert_eq!(at.imei().unwrap().len(), 15);
    let cert = cert_2k();
    at.cmng_write(TAG, CredentialType::ROOT_CA, &cert).unwrap();
    let listed = at
        .cmng_list(CmngFilter::TagType(TAG, CredentialType::ROOT_CA))
        .unwrap();
    assert_eq!(listed.len(), 1);
    at.cmng_delete(TAG, CredentialType::ROOT_CA).unwrap();
}

#[test]
fn at_over_rfc2217_to_a_simulated_board() {
    if !ser2net::available_or_skip("at_over_rfc2217_to_a_simulated_board") {
        return;
    }
    let rack = sim_one("mfw_nrf9160_1.3.6");
    let dut = &rack.duts()[0];
    let server = Ser2net::start(&dut.serial, dut.baud, Accepter::Rfc2217).unwrap();
    let mut at = over(&server, dut.baud);
    assert_eq!(at.port_name(), server.url());
    round_trip(&mut at);
    // The transcript names the network port.
    assert!(at.take_transcript().to_text().contains(&server.url()));
}

#[test]
fn at_over_raw_tcp_to_a_simulated_board() {
    if !ser2net::available_or_skip("at_over_raw_tcp_to_a_simulated_board") {
        return;
    }
    let rack = sim_one("mfw_nrf9160_1.3.6");
    let dut = &rack.duts()[0];
    let server = Ser2net::start(&dut.serial, dut.baud, Accepter::Raw).unwrap();
    let mut at = over(&server, dut.baud);
    round_trip(&mut at);
}

#[test]
fn at_over_labgrids_ser2net_stock_and_through_the_wrapper() {
    if !ser2net::available_or_skip("at_over_labgrids_ser2net") {
        return;
    }
    let rack = sim_one("mfw_nrf9160_1.3.6");
    let dut = &rack.duts()[0];
    for wrapper in [false, true] {
        let server = Ser2net::start_labgrid(&dut.serial, dut.baud, wrapper).unwrap();
        let mut at = over(&server, dut.baud);
        round_trip(&mut at);
    }
}

#[test]
fn a_killed_server_fails_the_transaction_instead_of_hanging() {
    if !ser2net::available_or_skip("a_killed_server_fails_the_transaction") {
        return;
    }
    let rack = sim_one("mfw_nrf9160_1.3.6");
    let dut = &rack.duts()[0];
    let mut server = Ser2net::start(&dut.serial, dut.baud, Accepter::Rfc2217).unwrap();
    let mut at = over(&server, dut.baud);
    assert!(at.command("AT").unwrap().is_ok());
    at.set_timeout(Duration::from_secs(60));
    server.kill().unwrap();
    // The command may be written before the drop is seen; either way the answer is an I/O
    // error naming the dropped connection, long before the 60 s deadline would be a timeout.
    match at.command("AT+CGSN=1") {
        Err(AtError::Io { source, .. }) => {
            assert!(
                matches!(
                    hil_rfc2217::Error::from_io(&source),
                    Some(hil_rfc2217::Error::ConnectionDropped { .. })
                ),
                "{source}"
            );
        }
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

#[test]
fn a_bad_network_spec_is_a_clear_open_error() {
    match AtClient::open("rfc2217://rack-host-1", 115_200) {
        Err(AtError::PortOpen { path, detail }) => {
            assert_eq!(path, "rfc2217://rack-host-1");
            assert!(detail.contains("port is required"), "{detail}");
        }
        other => panic!("expected PortOpen, got {other:?}"),
    }
}

#[test]
fn a_network_port_in_use_is_port_busy() {
    if !ser2net::available_or_skip("a_network_port_in_use_is_port_busy") {
        return;
    }
    let rack = sim_one("mfw_nrf9160_1.3.6");
    let dut = &rack.duts()[0];
    // Without kickolduser, ser2net's default. (A labgrid exporter lets up to 10 clients in; only
    // labgrid's acquire keeps two users apart there.)
    let server = Ser2net::start_with(&dut.serial, dut.baud, Accepter::Rfc2217, false).unwrap();
    let _first = over(&server, dut.baud);
    match AtClient::open(server.url(), dut.baud) {
        Err(AtError::PortBusy { path, detail }) => {
            assert_eq!(path, server.url());
            assert!(detail.contains("Port already in use"), "{detail}");
        }
        other => panic!("expected PortBusy, got {other:?}"),
    }
}
