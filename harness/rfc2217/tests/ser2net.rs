//! The client against the real `ser2net` (4.x) on 127.0.0.1, serving a pseudo-terminal whose
//! device side the test holds: binary data with 0xFF both ways, baud and framing changes
//! reaching the device's termios, purge, modem-control lines, raw TCP, ser2net started the way
//! a labgrid exporter starts it (stock and through the wrapper), and dropped connections (a
//! server killed mid-read, mid-write and before an acknowledgement; the device vanishing).
//!
//! Without ser2net each test prints a skip line and passes, unless `HIL_REQUIRE_SER2NET=1`
//! (CI), then it fails.

use std::io::{self, Read, Write};
use std::thread;
use std::time::Duration;

use hil_rfc2217::ser2net::{self, Accepter, Ser2net, Setup};
use hil_rfc2217::{Error, NetworkOptions, PortSpec, SerialConfig, open_serial_with};
use hil_sim::pty::PtyEndpoint;
use nix::sys::termios::{BaudRate, ControlFlags, cfgetospeed};
use rstest::rstest;
use serialport::{ClearBuffer, DataBits, Parity, SerialPort, StopBits};

const WAIT: Duration = Duration::from_secs(10);

fn setup(test: &str, accepter: Accepter) -> Option<(PtyEndpoint, Ser2net, Box<dyn SerialPort>)> {
    let tuned = Setup::Tuned {
        accepter,
        kick_old_user: true,
    };
    setup_with(test, tuned)
}

fn setup_with(test: &str, how: Setup) -> Option<(PtyEndpoint, Ser2net, Box<dyn SerialPort>)> {
    if !ser2net::available_or_skip(test) {
        return None;
    }
    let pty = PtyEndpoint::open().expect("pty");
    let server = Ser2net::start_setup(pty.path(), 115_200, how).expect("ser2net starts");
    let spec = PortSpec::parse(&server.url()).unwrap();
    let port =
        open_serial_with(&spec, &SerialConfig::new(115_200).timeout(WAIT)).unwrap_or_else(|e| {
            panic!(
                "open {}: {e}; ser2net says: {}",
                server.url(),
                server.log_tail()
            )
        });
    Some((pty, server, port))
}

/// Every byte value, runs of 0xFF, and IAC-command look-alikes.
fn binary_pattern(len: usize) -> Vec<u8> {
    let motifs: [&[u8]; 4] = [
        &[0xff, 0xff, 0xff],
        &[0xff, 0xfa, 0x2c, 0x01, 0xff, 0xf0],
        &[0xff, 0xfb, 0x00],
        &[b'\r', 0x00, b'\r', b'\n'],
    ];
    let mut out = Vec::with_capacity(len + 256);
    let mut i = 0usize;
    while out.len() < len {
        out.push((i % 256) as u8);
        if i.is_multiple_of(37) {
            out.extend_from_slice(motifs[(i / 37) % motifs.len()]);
        }
        i += 1;
    }
    out.truncate(len);
    out
}

fn read_from_pty(pty: &PtyEndpoint, len: usize) -> Vec<u8> {
    let mut got = Vec::with_capacity(len);
    let mut buf = [0u8; 4096];
    while got.len() < len {
        let n = pty.read_timeout(&mut buf, WAIT).unwrap();
        assert!(
            n > 0,
            "the device got {} of {len} bytes, then nothing",
            got.len()
        );
        got.extend_from_slice(&buf[..n]);
    }
    got
}

fn check_both_ways(pty: &PtyEndpoint, port: &mut Box<dyn SerialPort>, len: usize) {
    let data = binary_pattern(len);
    assert!(data.iter().filter(|&&b| b == 0xff).count() > len / 100);
    // Client -> device.
    let mut writer = port.try_clone().unwrap();
    let sent = data.clone();
    let w = thread::spawn(move || writer.write_all(&sent));
    assert_eq!(read_from_pty(pty, len), data, "client -> device");
    w.join().unwrap().unwrap();
    // Device -> client.
    thread::scope(|s| {
        s.spawn(|| {
            for chunk in data.chunks(1024) {
                assert_eq!(pty.write_timeout(chunk, WAIT).unwrap(), chunk.len());
            }
        });
        let mut got = vec![0u8; len];
        port.read_exact(&mut got).unwrap();
        assert_eq!(got, data, "device -> client");
    });
}

#[test]
fn binary_data_with_0xff_both_ways() {
    let Some((pty, _server, mut port)) =
        setup("binary_data_with_0xff_both_ways", Accepter::Rfc2217)
    else {
        return;
    };
    check_both_ways(&pty, &mut port, 64 * 1024);
}

