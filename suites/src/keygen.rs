//! `%KEYGEN` (ref §5 [D9]): the modem generates a P-256 key pair, keeps the private key as the
//! client key (type 2) of the tag and answers `%KEYGEN: "<base64url DER>.<base64url COSE>"`.
//! The CSR must verify with its own key and carry the requested attributes; the COSE_Sign1
//! part carries the SHA-256 of the DER and the sec_tag (as Nordic's nRF Cloud tools parse it).
//! Only allowed while the modem is deactivated (518 otherwise, ref §3 [D9]).

use std::sync::Arc;

use coset::TaggedCborSerializable;
use coset::cbor::value::Value;
use hil_at::KeygenResponse;
use hil_lab::Board;
use hil_model::{CmeCode, CredentialType};
use hil_runner::{Case, Problem};
use p256::ecdsa::signature::Verifier;
use sha2::{Digest, Sha256};
use x509_cert::der::{Decode, Encode};
use x509_cert::request::CertReq;

use crate::support::{CaseResult, Ctx, boxed, case, deviation};

/// `id-ecPublicKey` and the P-256 curve.
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const PRIME256V1: &str = "1.2.840.10045.3.1.7";

/// The suite's cases.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    boxed(vec![
        case(
            "keygen",
            "csr_verifies",
            "KEYGEN gives a P-256 CSR signed by the new key with the requested CN/O, a matching COSE digest, and stores the key",
            csr_verifies,
        ),
        case(
            "keygen",
            "refused_when_active_518",
            "KEYGEN is refused with 518 while the modem is active (CFUN=1)",
            refused_when_active,
        ),
    ])
}

fn csr_verifies(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(0, CredentialType::CLIENT_KEY);
    let cn = format!("hil-{}", ctx.board_name());
    let attributes = format!("O=nrf91-hil,CN={cn}");
    let out = ctx
        .keygen(
            tag,
            CredentialType::CLIENT_KEY,
            KeygenResponse::Csr,
            Some(&attributes),
        )?
        .expect_ok("%KEYGEN")?;
    check_csr(&out.der, &cn)?;
    ctx.property("csr_bytes", out.der.len().to_string());
    let cose = out
        .cose
        .as_ref()
        .ok_or_else(|| deviation("no COSE part", "the %KEYGEN value has no `.` COSE part"))?;
    check_cose(cose, &out.der, tag)?;
    if ctx.cmng_digest(tag, CredentialType::CLIENT_KEY)?.is_none() {
        return Err(deviation(
            "key not stored",
            format!("%CMNG list shows no {tag},2 after %KEYGEN (ref §5 [D9])"),
        ));
    }
    Ok(())
}

fn check_csr(der: &[u8], cn: &str) -> Result<(), Problem> {
    let bad = |why: String| deviation("CSR invalid", why);
    let req = CertReq::from_der(der).map_err(|e| bad(format!("not a PKCS#10 CSR: {e}")))?;
    let spki = &req.info.public_key;
    if spki.algorithm.oid.to_string() != EC_PUBLIC_KEY {
        return Err(bad(format!(
            "key algorithm {} is not EC",
            spki.algorithm.oid
        )));
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<x509_cert::der::asn1::ObjectIdentifier>().ok())
        .map(|oid| oid.to_string());
    if curve.as_deref() != Some(PRIME256V1) {
        return Err(bad(format!("curve {curve:?} is not P-256")));
    }
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(spki.subject_public_key.raw_bytes())
        .map_err(|e| bad(format!("public key: {e}")))?;
    let signature = p256::ecdsa::Signature::from_der(req.signature.raw_bytes())
        .map_err(|e| bad(format!("signature encoding: {e}")))?;
    let signed = req
        .info
        .to_der()
        .map_err(|e| bad(format!("re-encoding the request info: {e}")))?;
    key.verify(&signed, &signature)
        .map_err(|_| bad("the signature does not verify with the CSR's own key".to_string()))?;
    let subject = req.info.subject.to_string();
    if !subject.contains(&format!("CN={cn}")) || !subject.contains("O=nrf91-hil") {
        return Err(deviation(
            "CSR attributes",
            format!("subject `{subject}` lacks CN={cn} / O=nrf91-hil"),
        ));
    }
    Ok(())
}

fn check_cose(cose: &[u8], der: &[u8], tag: u32) -> Result<(), Problem> {
    let bad = |why: String| deviation("COSE invalid", why);
    let sign1 = coset::CoseSign1::from_tagged_slice(cose)
        .map_err(|e| bad(format!("not a tagged COSE_Sign1: {e:?}")))?;
    let payload = sign1.payload.ok_or_else(|| bad("no payload".into()))?;
    let value: Value = coset::cbor::de::from_reader(payload.as_slice())
        .map_err(|e| bad(format!("payload is not CBOR: {e}")))?;
    let value = match value {
        Value::Tag(_, inner) => *inner,
        other => other,
    };
    let items = value
        .into_array()
        .map_err(|_| bad("payload is not an array".into()))?;
    let digest = items
        .get(3)
        .and_then(|v| v.as_bytes())
        .ok_or_else(|| bad("payload has no digest (item 3)".into()))?;
    if digest[..] != Sha256::digest(der)[..] {
        return Err(bad("the COSE digest is not the SHA-256 of the DER".into()));
    }
    let tag_item = items
        .get(2)
        .and_then(|v| v.as_bytes())
        .ok_or_else(|| bad("payload has no sec_tag (item 2)".into()))?;
    let decoded: Value = coset::cbor::de::from_reader(tag_item.as_slice())
        .map_err(|e| bad(format!("sec_tag item: {e}")))?;
    let seen = decoded.as_integer().and_then(|i| u32::try_from(i).ok());
    if seen != Some(tag) {
        return Err(bad(format!(
            "sec_tag {seen:?} in the payload, {tag} requested"
        )));
    }
    Ok(())
}

fn refused_when_active(ctx: &mut Ctx) -> CaseResult {
    ctx.offline()?;
    let tag = ctx.tag(1, CredentialType::CLIENT_KEY);
    ctx.set_cfun(1)?.expect_ok("AT+CFUN=1")?;
    ctx.set_cmee(1)?.expect_ok("AT+CMEE=1")?;
    let result = ctx
        .keygen(tag, CredentialType::CLIENT_KEY, KeygenResponse::Csr, None)?
        .expect_cme(CmeCode::NOT_ALLOWED_ACTIVE, "%KEYGEN in CFUN=1");
    ctx.set_cfun(4)?.expect_ok("back offline")?;
    result
}
