//! Shared helpers of the simulated-board integration tests: start boards, talk raw bytes to a
//! board's pty with the `serialport` crate, wait for conditions with deadlines (never forever).
#![allow(dead_code)] // each test binary uses a different subset

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use hil_sim::rack::{SimDut, SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;
use serialport::SerialPort;

/// Generous ceiling for anything the simulator should do "at once" (slow CI machines).
pub const SOON: Duration = Duration::from_secs(5);

/// A rack of the given boards.
pub fn rack(duts: Vec<SimDutConfig>, timing: Timing) -> SimRack {
    SimRack::start(SimRackConfig {
        duts,
        timing,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .unwrap_or_else(|e| panic!("rack did not start: {e}"))
}

/// A rack with one board `name` running modem firmware `profile`, in fast timing.
pub fn one(name: &str, profile: &str) -> SimRack {
    rack(vec![SimDutConfig::new(name, profile)], Timing::Fast)
}

/// Polls `cond` until it holds or `SOON` passes.
pub fn wait_for(what: &str, cond: impl FnMut() -> bool) {
    hil_testkit::wait_for(what, SOON, cond);
}

/// Switches the board's rail off and waits until the board has noticed.
pub fn power_off(dut: &SimDut) {
    dut.control.rail().set_output(false);
    wait_for("the board to lose power", || !dut.control.powered());
}

/// Switches the board's rail on and waits until the board has booted.
pub fn power_on(dut: &SimDut) {
    dut.control.rail().set_output(true);
    wait_for("the board to power up", || dut.control.powered());
}

/// A serial client on a board's port.
pub struct Client {
    port: Box<dyn SerialPort>,
}

impl Client {
    /// Opens a freshly started board's serial port and reads its boot banner, whether it is
    /// already waiting or still on its way (a loaded host runs the board thread late; flushing
    /// the port instead could miss a banner the kernel had not delivered yet, which then landed
    /// in the first answer). For the first client of a board only: a later one finds no banner.
    pub fn open(dut: &SimDut) -> Client {
        let mut c = Client::open_raw(dut);
        if dut.control.powered() {
            c.read_banner();
        }
        c
    }

    /// Opens the port, keeping whatever is waiting.
    pub fn open_raw(dut: &SimDut) -> Client {
        let port = serialport::new(dut.serial.to_string_lossy(), dut.baud)
            .timeout(Duration::from_millis(20))
            .open()
            .unwrap_or_else(|e| panic!("open {}: {e}", dut.serial.display()));
        Client { port }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.port.write_all(bytes).expect("write to the board");
        self.port.flush().expect("flush");
    }

    /// Everything that arrives within `dur`.
    pub fn read_for(&mut self, dur: Duration) -> Vec<u8> {
        let deadline = Instant::now() + dur;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        while Instant::now() < deadline {
            match self.port.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => panic!("read from the board: {e}"),
            }
        }
        got
    }

    /// Reads until the text received so far satisfies `done`, or `within` passes (then panics
    /// with what did arrive).
    pub fn read_until(&mut self, within: Duration, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let text = String::from_utf8_lossy(&got);
            if done(&text) {
                return text.into_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no complete answer within {within:?}; received {text:?}"
            );
            match self.port.read(&mut buf) {
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(e) => panic!("read from the board: {e}"),
            }
        }
    }

    /// Reads up to and including the line `READY` of a boot banner.
    pub fn read_banner(&mut self) -> String {
        self.read_until(SOON, |t| t.contains("READY\r\n"))
    }

    /// Sends `cmd` + CR and reads the answer up to its final result code.
    pub fn command(&mut self, cmd: &str) -> String {
        let mut line = cmd.as_bytes().to_vec();
        line.push(b'\r');
        self.send(&line);
        self.read_until(SOON, has_final_result)
    }
}

/// True once `text` holds a complete final result line (`OK`, `ERROR`, `+CME ERROR: n`, …).
pub fn has_final_result(text: &str) -> bool {
    let complete = text.rfind("\r\n").map_or("", |end| &text[..end]);
    complete
        .split("\r\n")
        .any(|line| at_console::final_result(line.as_bytes()).is_some())
}

/// A PEM-looking certificate of about `body_len` base64 characters, LF line endings, with a
/// trailing LF (as files usually are).
pub fn pem(body_len: usize) -> String {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let body: Vec<u8> = (0..body_len).map(|i| alphabet[(i * 7 + 3) % 64]).collect();
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in body.chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

/// Upper-case hex SHA-256, the digest `%CMNG` lists.
pub fn sha256_upper(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// A real self-signed P-256 X.509 certificate as an LF PEM (what content-validating modem
/// firmware, MFW ≥2.0.2, accepts as a CA; ref §1.3).
pub fn self_signed_pem(common_name: &str) -> String {
    use std::str::FromStr;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::EncodePem;
    use x509_cert::der::pem::LineEnding;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    let key = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("valid scalar");
    let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).expect("spki");
    let subject = Name::from_str(&format!("CN={common_name}")).expect("name");
    let validity = Validity::from_now(Duration::from_secs(365 * 24 * 3600)).expect("validity");
    let builder = CertificateBuilder::new(
        Profile::Root,
        SerialNumber::from(1u32),
        validity,
        subject,
        spki,
        &key,
    )
    .expect("builder");
    let cert = builder
        .build::<p256::ecdsa::DerSignature>()
        .expect("self-signed certificate");
    cert.to_pem(LineEnding::LF).expect("pem")
}
