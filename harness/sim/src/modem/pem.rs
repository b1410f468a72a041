//! Certificate content validation of MFW ≥ 2.0.2 (`+CME ERROR: 527`, ref §1.3).
//!
//! What the firmware is seen to refuse [C3 #19392][F4][F5][F8]: CRLF line endings, the literal
//! two-character `\n` typed into a terminal (the modem does no escape processing), anything
//! that is not LF-terminated PEM (e.g. a single-line PEM), and content that is too large. A
//! final newline after the last `-----END` line is optional (nrfcredstore strips trailing
//! whitespace before writing, ref §1.4 [P1]). Whether the DER is parsed as X.509 is OPEN
//! (policy `validate_der`).

use base64::Engine;
use x509_cert::Certificate;
use x509_cert::der::Decode;

/// Why content is not a valid LF PEM certificate chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PemProblem {
    CarriageReturn,
    LiteralBackslashN,
    NotUtf8,
    /// Text outside `-----BEGIN CERTIFICATE-----` / `-----END CERTIFICATE-----` blocks, a
    /// single-line PEM, an unterminated block or no block at all.
    NotPem,
    BadBase64,
    NotCertificate,
}

const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
const END: &str = "-----END CERTIFICATE-----";

/// Checks `content` as one or more LF-terminated PEM certificates.
pub fn check_certificates(content: &[u8], parse_der: bool) -> Result<(), PemProblem> {
    if content.contains(&b'\r') {
        return Err(PemProblem::CarriageReturn);
    }
    if content.windows(2).any(|w| w == b"\\n") {
        return Err(PemProblem::LiteralBackslashN);
    }
    let text = std::str::from_utf8(content).map_err(|_| PemProblem::NotUtf8)?;
    let text = text.strip_suffix('\n').unwrap_or(text);
    let mut body: Option<String> = None;
    let mut blocks = 0;
    for line in text.split('\n') {
        match body.as_mut() {
            None if line.is_empty() => {}
            None if line == BEGIN => body = Some(String::new()),
            None => return Err(PemProblem::NotPem),
            Some(b64) if line == END => {
                let der = base64::engine::general_purpose::STANDARD
                    .decode(b64.as_bytes())
                    .map_err(|_| PemProblem::BadBase64)?;
                if der.is_empty() {
                    return Err(PemProblem::BadBase64);
                }
                if parse_der && Certificate::from_der(&der).is_err() {
                    return Err(PemProblem::NotCertificate);
                }
                blocks += 1;
                body = None;
            }
            Some(b64) => {
                let ok = !line.is_empty()
                    && line.len() <= 76
                    && line
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'='));
                if !ok {
                    return Err(PemProblem::NotPem);
                }
                b64.push_str(line);
            }
        }
    }
    if body.is_some() || blocks == 0 {
        return Err(PemProblem::NotPem);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const FAKE: &str = "-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n";

    #[rstest]
    #[case(FAKE, Ok(()))]
    #[case(FAKE.trim_end(), Ok(()))]
    #[case(&format!("{FAKE}\n{FAKE}"), Ok(()))]
    #[case(&FAKE.replace('\n', "\r\n"), Err(PemProblem::CarriageReturn))]
    #[case(&FAKE.replace('\n', "\\n"), Err(PemProblem::LiteralBackslashN))]
    #[case(&FAKE.replace('\n', ""), Err(PemProblem::NotPem))]
    #[case("HONKHONK", Err(PemProblem::NotPem))]
    #[case("-----BEGIN CERTIFICATE-----\nTUlJQg==\n", Err(PemProblem::NotPem))]
    #[case(
        "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        Err(PemProblem::NotPem)
    )]
    #[case(
        "-----BEGIN CERTIFICATE-----\nTUlJQ\n-----END CERTIFICATE-----\n",
        Err(PemProblem::BadBase64)
    )]
    fn structure(#[case] content: &str, #[case] expected: Result<(), PemProblem>) {
        assert_eq!(check_certificates(content.as_bytes(), false), expected);
    }

    #[test]
    fn der_must_be_a_certificate_when_asked() {
        assert_eq!(
            check_certificates(FAKE.as_bytes(), true),
            Err(PemProblem::NotCertificate)
        );
    }
}
