//! `%CMNG` credential storage (ref §1, §3): write, list, read and delete; the digest in the
//! list; list filters; read rules per type; overwrite; the CFUN matrix; content validation.

mod basic;
mod cfun;
mod digest;
mod validation;

use std::sync::Arc;

use hil_at::{AtClient, CmngFilter};
use hil_lab::Board;
use hil_model::{CredentialType, sha256_upper_hex};
use hil_runner::{Case, Problem};

use crate::support::{at_problem, boxed, deviation};

pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    let mut all = Vec::new();
    all.extend(basic::cases());
    all.extend(digest::cases());
    all.extend(cfun::cases());
    all.extend(validation::cases());
    boxed(all)
}

/// Checks the list shows `(tag, kind)` with the SHA-256 of exactly `content` (ref §1.4 [D3]).
pub(crate) fn check_listed_digest(
    at: &mut AtClient,
    tag: u32,
    kind: CredentialType,
    content: &[u8],
) -> Result<(), Problem> {
    let listed = at
        .cmng_list(CmngFilter::TagType(tag, kind))
        .map_err(at_problem)?;
    let entry = listed
        .iter()
        .find(|e| e.tag == tag && e.kind == kind)
        .ok_or_else(|| {
            deviation(
                "not stored",
                format!("%CMNG list shows no {tag},{} after an OK write", kind.0),
            )
        })?;
    let want = sha256_upper_hex(content);
    if entry.sha256 == want {
        return Ok(());
    }
    Err(deviation(
        if is_placeholder(&entry.sha256) {
            "placeholder digest"
        } else {
            "digest mismatch"
        },
        format!(
            "listed SHA {} for {tag},{}; SHA-256 of the {} bytes written is {want}",
            entry.sha256,
            kind.0,
            content.len()
        ),
    ))
}

/// The digests MFW 0.7.0 alpha printed: one byte value repeated (`00…`, `0101…`; ref §1.4 [F2]).
fn is_placeholder(sha: &str) -> bool {
    sha.len() == 64 && sha.as_bytes().chunks(2).all(|c| c == &sha.as_bytes()[..2])
}

/// Checks nothing is stored at `(tag, kind)`.
pub(crate) fn check_absent(
    at: &mut AtClient,
    tag: u32,
    kind: CredentialType,
    why: &str,
) -> Result<(), Problem> {
    let listed = at
        .cmng_list(CmngFilter::TagType(tag, kind))
        .map_err(at_problem)?;
    if listed.iter().any(|e| e.tag == tag && e.kind == kind) {
        return Err(deviation(
            "stored anyway",
            format!("{tag},{} is listed although {why}", kind.0),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_placeholder;

    #[test]
    fn placeholder_digests_are_recognised() {
        assert!(is_placeholder(&"00".repeat(32)));
        assert!(is_placeholder(&"01".repeat(32)));
        assert!(!is_placeholder(&format!("{}{}", "01".repeat(31), "02")));
    }
}
