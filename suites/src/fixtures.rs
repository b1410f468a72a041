//! The credentials the suites write (see `fixtures/README.md`): throw-away test material.

/// Self-signed root CA, LF line endings.
pub const ROOT_CA: &str = include_str!("../fixtures/root-ca.pem");
/// Client certificate issued by the root.
pub const CLIENT_CERT: &str = include_str!("../fixtures/client-cert.pem");
/// The client's PKCS#8 private key (always redacted in transcripts).
pub const CLIENT_KEY: &str = include_str!("../fixtures/client-key.pem");
/// A certificate of about 2 KB.
pub const CERT_2K: &str = include_str!("../fixtures/cert-2k.pem");
/// A certificate over 4 KB: with the command around it, a line over the 4096-byte limit.
pub const CERT_OVERSIZE: &str = include_str!("../fixtures/cert-oversize.pem");

/// `pem` with CRLF line endings.
pub fn crlf(pem: &str) -> String {
    pem.replace("\r\n", "\n").replace('\n', "\r\n")
}

/// `pem` with its final newline removed.
pub fn without_trailing_newline(pem: &str) -> &str {
    pem.trim_end_matches(['\r', '\n'])
}

/// `pem` typed into a terminal with literal two-character `\n` sequences (ref §1.3 [F4]).
pub fn literal_backslash_n(pem: &str) -> String {
    pem.trim_end().replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_lf_pems_of_the_sizes_the_cases_need() {
        for pem in [ROOT_CA, CLIENT_CERT, CLIENT_KEY, CERT_2K, CERT_OVERSIZE] {
            assert!(pem.starts_with("-----BEGIN "));
            assert!(pem.ends_with("-----\n"));
            assert!(!pem.contains('\r'));
        }
        assert!((1900..2200).contains(&CERT_2K.len()));
        assert!(CERT_OVERSIZE.len() > 4096);
    }

    #[test]
    fn variants_differ_as_intended() {
        assert!(crlf(ROOT_CA).contains("\r\n"));
        assert!(!without_trailing_newline(ROOT_CA).ends_with('\n'));
        assert!(!literal_backslash_n(ROOT_CA).contains('\n'));
    }
}
