//! `%KEYGEN` and `%ATTESTTOKEN`: real keys, verifiable CSRs, modem-shaped COSE.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::cbor::value::Value;
use coset::{CoseSign1, TaggedCborSerializable};
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, Signature, SigningKey, VerifyingKey};
use p256::pkcs8::{DecodePrivateKey, DecodePublicKey};
use sha2::{Digest, Sha256};
use x509_cert::der::{Decode, Encode};
use x509_cert::request::CertReq;

use super::*;

/// Splits `%KEYGEN: "<a>.<b>"` / `%ATTESTTOKEN: "<a>.<b>"` into the two decoded parts.
fn two_parts(answer: &str, prefix: &str) -> (Vec<u8>, Vec<u8>) {
    let line = answer.strip_suffix("\r\nOK\r\n").expect(answer);
    let quoted = line.strip_prefix(&format!("{prefix}: \"")).expect(line);
    let inner = quoted.strip_suffix('"').expect(quoted);
    let (a, b) = inner.split_once('.').expect("two parts");
    (
        URL_SAFE_NO_PAD.decode(a).expect("base64url body"),
        URL_SAFE_NO_PAD.decode(b).expect("base64url cose"),
    )
}

fn stored_key(m: &Modem, tag: u32) -> SigningKey {
    let (_, _, pem) = m
        .credentials()
        .into_iter()
        .find(|(t, k, _)| *t == tag && *k == 2)
        .expect("type 2 stored at the tag");
    SigningKey::from_pkcs8_pem(std::str::from_utf8(&pem).unwrap()).expect("PKCS#8 PEM")
}

/// Checks the COSE part against the device's attestation key; returns the payload fields.
fn cose_fields(m: &Modem, cose: &[u8], body: &[u8]) -> Vec<Value> {
    let s = CoseSign1::from_tagged_slice(cose).expect("tagged COSE_Sign1");
    let vk = m.identity().attestation_verifying_key();
    s.verify_signature(&[], |sig, data| {
        vk.verify(data, &Signature::from_slice(sig).unwrap())
    })
    .expect("signed by the attestation key");
    let payload = s.payload.expect("payload");
    let Value::Tag(55799, inner) = coset::cbor::de::from_reader(payload.as_slice()).unwrap() else {
        panic!("payload not self-described CBOR")
    };
    let Value::Array(fields) = *inner else {
        panic!("payload not an array")
    };
    assert_eq!(fields[1], Value::Bytes(m.identity().uuid_bytes().to_vec()));
    assert_eq!(fields[3], Value::Bytes(Sha256::digest(body).to_vec()));
    fields
}

#[test]
fn keygen_csr_is_signed_by_the_stored_key_and_carries_the_attributes() {
    let mut m = modem(V202);
    provisioning(&mut m);
    let answer = at(&mut m, "AT%KEYGEN=16842753,2,0,\"O=Nordic,CN=my-device\"");
    let (der, cose) = two_parts(&answer, "%KEYGEN");
    let csr = CertReq::from_der(&der).expect("a DER CSR");
    let subject = csr.info.subject.to_string();
    assert!(
        subject.contains("CN=my-device") && subject.contains("O=Nordic"),
        "{subject}"
    );

    let key = stored_key(&m, 16842753);
    let vk = VerifyingKey::from_public_key_der(&csr.info.public_key.to_der().unwrap()).unwrap();
    assert_eq!(&vk, key.verifying_key());
    let sig = DerSignature::from_bytes(csr.signature.raw_bytes()).unwrap();
    vk.verify(&csr.info.to_der().unwrap(), &sig)
        .expect("CSR self-signature");

    let fields = cose_fields(&m, &cose, &der);
    assert_eq!(fields[0], Value::Integer(9.into()));
    let tag: Value =
        coset::cbor::de::from_reader(fields[2].as_bytes().unwrap().as_slice()).unwrap();
    assert_eq!(tag, Value::Integer(16842753.into()));

    // ref §5 [D9]: %CMNG list shows the generated key; reading it is refused by default.
    assert!(at(&mut m, "AT%CMNG=1,16842753").starts_with("%CMNG: 16842753,2,\""));
    cme(&mut m, "AT%CMNG=2,16842753,2", 514);
}