#[test]
fn baud_and_framing_changes_reach_the_device() {
    let Some((pty, _server, mut port)) = setup("baud_and_framing_changes", Accepter::Rfc2217)
    else {
        return;
    };
    let speed = || cfgetospeed(&pty.termios().unwrap());
    assert_eq!(speed(), BaudRate::B115200, "opened at 115200");
    port.set_baud_rate(9600).unwrap();
    assert_eq!(speed(), BaudRate::B9600);
    assert_eq!(
        port.baud_rate().unwrap(),
        9600,
        "as the server acknowledged"
    );
    port.set_baud_rate(230_400).unwrap();
    assert_eq!(speed(), BaudRate::B230400);

    let two_stop = || {
        pty.termios()
            .unwrap()
            .control_flags
            .contains(ControlFlags::CSTOPB)
    };
    assert!(!two_stop());
    port.set_stop_bits(StopBits::Two).unwrap();
    assert!(two_stop());
    assert_eq!(port.stop_bits().unwrap(), StopBits::Two);
    // A pty forces 8 data bits and no parity (Linux pty_set_termios), so these are checked
    // as acknowledged by ser2net.
    port.set_data_bits(DataBits::Seven).unwrap();
    assert_eq!(port.data_bits().unwrap(), DataBits::Seven);
    port.set_parity(Parity::Even).unwrap();
    assert_eq!(port.parity().unwrap(), Parity::Even);
    // Data still flows at the new settings.
    port.set_data_bits(DataBits::Eight).unwrap();
    port.set_parity(Parity::None).unwrap();
    check_both_ways(&pty, &mut port, 4096);
}

#[test]
fn purge_discards_input_received_before_it() {
    let Some((pty, _server, mut port)) = setup("purge_discards_input", Accepter::Rfc2217) else {
        return;
    };
    pty.write_timeout(b"stale output", WAIT).unwrap();
    // Wait until all of it reached the client, so none can arrive after the purge.
    let mut seen = 0;
    for _ in 0..1000 {
        seen = port.bytes_to_read().unwrap();
        if seen >= 12 {
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(seen, 12, "the stale bytes arrived");
    port.clear(ClearBuffer::Input).unwrap();
    assert_eq!(port.bytes_to_read().unwrap(), 0);
    port.clear(ClearBuffer::Output).unwrap();
    port.clear(ClearBuffer::All).unwrap();
    pty.write_timeout(b"fresh", WAIT).unwrap();
    let mut got = [0u8; 5];
    port.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"fresh");
}

#[test]
fn modem_control_on_a_pty_is_sent_but_not_confirmed() {
    let Some((pty, server, mut port)) = setup("modem_control_on_a_pty", Accepter::Rfc2217) else {
        return;
    };
    // Default: sent without waiting (ser2net cannot set DTR on a pty and says nothing).
    port.write_data_terminal_ready(true).unwrap();
    port.write_request_to_send(true).unwrap();
    // Waiting for the confirmation shows the silence as a timeout, not a hang.
    let spec = PortSpec::parse(&server.url()).unwrap();
    drop(port);
    let strict = SerialConfig {
        network: NetworkOptions {
            await_control_acks: true,
            ..NetworkOptions::default()
        },
        ..SerialConfig::new(115_200)
    };
    let mut port = open_serial_with(&spec, &strict).unwrap();
    let e = port.write_data_terminal_ready(true).unwrap_err();
    assert_eq!(e.kind, serialport::ErrorKind::Io(io::ErrorKind::TimedOut));
    assert!(e.description.contains("SET-CONTROL DtrOn"), "{e}");
    check_both_ways(&pty, &mut port, 1024);
}

#[test]
fn raw_tcp_through_ser2net() {
    let Some((pty, _server, mut port)) = setup("raw_tcp_through_ser2net", Accepter::Raw) else {
        return;
    };
    check_both_ways(&pty, &mut port, 16 * 1024);
    assert!(
        port.set_baud_rate(9600).is_err(),
        "raw TCP cannot change the line"
    );
}

#[test]
fn a_killed_server_is_a_dropped_connection_not_a_hang() {
    let Some((_pty, mut server, port)) = setup("a_killed_server", Accepter::Rfc2217) else {
        return;
    };
    let mut reader = port.try_clone().unwrap();
    reader.set_timeout(Duration::from_secs(60)).unwrap();
    let blocked = thread::spawn(move || {
        let mut buf = [0u8; 16];
        reader.read(&mut buf)
    });
    // Give the reader a moment to block; the outcome is the same if it has not yet.
    thread::sleep(Duration::from_millis(200));
    server.kill().unwrap();
    let e = blocked.join().unwrap().unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::ConnectionAborted, "{e}");
    assert!(
        matches!(Error::from_io(&e), Some(Error::ConnectionDropped { .. })),
        "{e}"
    );
    let mut port = port;
    let again = port.write_all(b"AT\r").unwrap_err();
    assert_eq!(again.kind(), io::ErrorKind::ConnectionAborted, "{again}");
}

#[test]
fn a_port_in_use_says_so() {
    if !ser2net::available_or_skip("a_port_in_use_says_so") {
        return;
    }
    // ser2net's default without kickolduser: a second client is turned away. (A labgrid
    // exporter lets up to 10 in instead: `labgrids_ser2net_lets_a_second_client_in`.)
    let pty = PtyEndpoint::open().expect("pty");
    let server = Ser2net::start_with(pty.path(), 115_200, Accepter::Rfc2217, false).unwrap();
    let spec = PortSpec::parse(&server.url()).unwrap();
    let _first = open_serial_with(&spec, &SerialConfig::new(115_200)).unwrap();
    let e = open_serial_with(&spec, &SerialConfig::new(115_200)).unwrap_err();
    // The kind `serialport` gives a local port another program holds.
    assert_eq!(e.kind, serialport::ErrorKind::NoDevice, "{e}");
    assert!(e.description.contains("busy"), "{e}");
    assert!(e.description.contains("Port already in use"), "{e}");
}

