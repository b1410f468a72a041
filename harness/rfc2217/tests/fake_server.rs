//! The client against scripted servers on 127.0.0.1: the failure cases a real ser2net does not
//! produce on demand (refusal, silence, a wrong acknowledgement, a connection cut mid-read),
//! and raw TCP mode.

use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use hil_rfc2217::telnet::{self, Decoder, Event, Verb};
use hil_rfc2217::{
    Command, Endpoint, Error, LineSettings, NetworkOptions, NetworkPort, PortSpec, SerialConfig,
    open_serial_with,
};

/// How the scripted server behaves.
#[derive(Clone, Copy, Default)]
struct Script {
    /// Answer WILL COM-PORT-OPTION with DONT.
    refuse: bool,
    /// Never answer anything.
    silent: bool,
    /// Acknowledge SET-BAUDRATE with this instead of the requested rate.
    baud: Option<u32>,
    /// Close the connection after this many data bytes arrived.
    close_after: Option<usize>,
    /// Echo data back (escaped).
    echo: bool,
    /// Send FLOWCONTROL-SUSPEND with the acknowledgement of the flow control setting.
    suspend: bool,
}

fn serve(script: Script) -> (Endpoint, JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = Endpoint {
        host: "127.0.0.1".into(),
        port: listener.local_addr().unwrap().port(),
    };
    let handle = thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        run(&mut sock, script)
    });
    (endpoint, handle)
}

/// Serves one connection; returns the data bytes received.
fn run(sock: &mut TcpStream, script: Script) -> Vec<u8> {
    let mut decoder = Decoder::default();
    decoder.set_binary(true);
    let (mut data, mut events, mut buf) = (Vec::new(), Vec::new(), [0u8; 4096]);
    loop {
        let n = match sock.read(&mut buf) {
            Ok(0) | Err(_) => return data,
            Ok(n) => n,
        };
        let before = data.len();
        decoder.feed(&buf[..n], &mut data, &mut events);
        if script.silent {
            events.clear();
            continue;
        }
        let mut out = Vec::new();
        for event in events.drain(..) {
            answer(&event, script, &mut out);
        }
        if script.echo {
            telnet::encode_data(&data[before..], true, &mut out);
        }
        if sock.write_all(&out).is_err() {
            return data;
        }
        if script.close_after.is_some_and(|limit| data.len() >= limit) {
            return data;
        }
    }
}

fn answer(event: &Event, script: Script, out: &mut Vec<u8>) {
    match *event {
        Event::Negotiation {
            verb: Verb::Will,
            option,
        } => {
            let reply = if script.refuse && option == 44 {
                Verb::Dont
            } else {
                Verb::Do
            };
            telnet::encode_negotiation(reply, option, out);
        }
        Event::Negotiation {
            verb: Verb::Do,
            option,
        } => telnet::encode_negotiation(Verb::Will, option, out),
        Event::Subnegotiation {
            option: 44,
            ref payload,
        } => {
            let mut ack = payload.clone();
            ack[0] += 100;
            if let (1, Some(baud)) = (payload[0], script.baud) {
                ack[1..].copy_from_slice(&baud.to_be_bytes());
            }
            // Before the acknowledgement, so the client has seen it once open returns.
            if script.suspend && payload[0] == 5 {
                telnet::encode_subnegotiation(44, &[108], out);
            }
            telnet::encode_subnegotiation(44, &ack, out);
        }
        _ => {}
    }
}

/// Generous: the scripted server answers, but the machine may be loaded.
fn patient() -> NetworkOptions {
    NetworkOptions {
        ack_timeout: Duration::from_secs(10),
        ..NetworkOptions::default()
    }
}

