//! `AT%KEYGEN` (a real EC P-256 key pair, CSR or public key) and `AT%ATTESTTOKEN` (ref §5).
//!
//! `AT%KEYGEN=<sec_tag>,<key_type>[,<response_content>][,<attributes>][,<key_usage>]` [D9]:
//! key_type 2 stores a fresh private key as the client key (type 2) at the tag and answers
//! `%KEYGEN: "<b64url(DER)>.<b64url(COSE)>"`, the DER being a CSR signed by that key
//! (response_content 0) or its SubjectPublicKeyInfo (1). `<attributes>` is an RFC 4514 subject
//! such as `O=Nordic,CN=my-device` (default `CN=<device UUID>`, as in the modem output published
//! with nRF Cloud utils); `<key_usage>` is a string of up to nine `0`/`1` flags in X.509 bit
//! order (default `111010000`, the key usage that published CSR carries). Only while not
//! activated (518, [D9]). `AT%ATTESTTOKEN[=<32 hex challenge>]` answers
//! `%ATTESTTOKEN: "<b64url>.<b64url>"` [D14].

use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use coset::cbor::value::Value;
use hil_model::CmeCode;
use p256::ecdsa::{DerSignature, SigningKey};
use p256::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use x509_cert::builder::{Builder, RequestBuilder};
use x509_cert::der::Encode;
use x509_cert::der::flagset::FlagSet;
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};
use x509_cert::name::Name;

use super::cose;
use super::gate::Verdict;
use super::parse::{Command, Form, Param};
use super::policy::{OverwritePolicy, WriteCheck};
use super::store::{MAX_USER_TAG, Origin};
use super::{AtError, Modem, Res};

/// Default `<key_usage>` flags (digitalSignature, nonRepudiation, keyEncipherment, keyAgreement).
const DEFAULT_KEY_USAGE: &str = "111010000";
const KEY_USAGE_BITS: [KeyUsages; 9] = [
    KeyUsages::DigitalSignature,
    KeyUsages::NonRepudiation,
    KeyUsages::KeyEncipherment,
    KeyUsages::DataEncipherment,
    KeyUsages::KeyAgreement,
    KeyUsages::KeyCertSign,
    KeyUsages::CRLSign,
    KeyUsages::EncipherOnly,
    KeyUsages::DecipherOnly,
];
/// `%KEYGEN` key type for a client private key (ref §5 [D9]).
const CLIENT_KEY: u64 = 2;

fn key_usage(flags: &str) -> Result<KeyUsage, AtError> {
    if flags.is_empty() || flags.len() > 9 || !flags.bytes().all(|b| b == b'0' || b == b'1') {
        return Err(AtError::Param);
    }
    let mut set = FlagSet::<KeyUsages>::default();
    for (bit, flag) in flags.bytes().zip(KEY_USAGE_BITS) {
        if bit == b'1' {
            set |= flag;
        }
    }
    Ok(KeyUsage(set))
}

/// A CSR for `key` with `subject` and `usage`, DER.
fn csr_der(key: &SigningKey, subject: Name, usage: &KeyUsage) -> Result<Vec<u8>, AtError> {
    let failed = |_| AtError::Cme(CmeCode::KEYGEN_FAILED);
    let mut builder = RequestBuilder::new(subject, key).map_err(failed)?;
    builder.add_extension(usage).map_err(failed)?;
    let req = builder.build::<DerSignature>().map_err(failed)?;
    req.to_der()
        .map_err(|_| AtError::Cme(CmeCode::KEYGEN_FAILED))
}

