//! Wire-level tests of the simulated supplies: each dialect over a real socket or pty.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use super::*;

fn rail() -> Arc<SupplyRail> {
    Arc::new(SupplyRail::new(3.8, Slew::FAST))
}

struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(ep: &SupplyEndpoint) -> Client {
        let addr = ep.address.strip_prefix("tcp://").expect("tcp address");
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        Client {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        }
    }
    fn send(&mut self, cmd: &str) {
        self.writer
            .write_all(format!("{cmd}\n").as_bytes())
            .unwrap();
    }
    fn query(&mut self, cmd: &str) -> String {
        self.send(cmd);
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        line.trim_end().to_owned()
    }
    fn no_error(&mut self) {
        assert_eq!(self.query("SYST:ERR?"), "+0,\"No error\"");
    }
}

fn num(s: &str) -> f64 {
    s.split(',')
        .next()
        .unwrap()
        .trim_end_matches(['V', 'A'])
        .parse()
        .unwrap()
}

#[test]
fn generic_scpi_round_trip_and_error_queue() {
    let rail = rail();
    let ep = start(SupplyModel::GENERIC_SCPI, rail.clone(), Timing::Fast).unwrap();
    let mut c = Client::connect(&ep);
    assert!(c.query("*IDN?").contains("GENERIC-PSU"));
    c.send("VOLT 3.3");
    c.send("CURR 0.5");
    assert_eq!(num(&c.query("VOLT?")), 3.3);
    assert_eq!(num(&c.query("CURR?")), 0.5);
    std::thread::sleep(Duration::from_millis(5));
    assert!((num(&c.query("MEAS:VOLT?")) - 3.3).abs() < 1e-3);
    c.send("OUTP OFF");
    assert_eq!(c.query("OUTP?"), "0");
    assert!(!rail.output_on());
    c.no_error();
    c.send("FOO 1");
    c.send("VOLT 99");
    assert_eq!(c.query("SYST:ERR?"), "-113,\"Undefined header\"");
    assert_eq!(c.query("SYST:ERR?"), "-222,\"Data out of range\"");
    c.no_error();
    assert_eq!(
        rail.setpoint(),
        3.3,
        "an out-of-range set point is not applied"
    );
    assert_eq!(ep.log.commands()[1], "VOLT 3.3");
    // A second client after the first one left.
    drop(c);
    let mut c = Client::connect(&ep);
    assert_eq!(c.query("*OPC?"), "1");
}

#[test]
fn each_dialect_drives_the_rail() {
    // (model, commands to set 3.3 V and switch on, query of the measured voltage)
    let cases: &[(SupplyModel, &[&str], &str)] = &[
        (
            SupplyModel::Scpi(ScpiModel::KeysightE36300),
            &["VOLT 3.3,(@1)", "OUTP ON,(@1)"],
            "MEAS:VOLT? (@1)",
        ),
        (
            SupplyModel::Scpi(ScpiModel::KeysightE3631a),
            &["APPL P6V,3.3,0.5", "OUTP ON"],
            "MEAS:VOLT? P6V",
        ),
        (
            SupplyModel::Scpi(ScpiModel::RigolDp800),
            &[":INST:NSEL 1", ":SOUR:VOLT 3.3", ":OUTP CH1,ON"],
            ":MEAS:VOLT? CH1",
        ),
        (
            SupplyModel::Scpi(ScpiModel::SiglentSpd3303x),
            &["CH1:VOLT 3.3", "OUTP CH1,ON"],
            "MEAS:VOLT? CH1",
        ),
        (
            SupplyModel::Scpi(ScpiModel::RsHmc804x),
            &["INST:NSEL 1", "VOLT 3.3", "OUTP:CHAN ON", "OUTP:MAST ON"],
            "MEAS:VOLT?",
        ),
        (
            SupplyModel::Scpi(ScpiModel::RsNge100),
            &["INST:NSEL 1", "VOLT 3.3", "OUTP:SEL ON", "OUTP:GEN ON"],
            "MEAS:VOLT?",
        ),
        (
            SupplyModel::Scpi(ScpiModel::Keithley2230),
            &["INST:SEL CH1", "SOUR:VOLT 3.300V", "CHAN:OUTP ON"],
            "MEAS:VOLT? CH1",
        ),
        (
            SupplyModel::Scpi(ScpiModel::Keithley2280),
            &["SOUR:VOLT:LEV:IMM:AMPL 3.3", "OUTP:STAT ON"],
            "MEAS:VOLT?",
        ),
    ];
    for (model, sets, meas) in cases {
        let rail = Arc::new(SupplyRail::new(0.0, Slew::FAST));
        rail.set_output(false);
        let ep = start(*model, rail.clone(), Timing::Fast).unwrap();
        let mut c = Client::connect(&ep);
        assert!(!c.query("*IDN?").is_empty());
        for s in *sets {
            c.send(s);
        }
        c.no_error();
        assert!(rail.output_on(), "{model}: output on");
        assert_eq!(rail.setpoint(), 3.3, "{model}: set point");
        std::thread::sleep(Duration::from_millis(10));
        let v = num(&c.query(meas));
        assert!((v - 3.3).abs() < 1e-3, "{model}: measured {v}");
    }
}

