//! The COSE_Sign1 parts of `%KEYGEN` and `%ATTESTTOKEN` output, shaped like the modem's.
//!
//! Layout as parsed by Nordic's nRF Cloud utilities (`modem_credentials_parser.py`) and seen in
//! their published `AT%KEYGEN` output: a tagged COSE_Sign1 whose protected header is
//! `{1: -7}` (ES256), whose unprotected header is `{4: h'21'}` (key id = CBOR `-2`,
//! "identity_key"), and whose payload is a self-described CBOR array
//! `[payload_id, device_uuid(16), bstr(cbor(sec_tag)), sha256(body DER), nonce(16)]`
//! with payload_id 9 for a CSR and 8 for a public key. The attestation token's COSE part signs
//! the token body as a detached payload. The simulator signs with a per-device attestation key
//! ([`ModemIdentity::attestation_key`](super::ModemIdentity::attestation_key)).

use coset::cbor::value::Value;
use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

/// Payload id of a `%KEYGEN` CSR message.
pub const PAYLOAD_CSR: u64 = 9;
/// Payload id of a `%KEYGEN` public-key message.
pub const PAYLOAD_PUBKEY: u64 = 8;
/// Key id in the unprotected header: CBOR-encoded `-2` ("identity_key").
pub const KID_IDENTITY_KEY: [u8; 1] = [0x21];
/// CBOR self-describe tag wrapping the payload array.
const SELF_DESCRIBED: u64 = 55799;

/// CBOR encoding of `value` (infallible for in-memory values).
pub fn cbor(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    coset::cbor::ser::into_writer(value, &mut out).expect("CBOR into a Vec cannot fail");
    out
}

/// The `%KEYGEN` COSE payload for `body` (the DER of the CSR or public key).
pub fn keygen_payload(
    payload_id: u64,
    uuid: [u8; 16],
    sec_tag: u32,
    body: &[u8],
    nonce: [u8; 16],
) -> Vec<u8> {
    let digest: [u8; 32] = Sha256::digest(body).into();
    let array = Value::Array(vec![
        Value::Integer(payload_id.into()),
        Value::Bytes(uuid.to_vec()),
        Value::Bytes(cbor(&Value::Integer(sec_tag.into()))),
        Value::Bytes(digest.to_vec()),
        Value::Bytes(nonce.to_vec()),
    ]);
    cbor(&Value::Tag(SELF_DESCRIBED, Box::new(array)))
}

fn headers() -> (coset::Header, coset::Header) {
    let protected = HeaderBuilder::new()
        .algorithm(iana::Algorithm::ES256)
        .build();
    let unprotected = HeaderBuilder::new()
        .key_id(KID_IDENTITY_KEY.to_vec())
        .build();
    (protected, unprotected)
}

fn es256(key: &SigningKey, tbs: &[u8]) -> Vec<u8> {
    let sig: Signature = key.sign(tbs);
    sig.to_bytes().to_vec()
}

/// Tagged COSE_Sign1 carrying `payload`, signed ES256 by `key`.
pub fn sign1(key: &SigningKey, payload: Vec<u8>) -> Vec<u8> {
    let (protected, unprotected) = headers();
    CoseSign1Builder::new()
        .protected(protected)
        .unprotected(unprotected)
        .payload(payload)
        .create_signature(&[], |tbs| es256(key, tbs))
        .build()
        .to_tagged_vec()
        .expect("COSE_Sign1 serialises")
}

/// Tagged COSE_Sign1 with a detached payload (`payload` is signed but not carried).
pub fn sign1_detached(key: &SigningKey, payload: &[u8]) -> Vec<u8> {
    let (protected, unprotected) = headers();
    CoseSign1Builder::new()
        .protected(protected)
        .unprotected(unprotected)
        .create_detached_signature(payload, &[], |tbs| es256(key, tbs))
        .build()
        .to_tagged_vec()
        .expect("COSE_Sign1 serialises")
}

#[cfg(test)]
mod tests {
    use super::*;
    use coset::CoseSign1;
    use p256::ecdsa::signature::Verifier;

    #[test]
    fn keygen_cose_has_the_modem_layout_and_verifies() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let payload = keygen_payload(PAYLOAD_CSR, [1; 16], 16842753, b"der", [2; 16]);
        let bytes = sign1(&key, payload.clone());
        // Tag 18, array of 4, protected header bstr {1: -7} as on a real modem.
        assert_eq!(&bytes[..6], &[0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26]);
        let s = CoseSign1::from_tagged_slice(&bytes).unwrap();
        assert_eq!(s.unprotected.key_id, vec![0x21]);
        assert_eq!(s.payload.as_deref(), Some(payload.as_slice()));
        s.verify_signature(&[], |sig, data| {
            key.verifying_key()
                .verify(data, &Signature::from_slice(sig).unwrap())
        })
        .unwrap();
        let Value::Tag(55799, inner) = coset::cbor::de::from_reader(payload.as_slice()).unwrap()
        else {
            panic!("payload not self-described");
        };
        let Value::Array(fields) = *inner else {
            panic!("payload not an array")
        };
        assert_eq!(fields.len(), 5);
        assert_eq!(fields[0], Value::Integer(9.into()));
        assert_eq!(fields[2], Value::Bytes(vec![0x1a, 0x01, 0x01, 0x00, 0x01]));
        assert_eq!(fields[3], Value::Bytes(Sha256::digest(b"der").to_vec()));
    }

    #[test]
    fn detached_signature_covers_the_body() {
        let key = SigningKey::from_slice(&[9u8; 32]).unwrap();
        let bytes = sign1_detached(&key, b"body");
        let s = CoseSign1::from_tagged_slice(&bytes).unwrap();
        assert!(s.payload.is_none());
        s.verify_detached_signature(b"body", &[], |sig, data| {
            key.verifying_key()
                .verify(data, &Signature::from_slice(sig).unwrap())
        })
        .unwrap();
    }
}
