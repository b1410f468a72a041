//! Removal of key material before anything is stored: the content of `%CMNG` writes of secret
//! types, the content of `%CMNG` read responses of secret types, and PEM `PRIVATE KEY` blocks
//! anywhere. Certificates, public keys and PSK identities stay readable.
//!
//! A credential type counts as public only if it is known to be: 0 root CA, 1 client
//! certificate, 4 PSK identity, 5 public key, 6 device identity public key, 10 Nordic identity
//! root CA, 11 Nordic public key. Everything else (2 private key, 3 PSK, 8 endorsement key,
//! 9 ownership key, unknown or unparsable types) is treated as secret.
//!
//! Text sent to the DUT is redacted as a whole ([`redact_text`]); received lines one at a time
//! by a [`LineRedactor`], which remembers an open secret string or PEM block across lines.

use std::borrow::Cow;

/// What replaces secret content.
pub const REDACTED: &str = "[REDACTED]";

/// `%CMNG` types whose content is not secret.
const PUBLIC_TYPES: &[u8] = &[0, 1, 4, 5, 6, 10, 11];

fn is_secret_type(field: &str) -> bool {
    match field.trim().parse::<u8>() {
        Ok(t) => !PUBLIC_TYPES.contains(&t),
        Err(_) => true,
    }
}

fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if h.len() < n.len() {
        return None;
    }
    (from..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}

/// Byte index of the opening `"` of secret `%CMNG` content in `text` at or after `from`: a
/// write `%CMNG=0,<tag>,<type>,"` or a read response `%CMNG: <tag>,<type>,"<sha>","`.
fn secret_quote(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    while let Some(pos) = find_ci(text, "%CMNG", at) {
        at = pos + 5;
        at += blanks(&text[at..]);
        let sep = text[at..].chars().next()?;
        let body = at + sep.len_utf8();
        let first_quote = text[body..].find('"').map(|q| body + q);
        let Some(q1) = first_quote else { continue };
        let header = &text[body..q1];
        if header.contains(';') || header.contains('\n') {
            continue;
        }
        let fields: Vec<&str> = header.split(',').collect();
        let field = |i: usize| fields.get(i).copied().unwrap_or("");
        match sep {
            // write: 0,<tag>,<type>,"<content>"
            '=' if field(0).trim() == "0" && is_secret_type(field(2)) => return Some(q1),
            // read response: <tag>,<type>,"<sha>","<content>"
            ':' if is_secret_type(field(1)) => {
                let q2 = text[q1 + 1..].find('"').map(|q| q1 + 1 + q)?;
                let q3 = text[q2 + 1..].find('"').map(|q| q2 + 1 + q);
                // only `,` (and blanks) may separate the digest from the content
                if let Some(q3) = q3
                    && text[q2 + 1..q3].trim() == ","
                {
                    return Some(q3);
                }
            }
            _ => {}
        }
    }
    None
}

/// The length of the run of spaces and tabs `text` starts with.
fn blanks(text: &str) -> usize {
    text.len() - text.trim_start_matches([' ', '\t']).len()
}

/// Byte range of unquoted secret `%CMNG` write content (`%CMNG=0,<tag>,<type>,<content>`,
/// which the modem refuses but which must not be stored either) at or after `from`.
fn unquoted_secret(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut at = from;
    while let Some(pos) = find_ci(text, "%CMNG", at) {
        at = pos + 5;
        at += blanks(&text[at..]);
        if !text[at..].starts_with('=') {
            continue;
        }
        let body = at + 1;
        let end = text[body..]
            .find([';', '\r', '\n'])
            .map_or(text.len(), |e| body + e);
        let command = &text[body..end];
        let fields: Vec<&str> = command.splitn(4, ',').collect();
        if command.contains('"') || fields.len() < 4 {
            continue;
        }
        if fields[0].trim() == "0" && is_secret_type(fields[2]) && !fields[3].trim().is_empty() {
            return Some((end - fields[3].len(), end));
        }
    }
    None
}

/// A PEM private-key BEGIN marker in `text` at or after `from`: (start, end of marker, label).
fn private_pem_begin(text: &str, from: usize) -> Option<(usize, usize, &str)> {
    let mut at = from;
    while let Some(rel) = text[at..].find("-----BEGIN ") {
        let start = at + rel;
        let label_start = start + "-----BEGIN ".len();
        let label_end = text[label_start..].find("-----").map(|e| label_start + e)?;
        let label = &text[label_start..label_end];
        let marker_end = label_end + 5;
        if label.contains("PRIVATE KEY") && !label.contains('\n') {
            return Some((start, marker_end, label));
        }
        at = marker_end;
    }
    None
}

