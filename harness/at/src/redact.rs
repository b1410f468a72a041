//! Removal of key material before anything is stored or shown: the content and passphrase of
//! `%CMNG` writes of secret types, the content of `%CMNG` read responses of secret types, and
//! PEM `PRIVATE KEY` blocks anywhere. Certificates, public keys and PSK identities stay
//! readable.
//!
//! A credential type counts as public only if it is known to be: 0 root CA, 1 client
//! certificate, 4 PSK identity, 5 public key, 6 device identity public key, 10 Nordic identity
//! root CA, 11 Nordic public key. Everything else (2 private key, 3 PSK, 8 endorsement key,
//! 9 ownership key, unknown or unparsable types, a quoted type) is treated as secret, and so
//! is every field after the type whatever its quoting (`cmng`).
//!
//! Text sent to the DUT is redacted as a whole ([`redact_text`]); received lines one at a time
//! by a [`LineRedactor`], which remembers an open secret string or PEM block across lines.

mod cmng;
mod pem;

use std::borrow::Cow;

use cmng::{Ending, Fields};
use pem::{last_unclosed_private_pem, redact_pem};

/// What replaces secret content.
pub const REDACTED: &str = "[REDACTED]";

/// Redacts secrets in text sent to or received from the DUT as one piece (a command, possibly
/// multi-line and possibly missing its closing quote).
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let (cmng, ending) = cmng::redact(text, None);
    let mut step1 = match cmng {
        Some(s) => Cow::Owned(s),
        None => Cow::Borrowed(text),
    };
    if let Ending::OpenSecret { len, .. } = ending {
        step1
            .to_mut()
            .push_str(&format!("[REDACTED {len} bytes, unterminated]"));
    }
    match redact_pem(&step1) {
        Cow::Borrowed(_) => step1,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

/// Redacts a set of lines that belong together (e.g. a response's information lines).
pub fn redact_lines(lines: &[String]) -> Vec<String> {
    let mut r = LineRedactor::default();
    lines
        .iter()
        .filter_map(|l| r.line(l).map(Cow::into_owned))
        .collect()
}

/// Redacts received lines one by one, remembering secret content that spans lines.
#[derive(Debug, Default, Clone)]
pub struct LineRedactor {
    state: State,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
enum State {
    #[default]
    Plain,
    /// Inside a secret quoted field of a `%CMNG` list; lines are dropped until the closing
    /// `"`, and the list's later fields are secret too.
    SecretString(Fields),
    /// Inside a PEM private key; lines are dropped until its END marker.
    PrivatePem(String),
}

impl LineRedactor {
    /// The line as it may be stored, or `None` if the whole line is secret (continuation of
    /// content already replaced by [`REDACTED`]).
    pub fn line<'a>(&mut self, line: &'a str) -> Option<Cow<'a, str>> {
        match std::mem::take(&mut self.state) {
            State::SecretString(fields) => match line.find('"') {
                None => {
                    self.state = State::SecretString(fields);
                    None
                }
                // the closing quote was already written with the REDACTED marker
                Some(q) => {
                    let rest = &line[q + 1..];
                    (!rest.is_empty()).then(|| self.plain(rest, Some(fields)))
                }
            },
            State::PrivatePem(label) => {
                let end_marker = format!("-----END {label}-----");
                match line.find(&end_marker) {
                    None => {
                        self.state = State::PrivatePem(label);
                        None
                    }
                    Some(e) => Some(self.plain(&line[e..], None)),
                }
            }
            State::Plain => Some(self.plain(line, None)),
        }
    }

    /// Redacts a line that starts outside any secret (or, with `resume`, right after a secret
    /// field's closing quote), and notes a secret left open at its end.
    fn plain<'a>(&mut self, line: &'a str, resume: Option<Fields>) -> Cow<'a, str> {
        let (cmng, ending) = cmng::redact(line, resume);
        let mut redacted = match cmng {
            Some(s) => Cow::Owned(s),
            None => Cow::Borrowed(line),
        };
        match ending {
            Ending::OpenSecret { fields, .. } => {
                redacted.to_mut().push_str(&format!("{REDACTED}\""));
                self.state = State::SecretString(fields);
            }
            Ending::MalformedOpenQuote(fields) => self.state = State::SecretString(fields),
            Ending::Closed => {
                if let Some((_, _, label)) = last_unclosed_private_pem(line) {
                    self.state = State::PrivatePem(label.to_string());
                }
            }
        }
        match redact_pem(&redacted) {
            Cow::Borrowed(_) => redacted,
            Cow::Owned(s) => Cow::Owned(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
    const CERT: &str =
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";

    #[rstest]
    #[case::private_key_write(
        format!("AT%CMNG=0,16842753,2,\"{KEY}\""),
        "AT%CMNG=0,16842753,2,\"[REDACTED 103 bytes]\""
    )]
    #[case::psk_write("AT%CMNG=0,7,3,\"0123456789abcdef\"".to_string(), "AT%CMNG=0,7,3,\"[REDACTED 16 bytes]\"")]
    #[case::endorsement("at%cmng=0, 7 , 8 ,\"secret\"".to_string(), "at%cmng=0, 7 , 8 ,\"[REDACTED 6 bytes]\"")]
    #[case::unknown_type("AT%CMNG=0,7,42,\"x\"".to_string(), "AT%CMNG=0,7,42,\"[REDACTED 1 bytes]\"")]
    #[case::garbled_type("AT%CMNG=0,7,z,\"x\"".to_string(), "AT%CMNG=0,7,z,\"[REDACTED 1 bytes]\"")]
    #[case::unterminated(
        "AT%CMNG=0,7,2,\"-----BEGIN EC PRIVATE KEY-----\nAAAA".to_string(),
        "AT%CMNG=0,7,2,\"[REDACTED 35 bytes, unterminated]"
    )]
    #[case::chained(
        "AT%XSUDO=35,\"c2ln\";%CMNG=0,7,3,\"abcd\";%CMNG=0,8,4,\"id\"".to_string(),
        "AT%XSUDO=35,\"c2ln\";%CMNG=0,7,3,\"[REDACTED 4 bytes]\";%CMNG=0,8,4,\"id\""
    )]
    #[case::certificate_kept(format!("AT%CMNG=0,7,0,\"{CERT}\""), format!("AT%CMNG=0,7,0,\"{CERT}\""))]
    #[case::identity_kept("AT%CMNG=0,7,4,\"my-id\"".to_string(), "AT%CMNG=0,7,4,\"my-id\"")]
    #[case::multibyte_after_cmng("x%CMNGé0,1,2,\"k\"".to_string(), "x%CMNGé0,1,2,\"k\"")]
    #[case::blanks_before_the_equals_sign(
        "AT%CMNG =0,7,3,\"abcd\"".to_string(),
        "AT%CMNG =0,7,3,\"[REDACTED 4 bytes]\""
    )]
    #[case::unquoted_psk(
        "AT%CMNG=0,7,3,0123456789abcdef".to_string(),
        "AT%CMNG=0,7,3,[REDACTED 16 bytes]"
    )]
    #[case::unquoted_chained(
        "AT%CMNG = 0,7,3,00ff;+CFUN?;%CMNG=0,8,2,x\r\n".to_string(),
        "AT%CMNG = 0,7,3,[REDACTED 4 bytes];+CFUN?;%CMNG=0,8,2,[REDACTED 1 bytes]\r\n"
    )]
    #[case::unquoted_identity_kept("AT%CMNG=0,7,4,my-id".to_string(), "AT%CMNG=0,7,4,my-id")]
    #[case::list_kept("AT%CMNG=1,7".to_string(), "AT%CMNG=1,7")]
    #[case::read_cmd_kept("AT%CMNG=2,7,2".to_string(), "AT%CMNG=2,7,2")]
    #[case::delete_kept("AT%CMNG=3,7,2".to_string(), "AT%CMNG=3,7,2")]
    #[case::pem_key_anywhere(
        format!("AT%XPMNG=0,\"{KEY}\""),
        "AT%XPMNG=0,\"-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----\n\"".to_string()
    )]
    #[case::pem_key_as_type_0(
        format!("AT%CMNG=0,7,0,\"{KEY}\""),
        "AT%CMNG=0,7,0,\"-----BEGIN PRIVATE KEY-----[REDACTED]-----END PRIVATE KEY-----\n\"".to_string()
    )]
    #[case::rsa_unterminated_pem(
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE".to_string(),
        "-----BEGIN RSA PRIVATE KEY-----[REDACTED]".to_string()
    )]
    #[case::public_key_kept(
        "AT%XPMNG=0,\"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\"".to_string(),
        "AT%XPMNG=0,\"-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\"".to_string()
    )]
    fn redacts_text(#[case] text: String, #[case] want: impl AsRef<str>) {
        assert_eq!(redact_text(&text), want.as_ref());
    }

    fn lines(input: &[&str]) -> Vec<String> {
        let owned: Vec<String> = input.iter().map(|s| s.to_string()).collect();
        redact_lines(&owned)
    }

    #[test]
    fn multi_line_secret_read_response_collapses_to_one_line() {
        let got = lines(&[
            "%CMNG: 7,2,\"0101010101010101010101010101010101010101010101010101010101010101\",\"-----BEGIN PRIVATE KEY-----",
            "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg",
            "-----END PRIVATE KEY-----",
            "\"",
        ]);
        assert_eq!(
            got,
            [
                "%CMNG: 7,2,\"0101010101010101010101010101010101010101010101010101010101010101\",\"[REDACTED]\""
            ]
        );
    }

    #[test]
    fn single_line_secret_read_response() {
        assert_eq!(
            lines(&["%CMNG: 7,3,\"AB\",\"00112233\""]),
            ["%CMNG: 7,3,\"AB\",\"[REDACTED 8 bytes]\""]
        );
    }

    #[test]
    fn certificate_read_response_and_list_lines_are_kept() {
        let input = [
            "%CMNG: 7,0,\"AB\",\"-----BEGIN CERTIFICATE-----",
            "MIIB",
            "-----END CERTIFICATE-----",
            "\"",
            "%CMNG: 7,2,\"CD\"",
        ];
        assert_eq!(lines(&input), input);
    }

    #[test]
    fn private_pem_across_lines_outside_cmng() {
        let got = lines(&[
            "key follows:",
            "-----BEGIN EC PRIVATE KEY-----",
            "MHcCAQEEIB",
            "-----END EC PRIVATE KEY-----",
            "OK-ish",
        ]);
        assert_eq!(
            got,
            [
                "key follows:",
                "-----BEGIN EC PRIVATE KEY-----[REDACTED]",
                "-----END EC PRIVATE KEY-----",
                "OK-ish"
            ]
        );
    }

    #[test]
    fn echoed_secret_write_is_redacted_line_by_line() {
        let got = lines(&[
            "AT%CMNG=0,9,2,\"-----BEGIN PRIVATE KEY-----",
            "MIGH",
            "-----END PRIVATE KEY-----",
            "\"",
        ]);
        assert_eq!(got, ["AT%CMNG=0,9,2,\"[REDACTED]\""]);
    }

    #[test]
    fn no_secret_survives_any_split_of_a_key_write() {
        let cmd = format!("AT%CMNG=0,16842753,2,\"{KEY}\"\r\nOK\r\n");
        for cut in 0..cmd.len() {
            let (a, b) = cmd.split_at(cut);
            if !cmd.is_char_boundary(cut) {
                continue;
            }
            let mut r = LineRedactor::default();
            let mut stored = String::new();
            for part in [a, b] {
                for l in part.split('\n') {
                    if let Some(x) = r.line(l) {
                        stored.push_str(&x);
                    }
                }
            }
            assert!(!stored.contains("MIGHAgEA"), "cut {cut}: {stored}");
        }
    }
}