impl Modem {
    pub(super) fn cmd_keygen(&mut self, cmd: &Command) -> Res {
        if !matches!(cmd.form, Form::Set(_)) {
            return Err(AtError::Syntax);
        }
        if !(2..=5).contains(&cmd.count()) {
            return Err(AtError::Param);
        }
        let tag = cmd.uint_in(0, 0, MAX_USER_TAG)? as u32;
        if cmd.uint_in(1, 0, 255)? != CLIENT_KEY {
            // key_type 8 (endorsement key) is not modelled.
            return Err(AtError::Param);
        }
        let public_only = match cmd.uint(2)? {
            None | Some(0) => false,
            Some(1) => true,
            Some(_) => return Err(AtError::Param),
        };
        let subject = match cmd.string(3)? {
            Some(attrs) => Name::from_str(attrs).map_err(|_| AtError::Param)?,
            None => {
                Name::from_str(&format!("CN={}", self.identity.uuid)).map_err(|_| AtError::Param)?
            }
        };
        let usage = key_usage(cmd.string(4)?.unwrap_or(DEFAULT_KEY_USAGE))?;

        let exists = self.nvm.contains(tag, 2);
        let verdict = self.nvm_gate(!exists, |c| match c {
            // Policy pofwarn_blocks_keygen (INFERRED: KEYGEN stores to NVM, ref §4.1 [D7]).
            WriteCheck::PowerOffWarning528 if !self.policy.pofwarn_blocks_keygen => {
                Some(Verdict::Pass)
            }
            // ref §2.1: 519 is documented for KEYGEN; overwrite is OPEN (policy).
            WriteCheck::AlreadyExists519
                if exists
                    && self.profile.cmng.has_519
                    && self.policy.overwrite == OverwritePolicy::AlreadyExists519 =>
            {
                Some(Verdict::Fail(AtError::Cme(CmeCode::ALREADY_EXISTS)))
            }
            _ => None,
        });
        // ref §3 [D9]: only while deactivated (518 from the gate).
        let store = match verdict {
            Verdict::Pass => true,
            Verdict::Fail(e) => return Err(e),
            Verdict::DropOk => false,
        };

        let key = SigningKey::random(&mut OsRng);
        self.keygens += 1;
        let (der, payload_id) = if public_only {
            let spki = key
                .verifying_key()
                .to_public_key_der()
                .map_err(|_| AtError::Cme(CmeCode::KEYGEN_FAILED))?;
            (spki.as_bytes().to_vec(), cose::PAYLOAD_PUBKEY)
        } else {
            (csr_der(&key, subject, &usage)?, cose::PAYLOAD_CSR)
        };
        let mut nonce = [0u8; 16];
        OsRng.fill_bytes(&mut nonce);
        let payload =
            cose::keygen_payload(payload_id, self.identity.uuid_bytes(), tag, &der, nonce);
        let cose = cose::sign1(&self.identity.attestation_key(), payload);
        if store {
            let pem = key
                .to_pkcs8_pem(LineEnding::LF)
                .map_err(|_| AtError::Cme(CmeCode::KEYGEN_FAILED))?;
            self.nvm
                .put(tag, 2, pem.as_bytes().to_vec(), Origin::Generated);
        }
        Ok(vec![format!(
            "%KEYGEN: \"{}.{}\"",
            URL_SAFE_NO_PAD.encode(&der),
            URL_SAFE_NO_PAD.encode(&cose)
        )])
    }

    /// `AT%ATTESTTOKEN[=<challenge>]`: body `[1, uuid, device type, fw uuid(, challenge)]`
    /// (the fields nRF Cloud utils decode) plus a COSE_Sign1 over the body (detached).
    pub(super) fn cmd_attesttoken(&mut self, cmd: &Command) -> Res {
        let challenge = match &cmd.form {
            Form::Action => None,
            Form::Set(p) if p.len() == 1 => {
                let text = match &p[0] {
                    Param::Str(s) | Param::Bare(s) => s.as_str(),
                    Param::Empty => return Err(AtError::Param),
                };
                Some(hex16(text).ok_or(AtError::Param)?)
            }
            Form::Set(_) => return Err(AtError::Param),
            _ => return Err(AtError::Syntax),
        };
        let fw: [u8; 32] = Sha256::digest(self.profile.name().as_bytes()).into();
        let mut fields = vec![
            Value::Integer(1.into()),
            Value::Bytes(self.identity.uuid_bytes().to_vec()),
            Value::Integer(self.profile.identity.attest_device_type.into()),
            Value::Bytes(fw[..16].to_vec()),
        ];
        if let Some(c) = challenge {
            fields.push(Value::Bytes(c.to_vec()));
        }
        let body = cose::cbor(&Value::Array(fields));
        let sig = cose::sign1_detached(&self.identity.attestation_key(), &body);
        Ok(vec![format!(
            "%ATTESTTOKEN: \"{}.{}\"",
            URL_SAFE_NO_PAD.encode(&body),
            URL_SAFE_NO_PAD.encode(&sig)
        )])
    }
}

/// 32 hex characters → 16 bytes.
fn hex16(text: &str) -> Option<[u8; 16]> {
    if text.len() != 32 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}