/// Redacts secrets in text sent to or received from the DUT as one piece (a command, possibly
/// multi-line and possibly missing its closing quote).
pub fn redact_text(text: &str) -> Cow<'_, str> {
    let step1 = redact_cmng(text);
    let step2 = match redact_pem(&step1) {
        Cow::Borrowed(_) => step1,
        Cow::Owned(s) => Cow::Owned(s),
    };
    match redact_unquoted(&step2) {
        Cow::Borrowed(_) => step2,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

fn redact_unquoted(text: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut copied = 0;
    while let Some((start, end)) = unquoted_secret(text, copied) {
        out.push_str(&text[copied..start]);
        out.push_str(&format!("[REDACTED {} bytes]", end - start));
        copied = end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn redact_cmng(text: &str) -> Cow<'_, str> {
    let Some(mut q) = secret_quote(text, 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len().min(256));
    let mut copied = 0;
    loop {
        out.push_str(&text[copied..=q]);
        match text[q + 1..].find('"') {
            Some(len) => {
                out.push_str(&format!("[REDACTED {len} bytes]"));
                copied = q + 1 + len;
            }
            None => {
                let len = text.len() - q - 1;
                out.push_str(&format!("[REDACTED {len} bytes, unterminated]"));
                return Cow::Owned(out);
            }
        }
        // `copied` points at the closing quote, which is copied with the next piece.
        match secret_quote(text, copied + 1) {
            Some(next) => q = next,
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

fn redact_pem(text: &str) -> Cow<'_, str> {
    let Some((_, mut marker_end, mut label)) = private_pem_begin(text, 0) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len().min(256));
    let mut copied = 0;
    loop {
        out.push_str(&text[copied..marker_end]);
        out.push_str(REDACTED);
        let end_marker = format!("-----END {label}-----");
        match text[marker_end..].find(&end_marker) {
            Some(rel) => copied = marker_end + rel,
            None => return Cow::Owned(out),
        }
        match private_pem_begin(text, copied + end_marker.len()) {
            Some((_, m, l)) => (marker_end, label) = (m, l),
            None => break,
        }
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
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
    /// Inside secret quoted content; lines are dropped until the closing `"`.
    SecretString,
    /// Inside a PEM private key; lines are dropped until its END marker.
    PrivatePem(String),
}

impl LineRedactor {
    /// The line as it may be stored, or `None` if the whole line is secret (continuation of
    /// content already replaced by [`REDACTED`]).
    pub fn line<'a>(&mut self, line: &'a str) -> Option<Cow<'a, str>> {
        match std::mem::take(&mut self.state) {
            State::SecretString => match line.find('"') {
                None => {
                    self.state = State::SecretString;
                    None
                }
                // the closing quote was already written with the REDACTED marker
                Some(q) => {
                    let rest = &line[q + 1..];
                    (!rest.is_empty()).then(|| self.plain(rest))
                }
            },
            State::PrivatePem(label) => {
                let end_marker = format!("-----END {label}-----");
                match line.find(&end_marker) {
                    None => {
                        self.state = State::PrivatePem(label);
                        None
                    }
                    Some(e) => Some(self.plain(&line[e..])),
                }
            }
            State::Plain => Some(self.plain(line)),
        }
    }

    /// Redacts a line that starts outside any secret, and notes a secret left open at its end.
    fn plain<'a>(&mut self, line: &'a str) -> Cow<'a, str> {
        if let Some(q) = secret_quote(line, 0)
            && !line[q + 1..].contains('"')
        {
            self.state = State::SecretString;
            return Cow::Owned(format!("{}{REDACTED}\"", &line[..=q]));
        }
        let redacted = redact_text(line);
        if let Some((_, _, label)) = last_unclosed_private_pem(line) {
            self.state = State::PrivatePem(label.to_string());
        }
        redacted
    }
}

/// A private-key BEGIN marker in `line` with no matching END after it.
fn last_unclosed_private_pem(line: &str) -> Option<(usize, usize, &str)> {
    let mut found = None;
    let mut at = 0;
    while let Some((start, marker_end, label)) = private_pem_begin(line, at) {
        let end_marker = format!("-----END {label}-----");
        match line[marker_end..].find(&end_marker) {
            Some(rel) => at = marker_end + rel + end_marker.len(),
            None => {
                found = Some((start, marker_end, label));
                break;
            }
        }
    }
    found
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
