//! Each bundled modem-firmware profile of the simulated rack, as the client sees it through the
//! real pty: identity, digests, content validation, power-off warning, key generation.

mod common;

use common::{cert, client, provisioning, sim_one};
use hil_at::{AtError, CmngFilter, FinalResult, KeygenResponse};
use hil_model::{CmeCode, CredentialType, MfwVersion, sha256_upper_hex};
use hil_sim::rack::{SimRack, SimRackConfig};
use hil_sim::timing::Timing;
use rstest::rstest;

const ALPHA: &str = "mfw_nrf9160_0.7.0-29.alpha";
const V123: &str = "mfw_nrf9160_1.2.3";
const V131: &str = "mfw_nrf9160_1.3.1";
const V136: &str = "mfw_nrf9160_1.3.6";
const V200: &str = "mfw_nrf91x1_2.0.0";
const V202: &str = "mfw_nrf91x1_2.0.2";

#[test]
fn every_bundled_profile_identifies_itself() {
    let rack = SimRack::start(SimRackConfig::default_rack(Timing::Fast)).unwrap();
    assert!(rack.duts().len() >= 6, "one board per bundled profile");
    for dut in rack.duts() {
        let mut at = client(dut);
        let id = at.identity().unwrap();
        assert_eq!(id.revision, dut.profile, "{}", dut.name);
        let mfw = id.mfw.expect("bundled profiles follow the MFW grammar");
        assert_eq!(mfw, MfwVersion::parse(&dut.profile).unwrap());
        assert_eq!(id.short_sw_version.as_deref(), Some(mfw.short().as_str()));
        assert_eq!(id.imei.as_deref(), Some(dut.imei.as_str()));
        let hw = id.hw_version.unwrap();
        let model = id.model.unwrap();
        assert!(
            hw.starts_with("nRF91") && model.starts_with("nRF91"),
            "{hw} / {model}"
        );
        assert_eq!(id.manufacturer.as_deref(), Some("Nordic Semiconductor ASA"));
        assert!(!at.firmware_id().unwrap().is_empty());
        assert!(at.transcript().exchanges().all(|x| x.latency.is_some()));
    }
}

#[rstest]
#[case::sha256(V136, None)]
#[case::sha256_91x1(V202, None)]
#[case::alpha_placeholders(ALPHA, Some(["00", "01"]))]
fn list_digests(#[case] profile: &str, #[case] placeholder: Option<[&str; 2]>) {
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    let pem = cert();
    at.cmng_write(1001, CredentialType::ROOT_CA, &pem).unwrap();
    at.cmng_write(1001, CredentialType::CLIENT_CERT, &pem)
        .unwrap();
    let listed = at.cmng_list(CmngFilter::Tag(1001)).unwrap();
    assert_eq!(listed.len(), 2);
    let want = match placeholder {
        None => [
            sha256_upper_hex(pem.as_bytes()),
            sha256_upper_hex(pem.as_bytes()),
        ],
        Some([a, b]) => [a.repeat(32), b.repeat(32)],
    };
    assert_eq!([listed[0].sha256.clone(), listed[1].sha256.clone()], want);
    let only = at
        .cmng_list(CmngFilter::TagType(1001, CredentialType::CLIENT_CERT))
        .unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].kind, CredentialType::CLIENT_CERT);
    at.cmng_delete(1001, CredentialType::ROOT_CA).unwrap();
    assert!(
        at.cmng_exists(1001, CredentialType::ROOT_CA)
            .unwrap()
            .is_none()
    );
    assert!(at.cmng_list(CmngFilter::Tag(4242)).unwrap().is_empty());
}

