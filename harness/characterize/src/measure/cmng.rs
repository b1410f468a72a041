//! `%CMNG` (ref §1): which types can be written, which only deleted, which are refused
//! (reserved); which reads are refused (secret types, ref §1.4); the list's digest (SHA-256 or
//! the alpha's placeholder, ref §1.4 [F2]); 527 content validation (ref §1.3); overwrite of
//! an existing item (ref §1.4, OPEN).

use hil_at::FinalResult;
use hil_model::policy::{OverwritePolicy, SecretReadPolicy};
use hil_model::{CredentialType, sha256_upper_hex};
use hil_sim::profile::ListDigest;
use hil_suites::fixtures::{CLIENT_CERT, CLIENT_KEY, ROOT_CA};

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// Types tried (ref §1.2: 0–6 in use, 7 reserved).
const TYPES: std::ops::RangeInclusive<u8> = 0..=7;

/// Valid-looking content of each type.
fn content_for(kind: u8) -> &'static str {
    match kind {
        0 => ROOT_CA,
        1 => CLIENT_CERT,
        2 => CLIENT_KEY,
        3 => "000102030405060708090a0b0c0d0e0f",
        4 => "hil-characterize",
        _ => CLIENT_CERT,
    }
}

/// All the `%CMNG` facts.
pub fn measure(s: &mut Session, _: &Options, f: &mut Findings) -> Result<(), Error> {
    types(s, f)?;
    digest(s, f)?;
    content(s, f)?;
    overwrite(s, f)
}

fn types(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    let tag = s.tag(1)?;
    let (mut ok, mut delete_only, mut refused, mut secret, mut readable) =
        (vec![], vec![], vec![], vec![], vec![]);
    for kind in TYPES {
        let k = CredentialType(kind);
        match s.write(tag, k, content_for(kind))? {
            FinalResult::Ok => {
                ok.push(kind);
                match s.exchange(&format!("AT%CMNG=2,{tag},{kind}"))?.result {
                    FinalResult::CmeError(514) => secret.push(kind),
                    FinalResult::Ok => readable.push(kind),
                    other => f.observe(format!("read of type {kind}"), other.to_string()),
                }
                s.delete(tag, k)?;
            }
            FinalResult::CmeError(514) => match s.delete(tag, k)? {
                FinalResult::Ok | FinalResult::CmeError(513) => delete_only.push(kind),
                _ => refused.push(kind),
            },
            _ => refused.push(kind),
        }
    }
    if !secret.is_empty() {
        f.observe("514", format!("%CMNG read of types {secret:?}"));
    }
    if !delete_only.is_empty() {
        f.observe("514 on write", format!("delete-only types {delete_only:?}"));
    }
    // With reads refused the secret types are those refused; with every read allowed the
    // policy is `allow` and which types are "secret" cannot be told apart.
    if secret.is_empty() {
        f.secret_read = Some(SecretReadPolicy::Allow);
        f.skip(
            "cmng.secret_types",
            "every type read back: secret types cannot be told apart",
        );
    } else {
        f.secret_read = Some(SecretReadPolicy::Refuse514);
        f.secret_types = Some(secret);
    }
    f.cmng_types = Some(ok);
    f.delete_only_types = Some(delete_only);
    f.refused_types = Some(refused);
    Ok(())
}

fn digest(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    let tag = s.tag(2)?;
    let k = CredentialType::ROOT_CA;
    if s.write(tag, k, ROOT_CA)? != FinalResult::Ok {
        f.skip("cmng.list_digest", "a root CA write was refused");
        return Ok(());
    }
    let listed = s.listed(tag, k)?.unwrap_or_default();
    f.list_digest = if listed.eq_ignore_ascii_case(&sha256_upper_hex(ROOT_CA.as_bytes())) {
        Some(ListDigest::Sha256)
    } else if listed == "00".repeat(32) {
        Some(ListDigest::Placeholder)
    } else {
        f.skip("cmng.list_digest", format!("list shows `{listed}`"));
        None
    };
    s.delete(tag, k)?;
    Ok(())
}

/// Types whose write of non-PEM content answers 527.
fn content(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    let tag = s.tag(3)?;
    let mut checked = Vec::new();
    for kind in f.cmng_types.clone().unwrap_or_default() {
        let k = CredentialType(kind);
        match s.write(tag, k, "HONKHONK")? {
            FinalResult::CmeError(527) => checked.push(kind),
            FinalResult::Ok => {
                s.delete(tag, k)?;
            }
            other => f.observe(format!("invalid content as type {kind}"), other.to_string()),
        }
    }
    if !checked.is_empty() {
        f.observe(
            "527",
            format!("%CMNG write of invalid content as types {checked:?}"),
        );
    }
    f.content_check = Some(checked);
    Ok(())
}

/// A second write to the same tag and type.
fn overwrite(s: &mut Session, f: &mut Findings) -> Result<(), Error> {
    let tag = s.tag(4)?;
    let k = CredentialType::ROOT_CA;
    if s.write(tag, k, ROOT_CA)? != FinalResult::Ok {
        f.skip("policy.overwrite", "a root CA write was refused");
        return Ok(());
    }
    match s.write(tag, k, CLIENT_CERT)? {
        FinalResult::Ok => f.overwrite = Some(OverwritePolicy::Replace),
        FinalResult::CmeError(519) => {
            f.overwrite = Some(OverwritePolicy::AlreadyExists519);
            f.has_519 = Some(true);
            f.observe("519", "%CMNG write to an existing user item");
        }
        other => f.skip("policy.overwrite", format!("second write answered {other}")),
    }
    s.delete(tag, k)?;
    Ok(())
}