#[test]
fn dialects_reject_foreign_forms() {
    let ep = start(
        SupplyModel::Scpi(ScpiModel::RigolDp800),
        rail(),
        Timing::Fast,
    )
    .unwrap();
    let mut c = Client::connect(&ep);
    c.send("CH1:VOLT 3.3");
    assert_eq!(c.query("SYST:ERR?"), "-113,\"Undefined header\"");
    let ep = start(
        SupplyModel::Scpi(ScpiModel::SiglentSpd3303x),
        rail(),
        Timing::Fast,
    )
    .unwrap();
    let mut c = Client::connect(&ep);
    c.send(":APPL CH1,3.3");
    assert_eq!(c.query("SYST:ERR?"), "-113,\"Undefined header\"");
}

#[test]
fn rs_needs_both_switches() {
    let rail = rail();
    rail.set_output(false);
    let ep = start(
        SupplyModel::Scpi(ScpiModel::RsHmc804x),
        rail.clone(),
        Timing::Fast,
    )
    .unwrap();
    let mut c = Client::connect(&ep);
    c.send("OUTP:MAST OFF");
    c.send("INST:NSEL 1");
    c.send("OUTP:CHAN ON");
    assert_eq!(c.query("OUTP:CHAN?"), "1");
    assert!(!rail.output_on(), "master still off");
    c.send("OUTP:MAST ON");
    assert_eq!(c.query("OUTP:MAST?"), "1");
    assert!(rail.output_on());
}

#[test]
fn faults_hang_drop_and_slow() {
    let rail = rail();
    let ep = start(SupplyModel::GENERIC_SCPI, rail.clone(), Timing::Fast).unwrap();
    let mut c = Client::connect(&ep);
    ep.faults.set_min_interval(Duration::from_millis(200));
    c.send("VOLT 3.0");
    c.send("VOLT 3.1");
    std::thread::sleep(Duration::from_millis(250));
    assert_eq!(c.query("VOLT?").parse::<f64>().unwrap(), 3.0);
    assert_eq!(ep.log.dropped(), vec!["VOLT 3.1"]);
    ep.faults.set_min_interval(Duration::ZERO);
    ep.faults.set_reply_delay(Duration::from_millis(100));
    let t = std::time::Instant::now();
    c.query("*OPC?");
    assert!(t.elapsed() >= Duration::from_millis(100));
    ep.faults.set_reply_delay(Duration::ZERO);
    ep.faults.set_hang(true);
    c.writer
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    c.send("*IDN?");
    let mut line = String::new();
    assert!(
        c.reader.read_line(&mut line).is_err(),
        "no answer while hung"
    );
}

#[test]
fn serial_scpi_e3631a_wants_remote_first() {
    let rail = rail();
    let opts = SupplyOptions {
        link: SimLink::Serial,
        ..SupplyOptions::default()
    };
    let ep = start_with(
        SupplyModel::Scpi(ScpiModel::KeysightE3631a),
        rail.clone(),
        Timing::Fast,
        opts,
    )
    .unwrap();
    assert!(ep.address.starts_with('/'));
    let mut port = serialport::new(&ep.address, 9600)
        .timeout(Duration::from_secs(2))
        .open()
        .unwrap();
    let mut ask = |cmd: &str| {
        port.write_all(format!("{cmd}\n").as_bytes()).unwrap();
        let mut out = Vec::new();
        let mut b = [0u8; 1];
        while port.read(&mut b).is_ok() && b[0] != b'\n' {
            out.push(b[0]);
        }
        String::from_utf8(out).unwrap()
    };
    ask("VOLT 2.0\nSYST:ERR?");
    assert_eq!(rail.setpoint(), 3.8, "ignored before SYST:REM");
    ask("SYST:REM\nVOLT 2.0\n*OPC?");
    assert_eq!(rail.setpoint(), 2.0);
}

#[test]
fn korad_protocol_and_pacing() {
    let rail = rail();
    let ep = start(SupplyModel::Korad, rail.clone(), Timing::Fast).unwrap();
    assert_eq!(
        ep.faults.min_interval(),
        Duration::ZERO,
        "pacing is realistic-timing only"
    );
    ep.faults.set_min_interval(korad::PROCESSING_TIME);
    let mut port = serialport::new(&ep.address, 9600)
        .timeout(Duration::from_secs(2))
        .open()
        .unwrap();
    port.write_all(b"VSET1:03.30").unwrap();
    std::thread::sleep(Duration::from_millis(100));
    port.write_all(b"VSET1?").unwrap();
    let mut r = [0u8; 5];
    port.read_exact(&mut r).unwrap();
    assert_eq!(&r, b"03.30");
    std::thread::sleep(Duration::from_millis(100));
    // Two commands back to back (one write: however late the simulator reads, it sees them
    // together): the second one is not executed.
    port.write_all(b"VSET1:03.00OUT0").unwrap();
    std::thread::sleep(Duration::from_millis(150));
    assert_eq!(rail.setpoint(), 3.0);
    assert!(rail.output_on(), "OUT0 came too soon and was dropped");
    assert_eq!(ep.log.dropped(), vec!["OUT0"]);
    port.write_all(b"STATUS?").unwrap();
    let mut s = [0u8; 1];
    port.read_exact(&mut s).unwrap();
    assert_ne!(s[0] & 0x40, 0, "output-on bit");
}

