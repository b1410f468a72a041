//! The digest a `%CMNG` list prints: upper-case hex SHA-256 of the stored bytes (ref §1.4).

use sha2::{Digest, Sha256};

/// Upper-case hex SHA-256 of `bytes`, 64 characters.
pub fn sha256_upper_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02X}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_known_vector() {
        assert_eq!(
            sha256_upper_hex(b"abc"),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        );
    }

    #[test]
    fn line_endings_change_the_digest() {
        assert_ne!(sha256_upper_hex(b"a\nb\n"), sha256_upper_hex(b"a\r\nb\r\n"));
        assert_ne!(sha256_upper_hex(b"a\nb\n"), sha256_upper_hex(b"a\nb"));
    }
}