#[rstest]
#[case::stock(false)]
#[case::through_the_wrapper(true)]
fn labgrid_exporter_setups_carry_0xff_and_baud_changes(#[case] wrapper: bool) {
    let test = format!("labgrid_exporter_setup (wrapper: {wrapper})");
    let Some((pty, server, mut port)) = setup_with(&test, Setup::Labgrid { wrapper }) else {
        return;
    };
    check_both_ways(&pty, &mut port, 16 * 1024);
    port.set_baud_rate(9600).unwrap();
    assert_eq!(cfgetospeed(&pty.termios().unwrap()), BaudRate::B9600);
    port.clear(ClearBuffer::All).unwrap();
    check_both_ways(&pty, &mut port, 1024);
    // ser2net reports defaults it cannot apply in its log and carries on; the wrapper's apply.
    let log = server.log();
    assert!(!log.contains("Unable to set default"), "{log}");
}

#[test]
fn labgrids_ser2net_lets_a_second_client_in() {
    let Some((pty, server, _first)) = setup_with(
        "labgrids_ser2net_lets_a_second_client_in",
        Setup::Labgrid { wrapper: false },
    ) else {
        return;
    };
    // `max-connections: 10`: only labgrid's acquire keeps two users apart, not ser2net.
    let spec = PortSpec::parse(&server.url()).unwrap();
    let mut second = open_serial_with(&spec, &SerialConfig::new(115_200).timeout(WAIT)).unwrap();
    second.write_all(b"second").unwrap();
    assert_eq!(read_from_pty(&pty, 6), b"second");
}

#[test]
fn the_wrapper_passes_labgrids_arguments_through_after_its_defaults() {
    // With `echo` standing in for ser2net, the wrapper prints the command line it would run.
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), ser2net::WRAPPER).unwrap();
    let args = ser2net::labgrid_args(std::path::Path::new("/dev/pts/9"), 115_200, 4001);
    let out = std::process::Command::new("sh")
        .arg(script.path())
        .args(&args)
        .env(ser2net::WRAPPER_REAL_ENV, "echo")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let printed = String::from_utf8(out.stdout).unwrap();
    let mut want = String::new();
    for (name, value) in ser2net::TUNED_DEFAULTS {
        want.push_str(&format!("-Y default:#  name: {name}#  value: {value} "));
    }
    want.push_str(&args.join(" "));
    assert_eq!(printed.trim_end(), want);
}

#[test]
fn a_server_killed_mid_write_fails_the_write_instead_of_hanging() {
    let Some((_pty, mut server, port)) = setup("a_server_killed_mid_write", Accepter::Rfc2217)
    else {
        return;
    };
    // Nobody reads the device: the pty, ser2net and both socket buffers fill up and the
    // writer blocks. Its write timeout is 5 s, so an error other than a drop would be a timeout.
    let mut writer = port.try_clone().unwrap();
    let blocked = thread::spawn(move || {
        let chunk = vec![0xffu8; 64 * 1024];
        loop {
            if let Err(e) = writer.write_all(&chunk) {
                return e;
            }
        }
    });
    thread::sleep(Duration::from_millis(200));
    server.kill().unwrap();
    let e = blocked.join().unwrap();
    assert_eq!(e.kind(), io::ErrorKind::ConnectionAborted, "{e}");
    assert!(
        matches!(Error::from_io(&e), Some(Error::ConnectionDropped { .. })),
        "{e}"
    );
}

#[test]
fn a_setting_sent_to_a_dead_server_is_a_drop_not_a_timeout() {
    let Some((_pty, mut server, mut port)) =
        setup("a_setting_sent_to_a_dead_server", Accepter::Rfc2217)
    else {
        return;
    };
    server.kill().unwrap();
    let e = port.set_baud_rate(9600).unwrap_err();
    assert_eq!(
        e.kind,
        serialport::ErrorKind::Io(io::ErrorKind::ConnectionAborted),
        "{e}"
    );
    assert!(e.description.contains("dropped"), "{e}");
}

#[test]
fn a_vanishing_device_drops_the_connection() {
    let Some((pty, _server, mut port)) = setup("a_vanishing_device", Accepter::Rfc2217) else {
        return;
    };
    port.write_all(b"AT\r").unwrap();
    assert_eq!(read_from_pty(&pty, 3), b"AT\r");
    // The board goes away (a USB serial device unplugged): ser2net's device read fails and it
    // closes the connection; the client's read says so instead of waiting out its timeout.
    drop(pty);
    port.set_timeout(Duration::from_secs(60)).unwrap();
    let mut buf = [0u8; 16];
    let e = port.read(&mut buf).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::ConnectionAborted, "{e}");
}
