//! Framing of the DUT's output into lines: split at LF (a CR before it is dropped and noted),
//! decode lossily so no byte sequence can fail, and cap a line that never ends.

use std::collections::VecDeque;
use std::time::Instant;

/// Longest line kept whole; a longer run without LF is cut into pieces of this size.
pub const MAX_LINE: usize = 64 * 1024;

/// One line received from the DUT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RxLine {
    /// The text without its line ending.
    pub text: String,
    /// The line ended in CRLF (rather than a bare LF, or nothing if it was cut).
    pub crlf: bool,
    /// The bytes were not valid UTF-8 and were decoded lossily (U+FFFD).
    pub lossy: bool,
    /// The line was longer than [`MAX_LINE`] and was cut here.
    pub cut: bool,
    /// When the line's last byte was read.
    pub at: Instant,
}

impl RxLine {
    /// The line with its original ending, as the DUT sent it.
    pub fn with_ending(&self) -> String {
        let mut s = self.text.clone();
        if self.crlf {
            s.push('\r');
        }
        if !self.cut {
            s.push('\n');
        }
        s
    }
}

/// Accumulates bytes and yields complete lines.
#[derive(Debug, Default)]
pub struct LineSplitter {
    buf: Vec<u8>,
}

impl LineSplitter {
    /// Adds bytes read at `at`; complete lines are appended to `out`.
    pub fn push(&mut self, mut bytes: &[u8], at: Instant, out: &mut VecDeque<RxLine>) {
        while let Some(nl) = bytes.iter().position(|&b| b == b'\n') {
            self.buf.extend_from_slice(&bytes[..nl]);
            bytes = &bytes[nl + 1..];
            let crlf = self.buf.last() == Some(&b'\r');
            if crlf {
                self.buf.pop();
            }
            out.push_back(decode(&self.buf, crlf, false, at));
            self.buf.clear();
        }
        self.buf.extend_from_slice(bytes);
        while self.buf.len() > MAX_LINE {
            let rest = self.buf.split_off(MAX_LINE);
            out.push_back(decode(&self.buf, false, true, at));
            self.buf = rest;
        }
    }

    /// Bytes of the unterminated last line.
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Forgets the unterminated last line.
    pub fn clear(&mut self) {
        self.buf.clear();
    }
}

fn decode(bytes: &[u8], crlf: bool, cut: bool, at: Instant) -> RxLine {
    let (text, lossy) = match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    };
    RxLine {
        text,
        crlf,
        lossy,
        cut,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn split(chunks: &[&[u8]]) -> (Vec<RxLine>, Vec<u8>) {
        let mut s = LineSplitter::default();
        let mut out = VecDeque::new();
        let now = Instant::now();
        for c in chunks {
            s.push(c, now, &mut out);
        }
        (out.into_iter().collect(), s.pending().to_vec())
    }

    #[rstest]
    #[case(&["OK\r\n"], &["OK"], b"")]
    #[case(&["O", "K\r", "\nERR"], &["OK"], b"ERR")]
    #[case(&["a\nb\r\n\r\n"], &["a", "b", ""], b"")]
    #[case(&["-----BEGIN X-----\nAAA\n-----END X-----\"\r\nOK\r\n"], &["-----BEGIN X-----", "AAA", "-----END X-----\"", "OK"], b"")]
    fn splits_at_lf(#[case] chunks: &[&str], #[case] lines: &[&str], #[case] rest: &[u8]) {
        let bytes: Vec<&[u8]> = chunks.iter().map(|c| c.as_bytes()).collect();
        let (got, pending) = split(&bytes);
        let texts: Vec<&str> = got.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, lines);
        assert_eq!(pending, rest);
    }

    #[test]
    fn remembers_line_endings() {
        let (got, _) = split(&[b"a\r\nb\n"]);
        assert!(got[0].crlf && !got[1].crlf);
        assert_eq!(got[0].with_ending(), "a\r\n");
        assert_eq!(got[1].with_ending(), "b\n");
    }

    #[test]
    fn invalid_utf8_is_decoded_lossily_and_noted() {
        let (got, _) = split(&[b"\xff\xfeOK\r\n", b"OK\r\n"]);
        assert!(got[0].lossy);
        assert_eq!(got[0].text, "\u{fffd}\u{fffd}OK");
        assert!(!got[1].lossy);
    }

    #[test]
    fn an_endless_line_is_cut() {
        let big = vec![b'x'; MAX_LINE * 2 + 10];
        let (got, pending) = split(&[&big]);
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|l| l.cut && l.text.len() == MAX_LINE));
        assert_eq!(pending.len(), 10);
    }
}