#[test]
fn keygen_default_subject_is_the_device_uuid() {
    let mut m = modem(V136);
    provisioning(&mut m);
    let (der, _) = two_parts(&at(&mut m, "AT%KEYGEN=17,2,0"), "%KEYGEN");
    let csr = CertReq::from_der(&der).unwrap();
    assert_eq!(
        csr.info.subject.to_string(),
        format!("CN={}", m.identity().uuid)
    );
    // The key usage extension request is there (published modem CSRs carry one).
    assert!(
        der.windows(5).any(|w| w == [0x06, 0x03, 0x55, 0x1d, 0x0f]),
        "keyUsage OID in the CSR"
    );
    // Same default key usage bits as the published modem CSR: 03 02 03 e8.
    assert!(der.windows(4).any(|w| w == [0x03, 0x02, 0x03, 0xe8]));
}

#[test]
fn keygen_response_content_1_gives_the_public_key() {
    let mut m = modem(V202);
    provisioning(&mut m);
    let (der, cose) = two_parts(&at(&mut m, "AT%KEYGEN=5,2,1"), "%KEYGEN");
    let vk = VerifyingKey::from_public_key_der(&der).expect("SubjectPublicKeyInfo");
    assert_eq!(&vk, stored_key(&m, 5).verifying_key());
    let fields = cose_fields(&m, &cose, &der);
    assert_eq!(fields[0], Value::Integer(8.into()));
}

#[test]
fn keygen_generates_a_new_key_each_time() {
    let mut m = modem(V202);
    provisioning(&mut m);
    let (a, _) = two_parts(&at(&mut m, "AT%KEYGEN=5,2,1"), "%KEYGEN");
    let (b, _) = two_parts(&at(&mut m, "AT%KEYGEN=5,2,1"), "%KEYGEN");
    assert_ne!(a, b);
    assert_eq!(m.credentials().len(), 1);
}

#[rstest::rstest]
#[case("AT%KEYGEN=1,8,0")] // endorsement keys are not modelled
#[case("AT%KEYGEN=1,2,2")]
#[case("AT%KEYGEN=1,2,0,\"not a name\"")]
#[case("AT%KEYGEN=1,2,0,\"CN=x\",\"2\"")]
#[case("AT%KEYGEN=1")]
fn keygen_bad_parameters(#[case] cmd: &str) {
    let mut m = modem(V202);
    provisioning(&mut m);
    cme(&mut m, cmd, 50);
    assert!(m.credentials().is_empty());
}

#[test]
fn keygen_only_while_deactivated_and_not_during_a_warning() {
    let mut m = modem(V202);
    ok(&mut m, "AT+CMEE=1");
    ok(&mut m, "AT+CFUN=1");
    cme(&mut m, "AT%KEYGEN=1,2,0", 518); // ref §3 [D9]
    ok(&mut m, "AT+CFUN=4");
    m.supply_changed(2.9);
    cme(&mut m, "AT%KEYGEN=1,2,0", 528);
    assert!(m.credentials().is_empty());
}

#[test]
fn keygen_custom_key_usage() {
    let mut m = modem(V202);
    provisioning(&mut m);
    let (der, _) = two_parts(&at(&mut m, "AT%KEYGEN=1,2,0,\"CN=a\",\"1\""), "%KEYGEN");
    // keyUsage BIT STRING with only digitalSignature: 03 02 07 80.
    assert!(
        der.windows(4).any(|w| w == [0x03, 0x02, 0x07, 0x80]),
        "{der:02x?}"
    );
}

#[test]
fn attesttoken_body_and_detached_signature() {
    let mut m = modem(V202);
    let challenge = "00112233445566778899aabbccddeeff";
    for cmd in [
        "AT%ATTESTTOKEN".to_string(),
        format!("AT%ATTESTTOKEN=\"{challenge}\""),
    ] {
        let (body, cose) = two_parts(&at(&mut m, &cmd), "%ATTESTTOKEN");
        let Value::Array(fields) = coset::cbor::de::from_reader(body.as_slice()).unwrap() else {
            panic!("body not an array")
        };
        assert_eq!(fields[0], Value::Integer(1.into()));
        assert_eq!(fields[1], Value::Bytes(m.identity().uuid_bytes().to_vec()));
        assert_eq!(fields[2], Value::Integer(4.into()));
        assert_eq!(fields.len(), if cmd.contains('=') { 5 } else { 4 });
        let s = CoseSign1::from_tagged_slice(&cose).unwrap();
        let vk = m.identity().attestation_verifying_key();
        s.verify_detached_signature(&body, &[], |sig, data| {
            vk.verify(data, &Signature::from_slice(sig).unwrap())
        })
        .expect("signed by the attestation key");
    }
    ok(&mut m, "AT+CMEE=1");
    cme(&mut m, "AT%ATTESTTOKEN=\"xyz\"", 50);
}
