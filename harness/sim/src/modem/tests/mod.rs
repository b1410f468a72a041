//! Behaviour tests of the modem model, one file per area, plus shared helpers.

mod cmng;
mod general;
mod keygen;
mod persistence;
mod pofwarn;
mod profiles;
mod robustness;

use std::sync::Arc;
use std::time::Duration;

use p256::ecdsa::SigningKey;
use x509_cert::builder::{Builder, CertificateBuilder, Profile as CertProfile};
use x509_cert::der::EncodePem;
use x509_cert::der::pem::LineEnding;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::SubjectPublicKeyInfoOwned;
use x509_cert::time::Validity;

use super::{Modem, ModemIdentity, Policy, Reply};
use crate::profile::{Profile, bundled_profile};

pub const ALPHA: &str = "mfw_nrf9160_0.7.0-29.alpha";
pub const V123: &str = "mfw_nrf9160_1.2.3";
pub const V131: &str = "mfw_nrf9160_1.3.1";
pub const V136: &str = "mfw_nrf9160_1.3.6";
pub const V200: &str = "mfw_nrf91x1_2.0.0";
pub const V202: &str = "mfw_nrf91x1_2.0.2";
pub const ALL: [&str; 6] = [ALPHA, V123, V131, V136, V200, V202];

pub fn profile(name: &str) -> Arc<Profile> {
    Arc::new(bundled_profile(name).unwrap_or_else(|e| panic!("{e}")))
}

/// A modem on `name` with default policy, powered at 3.7 V.
pub fn modem(name: &str) -> Modem {
    modem_with(name, Policy::default())
}

pub fn modem_with(name: &str, policy: Policy) -> Modem {
    let mut m = Modem::new(profile(name), ModemIdentity::from_seed("test-dut"), policy);
    m.supply_changed(3.7);
    m
}

/// Sends `cmd` and returns the whole answer as text; panics if the modem stays silent.
pub fn at(m: &mut Modem, cmd: &str) -> String {
    match m.execute(cmd.as_bytes()) {
        Reply::Answer(b) => String::from_utf8(b).expect("answers are UTF-8"),
        Reply::Silent => panic!("`{cmd}` got no answer"),
    }
}

/// Sends `cmd` and asserts the answer is exactly `OK`.
#[track_caller]
pub fn ok(m: &mut Modem, cmd: &str) {
    assert_eq!(at(m, cmd), "OK\r\n", "{cmd}");
}

/// Sends `cmd` with `+CMEE=1` in force and asserts `+CME ERROR: <code>`.
#[track_caller]
pub fn cme(m: &mut Modem, cmd: &str, code: u16) {
    assert_eq!(at(m, cmd), format!("+CME ERROR: {code}\r\n"), "{cmd}");
}

/// Offline with numeric errors: the usual provisioning preamble (ref §3 [P1]).
pub fn provisioning(m: &mut Modem) {
    ok(m, "AT+CFUN=4");
    ok(m, "AT+CMEE=1");
}

/// `AT%CMNG=0,<tag>,<type>,"<content>"`.
pub fn write_cmd(tag: u32, kind: u8, content: &str) -> String {
    format!("AT%CMNG=0,{tag},{kind},\"{content}\"")
}

/// A real self-signed X.509 certificate as LF PEM with a trailing newline.
pub fn cert_pem(cn: &str) -> String {
    let key = SigningKey::from_slice(&[0x42; 32]).unwrap();
    let spki = SubjectPublicKeyInfoOwned::from_key(*key.verifying_key()).expect("spki from key");
    let subject: Name = format!("CN={cn}").parse().unwrap();
    let builder = CertificateBuilder::new(
        CertProfile::Root,
        SerialNumber::from(7u32),
        Validity::from_now(Duration::from_secs(3600)).unwrap(),
        subject,
        spki,
        &key,
    )
    .unwrap();
    let cert = builder.build::<p256::ecdsa::DerSignature>().unwrap();
    cert.to_pem(LineEnding::LF).unwrap()
}

/// The digest line `%CMNG: <tag>,<type>,"<sha>"` of `content`.
pub fn list_line(tag: u32, kind: u8, content: &str) -> String {
    format!(
        "%CMNG: {tag},{kind},\"{}\"",
        hil_model::sha256_upper_hex(content.as_bytes())
    )
}

#[test]
fn helpers_make_a_valid_certificate() {
    let pem = cert_pem("root");
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"));
    assert!(!pem.contains('\r'));
    assert_eq!(super::pem::check_certificates(pem.as_bytes(), true), Ok(()));
}