#[test]
fn a_refusing_server_is_a_typed_error() {
    let (ep, server) = serve(Script {
        refuse: true,
        ..Script::default()
    });
    let e = NetworkPort::rfc2217(&ep, &LineSettings::new(115_200), patient()).unwrap_err();
    assert!(
        matches!(e, Error::NegotiationRefused { option: 44, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("COM-PORT-OPTION"), "{e}");
    drop(server);
}

#[test]
fn a_silent_server_times_out_negotiating() {
    let (ep, _server) = serve(Script {
        silent: true,
        ..Script::default()
    });
    let options = NetworkOptions {
        ack_timeout: Duration::from_millis(300),
        ..NetworkOptions::default()
    };
    let e = NetworkPort::rfc2217(&ep, &LineSettings::new(115_200), options).unwrap_err();
    match &e {
        Error::Timeout { during, .. } => assert!(during.contains("negotiating"), "{e}"),
        other => panic!("expected a timeout, got {other}"),
    }
}

#[test]
fn a_baud_rate_the_server_did_not_apply_is_an_error() {
    let (ep, _server) = serve(Script {
        baud: Some(9600),
        ..Script::default()
    });
    let e = NetworkPort::rfc2217(&ep, &LineSettings::new(115_200), patient()).unwrap_err();
    match &e {
        Error::NotApplied {
            command, reported, ..
        } => {
            assert_eq!(command, "SET-BAUDRATE 115200");
            assert_eq!(reported, "9600 baud");
        }
        other => panic!("expected NotApplied, got {other}"),
    }
}

#[test]
fn nobody_listening_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spec = PortSpec::parse(&format!("rfc2217://127.0.0.1:{port}")).unwrap();
    let e = open_serial_with(&spec, &SerialConfig::new(115_200)).unwrap_err();
    assert_eq!(
        e.kind,
        serialport::ErrorKind::Io(io::ErrorKind::ConnectionRefused)
    );
    assert!(e.description.contains("cannot connect"), "{e}");
}

#[test]
fn reads_time_out_and_data_round_trips_with_0xff() {
    let (ep, server) = serve(Script {
        echo: true,
        ..Script::default()
    });
    let spec = PortSpec::Rfc2217(ep);
    let mut port = open_serial_with(&spec, &SerialConfig::new(115_200)).unwrap();
    port.set_timeout(Duration::from_millis(50)).unwrap();
    let mut buf = [0u8; 64];
    let e = port.read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::TimedOut);
    assert!(matches!(Error::from_io(&e), Some(Error::Timeout { .. })));

    let sent: Vec<u8> = vec![0xff, 0x00, 0xff, 0xff, b'\r', 0xfa, 0xf0, 0xff];
    port.write_all(&sent).unwrap();
    port.set_timeout(Duration::from_secs(10)).unwrap();
    let mut got = vec![0u8; sent.len()];
    port.read_exact(&mut got).unwrap();
    assert_eq!(got, sent);
    drop(port);
    assert_eq!(
        server.join().unwrap(),
        sent,
        "the server decoded the same bytes"
    );
}

#[test]
fn a_connection_cut_mid_read_is_a_typed_error_every_time() {
    let (ep, server) = serve(Script {
        close_after: Some(1),
        ..Script::default()
    });
    let port = NetworkPort::rfc2217(&ep, &LineSettings::new(115_200), patient()).unwrap();
    port.send(b"x").unwrap();
    server.join().unwrap();
    let mut buf = [0u8; 8];
    let first = port
        .read_within(&mut buf, Duration::from_secs(30))
        .unwrap_err();
    assert!(matches!(first, Error::ConnectionDropped { .. }), "{first}");
    let again = port
        .read_within(&mut buf, Duration::from_secs(30))
        .unwrap_err();
    assert!(matches!(again, Error::ConnectionDropped { .. }), "{again}");
    let cmd = port.command(Command::SetBaudRate(9600), true).unwrap_err();
    assert!(matches!(cmd, Error::ConnectionDropped { .. }), "{cmd}");
}

#[test]
fn raw_tcp_passes_bytes_and_refuses_line_changes() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port_no = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        let mut got = [0u8; 4];
        sock.read_exact(&mut got).unwrap();
        sock.write_all(&[0xff, 0xfd, 0x2c, 0x0d]).unwrap();
        got
    });
    let spec = PortSpec::parse(&format!("tcp://127.0.0.1:{port_no}")).unwrap();
    let mut port = open_serial_with(
        &spec,
        &SerialConfig::new(9600).timeout(Duration::from_secs(10)),
    )
    .unwrap();
    assert_eq!(port.baud_rate().unwrap(), 9600, "the assumed line");
    port.clear(serialport::ClearBuffer::All).unwrap();
    port.write_all(&[0xff, 0xff, 0x00, 0x0d]).unwrap();
    let mut got = [0u8; 4];
    port.read_exact(&mut got).unwrap();
    assert_eq!(
        got,
        [0xff, 0xfd, 0x2c, 0x0d],
        "no telnet decoding in raw mode"
    );
    assert_eq!(
        server.join().unwrap(),
        [0xff, 0xff, 0x00, 0x0d],
        "no escaping"
    );
    let e = port.set_baud_rate(115_200).unwrap_err();
    assert_eq!(e.kind, serialport::ErrorKind::InvalidInput);
    assert!(e.description.contains("raw TCP"), "{e}");
    assert!(port.write_data_terminal_ready(true).is_err());
}

#[test]
fn a_suspended_server_gets_no_data_and_the_write_times_out() {
    let (ep, server) = serve(Script {
        suspend: true,
        ..Script::default()
    });
    let options = NetworkOptions {
        write_timeout: Duration::from_millis(200),
        ..patient()
    };
    let port = NetworkPort::rfc2217(&ep, &LineSettings::new(115_200), options).unwrap();
    match port.send(b"held back") {
        Err(Error::Timeout { during, .. }) => {
            assert!(during.contains("FLOWCONTROL-SUSPEND"), "{during}")
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    drop(port);
    assert!(
        server.join().unwrap().is_empty(),
        "no data sent while suspended"
    );
}
