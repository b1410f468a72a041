//! An instrument that answers nonsense: every reply becomes an error, never a panic or a hang.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

use hil_power::{OpenOptions, PowerError, ScpiModel, SupplyDriver, SupplySpec};

/// Serves one client, answering every line with `reply` (no answer for `*CLS`).
fn junk_instrument(reply: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut writer = stream.try_clone().unwrap();
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { return };
            if line != "*CLS" && writer.write_all(reply).is_err() {
                return;
            }
        }
    });
    addr
}

fn open(addr: String) -> Box<dyn hil_power::PowerSupply> {
    let spec = SupplySpec {
        driver: SupplyDriver::ScpiTcp,
        model: Some(ScpiModel::Keithley2280),
        address: addr,
        channel: 1,
        baud: None,
    };
    let options = OpenOptions {
        timeout: Duration::from_millis(300),
        pacing: None,
    };
    hil_power::open_with(&spec, options).unwrap()
}

#[test]
fn unparsable_numbers_are_bad_replies() {
    let mut supply = open(junk_instrument(b"\xff\xfe,V,,\n"));
    assert!(matches!(
        supply.measure_voltage(),
        Err(PowerError::BadReply { .. })
    ));
    assert!(matches!(
        supply.set_voltage(3.3),
        Err(PowerError::BadReply { .. })
    ));
}

#[test]
fn an_endless_line_is_cut_off() {
    static LONG: [u8; 10_000] = [b'9'; 10_000];
    let mut supply = open(junk_instrument(&LONG));
    let t = Instant::now();
    let err = supply.identify().unwrap_err();
    assert!(
        matches!(
            err,
            PowerError::BadReply { .. } | PowerError::Timeout { .. }
        ),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(1));
}

#[test]
fn an_error_queue_that_never_empties_is_bounded() {
    let mut supply = open(junk_instrument(b"-100,\"Command error\"\n"));
    let t = Instant::now();
    let err = supply.set_voltage(3.3).unwrap_err();
    assert!(
        matches!(err, PowerError::Instrument { code: -100, .. }),
        "{err}"
    );
    assert!(t.elapsed() < Duration::from_secs(2));
}
