//! Final result codes of the AT protocol: recognising them in a response line (harness and
//! firmware) and rendering them (simulated modem).
//!
//! Recognised (ref keymgmt §7.1/§7.2): `OK`, `ERROR`, `+CME ERROR: <n>`, `+CMS ERROR: <n>`, and
//! the 2020–21 Serial LTE Modem forms `+CME: <n>` / `+CMS: <n>`. Surrounding CR/LF and trailing
//! spaces are tolerated; anything else (`OKAY`, `+CME ERROR: abc`, `+CME ERROR: 70000`) is not a
//! final result.

use core::fmt;

/// A final result code: the line that ends a command's response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FinalResult {
    /// `OK`
    Ok,
    /// `ERROR` (also what the modem says with `+CMEE=0`).
    Error,
    /// `+CME ERROR: <n>` (or the old SLM `+CME: <n>`).
    CmeError(u16),
    /// `+CMS ERROR: <n>` (or the old SLM `+CMS: <n>`).
    CmsError(u16),
}

impl FinalResult {
    /// True only for [`FinalResult::Ok`].
    pub const fn is_ok(self) -> bool {
        matches!(self, Self::Ok)
    }

    /// The line as the modem sends it, with its CRLF (e.g. `+CME ERROR: 513\r\n`).
    pub fn render(self) -> RenderedResult {
        let mut out = RenderedResult {
            buf: [0; RenderedResult::CAP],
            len: 0,
        };
        // Cannot fail: the longest rendering (`+CME ERROR: 65535\r\n`) fits `CAP`.
        let _ = fmt::Write::write_fmt(&mut out, format_args!("{self}\r\n"));
        out
    }
}

/// Without the CRLF: `OK`, `ERROR`, `+CME ERROR: 513`, `+CMS ERROR: 304`.
impl fmt::Display for FinalResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("OK"),
            Self::Error => f.write_str("ERROR"),
            Self::CmeError(n) => write!(f, "+CME ERROR: {n}"),
            Self::CmsError(n) => write!(f, "+CMS ERROR: {n}"),
        }
    }
}

/// A rendered final result line (no allocation).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RenderedResult {
    buf: [u8; Self::CAP],
    len: usize,
}

impl RenderedResult {
    const CAP: usize = 24;

    /// The bytes, CRLF included.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// The text, CRLF included.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever written.
        core::str::from_utf8(self.as_bytes()).unwrap_or("")
    }
}

impl fmt::Debug for RenderedResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Write for RenderedResult {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Recognises a final result code in one response line.
pub fn final_result(line: &[u8]) -> Option<FinalResult> {
    let line = trim_line(line);
    match line {
        b"OK" => return Some(FinalResult::Ok),
        b"ERROR" => return Some(FinalResult::Error),
        _ => {}
    }
    let (rest, make): (&[u8], fn(u16) -> FinalResult) =
        if let Some(rest) = strip_either(line, b"+CME ERROR:", b"+CME:") {
            (rest, FinalResult::CmeError)
        } else if let Some(rest) = strip_either(line, b"+CMS ERROR:", b"+CMS:") {
            (rest, FinalResult::CmsError)
        } else {
            return None;
        };
    parse_code(rest).map(make)
}

fn strip_either<'a>(line: &'a [u8], long: &[u8], short: &[u8]) -> Option<&'a [u8]> {
    line.strip_prefix(long).or_else(|| line.strip_prefix(short))
}

/// Strips leading CR/LF and trailing CR/LF/spaces.
fn trim_line(mut line: &[u8]) -> &[u8] {
    while let [b'\r' | b'\n', rest @ ..] = line {
        line = rest;
    }
    while let [rest @ .., b'\r' | b'\n' | b' '] = line {
        line = rest;
    }
    line
}

/// Optional spaces, then 1–5 decimal digits that fit a `u16`, then nothing.
fn parse_code(rest: &[u8]) -> Option<u16> {
    let digits = rest.trim_ascii_start();
    if digits.is_empty() || digits.len() > 5 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits
        .iter()
        .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'));
    u16::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(b"OK", Some(FinalResult::Ok))]
    #[case(b"OK\r\n", Some(FinalResult::Ok))]
    #[case(b"OK  \r\n", Some(FinalResult::Ok))]
    #[case(b"\r\nOK\r\n", Some(FinalResult::Ok))]
    #[case(b"OK\n", Some(FinalResult::Ok))]
    #[case(b"ERROR", Some(FinalResult::Error))]
    #[case(b"ERROR\r\n", Some(FinalResult::Error))]
    #[case(b"+CME ERROR: 513", Some(FinalResult::CmeError(513)))]
    #[case(b"+CME ERROR: 528\r\n", Some(FinalResult::CmeError(528)))]
    #[case(b"+CME ERROR:514", Some(FinalResult::CmeError(514)))]
    #[case(b"+CME ERROR: 0", Some(FinalResult::CmeError(0)))]
    #[case(b"+CME ERROR: 65535", Some(FinalResult::CmeError(65535)))]
    #[case(b"+CMS ERROR: 304\r\n", Some(FinalResult::CmsError(304)))]
    #[case(b"+CME: 519", Some(FinalResult::CmeError(519)))]
    #[case(b"+CME: 519 \r\n", Some(FinalResult::CmeError(519)))]
    #[case(b"+CMS: 500", Some(FinalResult::CmsError(500)))]
    #[case(b"", None)]
    #[case(b"\r\n", None)]
    #[case(b"OKAY", None)]
    #[case(b"ok", None)]
    #[case(b" OK", None)]
    #[case(b"OK OK", None)]
    #[case(b"ERRORS", None)]
    #[case(b"+CME ERROR: abc", None)]
    #[case(b"+CME ERROR: ", None)]
    #[case(b"+CME ERROR:", None)]
    #[case(b"+CME ERROR: 12a", None)]
    #[case(b"+CME ERROR: -1", None)]
    #[case(b"+CME ERROR: 65536", None)]
    #[case(b"+CME ERROR: 999999", None)]
    #[case(b"+CME ERROR: 5 13", None)]
    #[case(b"+CMEE: 1", None)]
    #[case(b"%CMNG: 16842753,0,\"00\"", None)]
    #[case(b"+CGEV: ME BATTERY LOW", None)]
    #[case(b"#XFWERR: idle", None)]
    fn recognises_final_results(#[case] line: &[u8], #[case] expected: Option<FinalResult>) {
        assert_eq!(final_result(line), expected);
    }

    #[rstest]
    #[case(FinalResult::Ok, "OK\r\n")]
    #[case(FinalResult::Error, "ERROR\r\n")]
    #[case(FinalResult::CmeError(527), "+CME ERROR: 527\r\n")]
    #[case(FinalResult::CmsError(65535), "+CMS ERROR: 65535\r\n")]
    fn renders_and_round_trips(#[case] result: FinalResult, #[case] text: &str) {
        let rendered = result.render();
        assert_eq!(rendered.as_str(), text);
        assert_eq!(rendered.as_bytes(), text.as_bytes());
        assert_eq!(final_result(rendered.as_bytes()), Some(result));
    }

    #[test]
    fn only_ok_is_ok() {
        assert!(FinalResult::Ok.is_ok());
        assert!(!FinalResult::CmeError(0).is_ok());
    }
}
