//! The session against scripted server bytes (ser2net 4.3.11's, captured on loopback).

use super::*;
use crate::telnet::{DO, DONT, IAC, SB, SE, WILL, WONT};

/// ser2net's greeting: WILL SGA, DO SGA, WILL ECHO, DONT ECHO, DO BINARY, WILL BINARY,
/// DO COM-PORT-OPTION.
const GREETING: [u8; 21] = [
    IAC, WILL, 3, IAC, DO, 3, IAC, WILL, 1, IAC, DONT, 1, IAC, DO, 0, IAC, WILL, 0, IAC, DO, 44,
];

fn negotiated() -> Session {
    let mut s = Session::rfc2217();
    s.take_output();
    s.receive(&GREETING);
    s
}

#[test]
fn offers_are_sent_first() {
    let mut s = Session::rfc2217();
    let out = s.take_output();
    assert_eq!(
        out,
        [
            IAC, WILL, 0, IAC, WILL, 3, IAC, WILL, 44, IAC, DO, 0, IAC, DO, 3
        ]
    );
    assert_eq!(s.negotiation(), Negotiation::Pending);
}

#[test]
fn ser2net_greeting_completes_negotiation_without_loops() {
    let mut s = negotiated();
    assert_eq!(s.negotiation(), Negotiation::Done);
    assert!(s.binary());
    // Only ECHO (not wanted) is answered: DONT ECHO. Everything else answered our requests.
    assert_eq!(s.take_output(), [IAC, DONT, 1]);
    // A repeated request for a state in force is not answered (RFC 1143); an unwanted
    // option is refused again.
    s.receive(&GREETING);
    assert_eq!(s.take_output(), [IAC, DONT, 1]);
}

#[test]
fn refusing_com_port_option_is_reported() {
    let mut s = Session::rfc2217();
    s.take_output();
    s.receive(&[IAC, WONT, 0, IAC, DONT, 44]);
    assert_eq!(s.negotiation(), Negotiation::Refused(44));
}

#[test]
fn refused_binary_falls_back_to_cr_nul() {
    let mut s = Session::rfc2217();
    s.take_output();
    s.receive(&[
        IAC, DONT, 0, IAC, WONT, 0, IAC, DONT, 3, IAC, WONT, 3, IAC, DO, 44,
    ]);
    assert_eq!(s.negotiation(), Negotiation::Done);
    assert!(!s.binary());
    let mut wire = Vec::new();
    s.encode(b"AT\r", &mut wire);
    assert_eq!(wire, b"AT\r\0");
    s.receive(b"OK\r\0\r\n");
    let mut buf = [0u8; 16];
    let n = s.read(&mut buf);
    assert_eq!(&buf[..n], b"OK\r\r\n");
}

#[test]
fn unknown_options_are_refused() {
    let mut s = negotiated();
    s.take_output();
    s.receive(&[IAC, WILL, 24, IAC, DO, 31]);
    assert_eq!(s.take_output(), [IAC, DONT, 24, IAC, WONT, 31]);
}

#[test]
fn acknowledgements_match_tickets_and_update_the_line() {
    let mut s = negotiated();
    s.take_output();
    let t = s.send(Command::SetBaudRate(9600));
    assert_eq!(s.take_output(), [IAC, SB, 44, 1, 0, 0, 0x25, 0x80, IAC, SE]);
    assert_eq!(s.ack(t), None);
    s.receive(&[IAC, SB, 44, 101, 0, 0, 0x25, 0x80, IAC, SE]);
    assert_eq!(s.ack(t), Some(&[0, 0, 0x25, 0x80][..]));
    assert_eq!(s.line().baud, Some(9600));
    // A later command's ticket does not see the earlier acknowledgement.
    let t2 = s.send(Command::SetBaudRate(115_200));
    assert_eq!(s.ack(t2), None);
}

#[test]
fn data_and_commands_interleave() {
    let mut s = negotiated();
    s.receive(&[
        b'A', IAC, IAC, IAC, SB, 44, 107, 0x30, IAC, SE, b'B', IAC, SB, 44, 106, 0x10, IAC, SE,
        b'C',
    ]);
    let mut buf = [0u8; 8];
    let n = s.read(&mut buf);
    assert_eq!(&buf[..n], [b'A', IAC, b'B', b'C']);
    assert_eq!(s.modem_state(), Some(0x30));
    assert_eq!(s.line_state(), Some(0x10));
}

#[test]
fn purge_ack_drops_data_received_before_it() {
    let mut s = negotiated();
    s.send(Command::Purge(comport::Purge::Receive));
    s.receive(b"stale");
    s.receive(&[IAC, SB, 44, 112, 1, IAC, SE]);
    s.receive(b"fresh");
    let mut buf = [0u8; 16];
    let n = s.read(&mut buf);
    assert_eq!(&buf[..n], b"fresh");
}

#[test]
fn flow_control_suspend_and_resume() {
    let mut s = negotiated();
    s.receive(&[IAC, SB, 44, 108, IAC, SE]);
    assert!(s.suspended());
    s.receive(&[IAC, SB, 44, 109, IAC, SE]);
    assert!(!s.suspended());
}

#[test]
fn signature_request_is_answered() {
    let mut s = negotiated();
    s.take_output();
    s.receive(&[IAC, SB, 44, 100, IAC, SE]);
    let mut want = vec![IAC, SB, 44, 0];
    want.extend_from_slice(SIGNATURE);
    want.extend_from_slice(&[IAC, SE]);
    assert_eq!(s.take_output(), want);
    s.receive(b"\xff\xfa,dser2net\xff\xf0");
    assert_eq!(s.server_signature(), Some(&b"ser2net"[..]));
}

#[test]
fn raw_mode_passes_bytes_untouched() {
    let mut s = Session::raw();
    assert_eq!(s.negotiation(), Negotiation::Done);
    assert!(!s.has_output());
    let mut wire = Vec::new();
    s.encode(&[IAC, b'\r'], &mut wire);
    assert_eq!(wire, [IAC, b'\r']);
    s.receive(&[IAC, WILL, 44]);
    let mut buf = [0u8; 4];
    assert_eq!(s.read(&mut buf), 3);
    assert_eq!(buf[..3], [IAC, WILL, 44]);
}