#[rstest]
#[case(V136)]
#[case(V202)]
fn read_returns_the_content_byte_for_byte(#[case] profile: &str) {
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    let pem = cert();
    at.cmng_write(7, CredentialType::ROOT_CA, &pem).unwrap();
    let item = at.cmng_read(7, CredentialType::ROOT_CA).unwrap();
    assert_eq!(item.content, pem);
    assert_eq!(item.sha256, sha256_upper_hex(pem.as_bytes()));
    // reading a missing item, and a secret one (default policy: 514), are rejections
    assert_eq!(
        at.cmng_read(8, CredentialType::ROOT_CA).unwrap_err().cme(),
        Some(CmeCode::NOT_FOUND)
    );
    at.cmng_write(7, CredentialType::CLIENT_KEY, common::FAKE_KEY)
        .unwrap();
    assert_eq!(
        at.cmng_read(7, CredentialType::CLIENT_KEY)
            .unwrap_err()
            .cme(),
        Some(CmeCode::NO_ACCESS)
    );
}

#[rstest]
#[case::refused_on_2_0_2(V202, Some(527))]
#[case::stored_verbatim_on_2_0_0(V200, None)]
#[case::stored_verbatim_on_1_3_6(V136, None)]
fn crlf_certificates(#[case] profile: &str, #[case] refused: Option<u16>) {
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    let lf = cert();
    let crlf = lf.replace('\n', "\r\n");
    let result = at.cmng_write(42, CredentialType::ROOT_CA, &crlf);
    match refused {
        Some(code) => assert_eq!(result.unwrap_err().cme(), Some(CmeCode(code))),
        None => {
            result.unwrap();
            let listed = at
                .cmng_exists(42, CredentialType::ROOT_CA)
                .unwrap()
                .unwrap();
            assert_eq!(listed.sha256, sha256_upper_hex(crlf.as_bytes()));
            assert_ne!(listed.sha256, sha256_upper_hex(lf.as_bytes()));
            let read = at.cmng_read(42, CredentialType::ROOT_CA).unwrap();
            assert_eq!(read.content, crlf, "CRs survive the round trip");
        }
    }
}

#[rstest]
#[case(ALPHA, true)]
#[case(V123, true)]
#[case(V136, true)]
#[case(V200, true)]
#[case(V202, false)]
fn non_certificate_content_as_a_ca(#[case] profile: &str, #[case] accepted: bool) {
    // ref §1.3 [F2]: the alpha stored "HONKHONK" as a CA; 2.0.2 validates (527).
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    let r = at.cmng_write(3, CredentialType::ROOT_CA, "HONKHONK");
    if accepted {
        r.unwrap();
    } else {
        assert_eq!(r.unwrap_err().cme(), Some(CmeCode::INVALID_CONTENT));
    }
}

#[rstest]
#[case(ALPHA, false)]
#[case(V123, false)]
#[case(V131, true)]
#[case(V136, true)]
#[case(V200, true)]
#[case(V202, true)]
fn xpofwarn_exists_from_1_3_1(#[case] profile: &str, #[case] present: bool) {
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    at.set_cmee(1).unwrap();
    let r = at.xpofwarn_enable(3100);
    if present {
        r.unwrap();
        at.xpofwarn_disable().unwrap();
    } else {
        let e = r.unwrap_err();
        assert!(matches!(e, AtError::Rejected { .. }), "{e}");
    }
}

#[rstest]
#[case(ALPHA, false)]
#[case(V123, false)]
#[case(V136, true)]
#[case(V202, true)]
fn keygen_from_1_3(#[case] profile: &str, #[case] present: bool) {
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    let r = at.keygen(16842753, CredentialType::CLIENT_KEY, KeygenResponse::Csr);
    if present {
        let out = r.unwrap();
        assert_eq!(out.der.first(), Some(&0x30), "DER SEQUENCE");
        assert!(!out.cose.unwrap().is_empty());
        let listed = at.cmng_list(CmngFilter::Tag(16842753)).unwrap();
        assert!(listed.iter().any(|e| e.kind == CredentialType::CLIENT_KEY));
        let pk = at
            .keygen(
                16842754,
                CredentialType::CLIENT_KEY,
                KeygenResponse::PublicKey,
            )
            .unwrap();
        assert_eq!(pk.der.first(), Some(&0x30));
    } else {
        assert!(matches!(r, Err(AtError::Rejected { .. })), "{r:?}");
    }
}