#[test]
fn ppk2_source_meter_opcodes() {
    let rail = rail();
    let ep = start(SupplyModel::Ppk2, rail.clone(), Timing::Fast).unwrap();
    let mut port = serialport::new(&ep.address, 115_200)
        .timeout(Duration::from_secs(1))
        .open()
        .unwrap();
    port.write_all(&[0x19]).unwrap();
    let mut meta = Vec::new();
    let mut b = [0u8; 64];
    while !meta.ends_with(b"END\n") {
        let n = port.read(&mut b).unwrap();
        meta.extend_from_slice(&b[..n]);
    }
    assert!(String::from_utf8_lossy(&meta).contains("VDD: 3800"));
    port.write_all(&[0x11, 0x02, 0x0d, 0x0c, 0xe4, 0x0c, 0x01])
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(rail.setpoint(), 3.3);
    assert!(rail.output_on());
    port.write_all(&[0x0c, 0x00]).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    assert!(!rail.output_on());
    assert_eq!(
        ep.log.commands(),
        vec![
            "GetMetaData",
            "SetPowerMode 2",
            "RegulatorSet 3300",
            "DeviceRunningSet 1",
            "DeviceRunningSet 0"
        ]
    );
}

#[test]
fn model_names_are_kebab_case() {
    assert_eq!(
        SupplyModel::Scpi(ScpiModel::KeysightE3631a).to_string(),
        "keysight-e3631a"
    );
    assert_eq!(
        "rs-nge100".parse::<SupplyModel>().unwrap(),
        SupplyModel::Scpi(ScpiModel::RsNge100)
    );
    assert_eq!(SupplyModel::default(), SupplyModel::GENERIC_SCPI);
}

#[test]
fn every_model_leaves_an_unknown_query_unanswered_on_the_wire() {
    for model in [
        ScpiModel::Generic,
        ScpiModel::KeysightE36300,
        ScpiModel::KeysightE3631a,
        ScpiModel::RigolDp800,
        ScpiModel::SiglentSpd3303x,
        ScpiModel::RsHmc804x,
        ScpiModel::RsNge100,
        ScpiModel::Keithley2230,
        ScpiModel::Keithley2280,
    ] {
        let opts = SupplyOptions {
            error_queue_depth: Some(2),
            ..SupplyOptions::default()
        };
        let ep = start_with(SupplyModel::Scpi(model), rail(), Timing::Fast, opts).unwrap();
        let mut c = Client::connect(&ep);
        // The first line read is the identity: nothing was sent for the unknown query.
        c.send("NO:SUCH:QUERY?");
        assert!(c.query("*IDN?").contains(','), "{model}");
        c.send("NO:SUCH:COMMAND");
        c.send("NO:SUCH:COMMAND");
        assert_eq!(c.query("SYST:ERR?"), "-113,\"Undefined header\"", "{model}");
        assert_eq!(c.query("SYST:ERR?"), "-350,\"Queue overflow\"", "{model}");
        c.no_error();
    }
    assert_eq!(
        scpi::error_queue_depth(ScpiModel::KeysightE3631a),
        scpi::QueueDepth {
            depth: 20,
            sourced: true
        }
    );
    assert!(
        !scpi::error_queue_depth(ScpiModel::RigolDp800).sourced,
        "OPEN"
    );
}

#[test]
fn over_current_trips_while_no_command_arrives() {
    let rail = rail();
    let ep = start(
        SupplyModel::Scpi(ScpiModel::RigolDp800),
        rail.clone(),
        Timing::Fast,
    )
    .unwrap();
    let mut c = Client::connect(&ep);
    c.send(":OUTP:OCP:VAL CH1,0.2;:OUTP:OCP CH1,ON");
    c.no_error();
    assert!(rail.output_on());
    // The DUT starts drawing more than the OCP level; the client says nothing.
    rail.set_load_amps(0.5);
    assert!(
        hil_testkit::poll_until(Duration::from_secs(5), || !rail.output_on()),
        "the simulated DP832 switched its output off by itself"
    );
    assert_eq!(c.query(":OUTP:OCP:QUES? CH1"), "YES");
    assert_eq!(c.query(":OUTP? CH1"), "OFF");
    c.send(":OUTP:OCP:CLEAR CH1");
    assert_eq!(c.query(":OUTP:OCP:QUES? CH1"), "NO");
}
