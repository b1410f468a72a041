//! The shared checks on what the credential list shows (ref §1.4). Each failure is a
//! deviation with a fixed signature from [`signatures`]; a refused list is a deviation whose
//! signature is its final result.

use hil_model::{CredentialType, sha256_upper_hex};

use super::problems::signatures;
use super::{CaseResult, Ctx, deviation};

impl Ctx<'_> {
    /// The list must show `(tag, kind)` with the SHA-256 of exactly `content` (ref §1.4 [D3]).
    ///
    /// Signatures: `not stored` (not listed), `placeholder digest` (one byte repeated, as
    /// MFW 0.7.0 alpha printed, ref §1.4 [F2]), `digest mismatch` (any other digest).
    pub fn check_listed_digest(
        &mut self,
        tag: u32,
        kind: CredentialType,
        content: &[u8],
    ) -> CaseResult {
        let listed = self.cmng_digest(tag, kind)?.ok_or_else(|| {
            deviation(
                signatures::NOT_STORED,
                format!("%CMNG list shows no {tag},{} after an OK write", kind.0),
            )
        })?;
        let want = sha256_upper_hex(content);
        if listed == want {
            return Ok(());
        }
        Err(deviation(
            if is_placeholder(&listed) {
                signatures::PLACEHOLDER_DIGEST
            } else {
                signatures::DIGEST_MISMATCH
            },
            format!(
                "listed SHA {listed} for {tag},{}; SHA-256 of the {} bytes written is {want}",
                kind.0,
                content.len()
            ),
        ))
    }

    /// Nothing may be listed at `(tag, kind)`; `why` says why not (in the detail).
    ///
    /// Signature: `stored anyway`.
    pub fn check_absent(&mut self, tag: u32, kind: CredentialType, why: &str) -> CaseResult {
        if self.cmng_digest(tag, kind)?.is_some() {
            return Err(deviation(
                signatures::STORED_ANYWAY,
                format!("{tag},{} is listed although {why}", kind.0),
            ));
        }
        Ok(())
    }
}

/// The digests MFW 0.7.0 alpha printed: one byte value repeated (`00…`, `0101…`; ref §1.4 [F2]).
fn is_placeholder(sha: &str) -> bool {
    sha.len() == 64 && sha.as_bytes().chunks(2).all(|c| c == &sha.as_bytes()[..2])
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