#[rstest]
#[case(V136)]
#[case(V202)]
fn credential_updates_need_the_modem_offline(#[case] profile: &str) {
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    at.set_cmee(1).unwrap();
    at.set_cfun(1).unwrap();
    assert_eq!(at.cfun().unwrap(), 1);
    let e = at
        .cmng_write(5, CredentialType::ROOT_CA, &cert())
        .unwrap_err();
    assert_eq!(e.cme(), Some(CmeCode::NOT_ALLOWED_ACTIVE));
    at.set_cfun(4).unwrap();
    at.cmng_write(5, CredentialType::ROOT_CA, &cert()).unwrap();
}

#[test]
fn cmee_off_gives_plain_error() {
    let rack = sim_one(V136);
    let mut at = client(&rack.duts()[0]);
    at.set_cmee(0).unwrap();
    assert_eq!(at.cmee().unwrap(), 0);
    let r = at.exchange("AT%CMNG=3,999,0").unwrap();
    assert_eq!(r.result, FinalResult::Error);
    at.set_cmee(1).unwrap();
    assert_eq!(
        at.exchange("AT%CMNG=3,999,0").unwrap().cme(),
        Some(CmeCode::NOT_FOUND)
    );
}

#[rstest]
#[case::nrf91x1_on_by_default(V200, true)]
#[case::nrf9160_off_by_default(V136, false)]
fn power_off_warning_default(#[case] profile: &str, #[case] on_by_default: bool) {
    let rack = sim_one(profile);
    let dut = &rack.duts()[0];
    let mut at = client(dut);
    provisioning(&mut at);
    at.command("AT%MDMEV=1").unwrap();
    dut.control.rail().set_voltage(2.9);
    let urc = at.wait_urc("%MDMEV:", std::time::Duration::from_millis(500));
    assert_eq!(urc.is_ok(), on_by_default, "{urc:?}");
    let w = at.cmng_write(9, CredentialType::PSK_IDENTITY, "id");
    if on_by_default {
        assert_eq!(w.unwrap_err().cme(), Some(CmeCode::POWER_OFF_WARNING));
    } else {
        w.unwrap();
    }
}

#[test]
fn mfw_1_3_1_has_no_528_and_drops_writes_during_a_warning() {
    // ref §4.3 [C5], §8: before 1.3.2 NVM operations "appear to finish" during the warning.
    let rack = sim_one(V131);
    let dut = &rack.duts()[0];
    let mut at = client(dut);
    provisioning(&mut at);
    at.command("AT%MDMEV=1").unwrap();
    at.xpofwarn_enable(3000).unwrap();
    dut.control.rail().set_voltage(2.9);
    at.wait_urc("%MDMEV:", common::SIM_TIMEOUT).unwrap();
    at.cmng_write(11, CredentialType::ROOT_CA, &cert()).unwrap();
    assert!(
        at.cmng_exists(11, CredentialType::ROOT_CA)
            .unwrap()
            .is_none(),
        "OK but not persisted: a suite must read back"
    );
}

#[rstest]
#[case::type_6_unknown_before_1_3(V123, false)]
#[case::type_6_device_identity_from_1_3(V136, true)]
fn device_identity_key_type(#[case] profile: &str, #[case] accepted: bool) {
    let rack = sim_one(profile);
    let mut at = client(&rack.duts()[0]);
    provisioning(&mut at);
    let r = at.cmng_write(
        12,
        CredentialType::DEVICE_ID_PUBLIC_KEY,
        "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n",
    );
    assert_eq!(r.is_ok(), accepted, "{r:?}");
}
