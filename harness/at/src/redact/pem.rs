//! PEM `PRIVATE KEY` blocks anywhere in a text (any label containing `PRIVATE KEY`: PKCS#8,
//! `EC`, `RSA`, `ENCRYPTED`): their body is replaced, the BEGIN and END markers stay.

use std::borrow::Cow;

use super::REDACTED;

/// A PEM private-key BEGIN marker in `text` at or after `from`: (start, end of marker, label).
pub(super) fn private_pem_begin(text: &str, from: usize) -> Option<(usize, usize, &str)> {
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

/// `text` with the body of every private-key block replaced by [`REDACTED`] (an unclosed one
/// to the end of the text).
pub(super) fn redact_pem(text: &str) -> Cow<'_, str> {
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

/// A private-key BEGIN marker in `line` with no matching END after it.
pub(super) fn last_unclosed_private_pem(line: &str) -> Option<(usize, usize, &str)> {
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
