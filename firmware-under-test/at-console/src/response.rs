//! The firmware's own wire texts (everything that is not modem output) and the firmware
//! identity, shared by the firmware, the simulator and the harness so all three agree byte for
//! byte.
//!
//! Wire protocol (firmware.md §3, architecture.md):
//! - boot: [`Banner`] = `#XFWVER: "<fw id>"\r\nREADY\r\n` (preceded by [`ERR_MODEM_INIT`] if
//!   libmodem failed to start);
//! - `AT#XFWVER` → [`FwVersion`] = `#XFWVER: "<fw id>"\r\nOK\r\n`;
//! - `AT#XRESET` → [`OK`], then reboot and [`Banner`];
//! - errors: `#XFWERR: <what>\r\nERROR\r\n` ([`ERR_LINE_TOO_LONG`], [`ERR_IDLE`], …);
//! - panic: [`PanicLine`] = `#XFWPANIC: <message>\r\n`, then reset and [`Banner`].
//!
//! `<fw id>` is `<crate version>+<build id>`; the firmware also embeds it, NUL-padded, in the ELF
//! symbol [`FW_ID_SYMBOL`] ([`encode_fw_id`] / [`decode_fw_id`]).

use core::fmt;

/// Success of a local command.
pub const OK: &str = "OK\r\n";
/// A line longer than the console's maximum was discarded whole.
pub const ERR_LINE_TOO_LONG: &str = "#XFWERR: line too long\r\nERROR\r\n";
/// A partial line was dropped after the idle timeout.
pub const ERR_IDLE: &str = "#XFWERR: idle\r\nERROR\r\n";
/// The modem did not answer a forwarded command in time.
pub const ERR_TIMEOUT: &str = "#XFWERR: timeout\r\nERROR\r\n";
/// The libmodem call for a forwarded command failed (no modem answer at all).
pub const ERR_MODEM: &str = "#XFWERR: modem\r\nERROR\r\n";
/// The modem's answer did not fit the firmware's response buffer; what fitted was written first.
pub const ERR_RESPONSE_TRUNCATED: &str = "#XFWERR: response truncated\r\nERROR\r\n";
/// The firmware's UART receive buffer overflowed: bytes were lost, so the line in progress was
/// dropped (the sender did not wait for the previous command's final result).
pub const ERR_OVERRUN: &str = "#XFWERR: overrun\r\nERROR\r\n";
/// Boot only, before the banner: libmodem failed to initialise.
pub const ERR_MODEM_INIT: &str = "#XFWERR: modem init\r\n";

/// Name of the ELF symbol holding the firmware id (`[u8; FW_ID_LEN]`, ASCII, NUL-padded).
pub const FW_ID_SYMBOL: &str = "HIL_FW_ID";
/// Size of the [`FW_ID_SYMBOL`] array; an id may use all of it (then it has no NUL).
pub const FW_ID_LEN: usize = 64;
/// Build id used when none is given at build time.
pub const DEV_BUILD_ID: &str = "dev";

/// `#XFWVER: "<fw id>"\r\nOK\r\n`, the answer to `AT#XFWVER`.
#[derive(Debug, Clone, Copy)]
pub struct FwVersion<'a>(pub &'a str);

impl fmt::Display for FwVersion<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#XFWVER: \"{}\"\r\n{OK}", self.0)
    }
}

/// `#XFWVER: "<fw id>"\r\nREADY\r\n`, written once at boot.
#[derive(Debug, Clone, Copy)]
pub struct Banner<'a>(pub &'a str);

impl fmt::Display for Banner<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#XFWVER: \"{}\"\r\nREADY\r\n", self.0)
    }
}

/// `#XFWPANIC: <message>\r\n` on one line: CR and LF in the message become spaces and other
/// control characters are dropped, so the harness always reads exactly one line.
#[derive(Debug, Clone, Copy)]
pub struct PanicLine<T>(pub T);

impl<T: fmt::Display> fmt::Display for PanicLine<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("#XFWPANIC: ")?;
        fmt::write(&mut OneLine(f), format_args!("{}", self.0))?;
        f.write_str("\r\n")
    }
}

/// Writer adapter that keeps text on one line.
struct OneLine<'a, W: fmt::Write>(&'a mut W);

impl<W: fmt::Write> fmt::Write for OneLine<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            match c {
                '\r' | '\n' => self.0.write_char(' ')?,
                c if c.is_control() => {}
                c => self.0.write_char(c)?,
            }
        }
        Ok(())
    }
}

/// The fw id in a `#XFWVER: "<fw id>"` line (trailing CR/LF/spaces tolerated).
pub fn parse_fw_version(line: &[u8]) -> Option<&str> {
    let rest = line.trim_ascii_end().strip_prefix(b"#XFWVER: \"")?;
    let id = rest.strip_suffix(b"\"")?;
    if id.is_empty() || !id.iter().all(|&b| is_fw_id_byte(b)) {
        return None;
    }
    core::str::from_utf8(id).ok()
}

/// Bytes allowed in a fw id: printable ASCII except space, `"` and `\` (it is quoted on the wire).
pub const fn is_fw_id_byte(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'"' && b != b'\\'
}

/// `<version>+<build>` NUL-padded into the [`FW_ID_SYMBOL`] array; an empty `build` means
/// [`DEV_BUILD_ID`]. Meant for a `static`/`const` initialiser: an invalid or too long id (see
/// [`is_fw_id_byte`], at most [`FW_ID_LEN`] bytes) fails the build instead of being truncated.
pub const fn encode_fw_id(version: &str, build: &str) -> [u8; FW_ID_LEN] {
    let build = if build.is_empty() {
        DEV_BUILD_ID
    } else {
        build
    };
    let mut out = [0u8; FW_ID_LEN];
    let parts: [&[u8]; 3] = [version.as_bytes(), b"+", build.as_bytes()];
    let mut len = 0;
    let mut p = 0;
    while p < parts.len() {
        let part = parts[p];
        let mut i = 0;
        while i < part.len() {
            assert!(len < FW_ID_LEN, "fw id longer than FW_ID_LEN bytes");
            assert!(is_fw_id_byte(part[i]), "fw id byte not allowed");
            out[len] = part[i];
            len += 1;
            i += 1;
        }
        p += 1;
    }
    out
}

/// The id in an [`encode_fw_id`] array, up to the first NUL ("" if not valid).
pub const fn fw_id_str(encoded: &[u8; FW_ID_LEN]) -> &str {
    let mut len = 0;
    while len < FW_ID_LEN && encoded[len] != 0 {
        len += 1;
    }
    let (head, _) = encoded.split_at(len);
    match core::str::from_utf8(head) {
        Ok(s) => s,
        Err(_) => "",
    }
}

/// Reads the id from the bytes of the [`FW_ID_SYMBOL`] symbol (as found in an ELF); `None`
/// unless it is a non-empty, valid id followed only by NUL padding.
pub fn decode_fw_id(bytes: &[u8]) -> Option<&str> {
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let (id, padding) = bytes.split_at(len);
    let valid = !id.is_empty()
        && id.len() <= FW_ID_LEN
        && id.iter().all(|&b| is_fw_id_byte(b))
        && padding.iter().all(|&b| b == 0);
    if valid {
        core::str::from_utf8(id).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::format;

    #[test]
    fn renders_the_wire_texts() {
        assert_eq!(
            format!("{}", FwVersion("0.1.0+abc123")),
            "#XFWVER: \"0.1.0+abc123\"\r\nOK\r\n"
        );
        assert_eq!(
            format!("{}", Banner("0.1.0+dev")),
            "#XFWVER: \"0.1.0+dev\"\r\nREADY\r\n"
        );
        for text in [
            ERR_LINE_TOO_LONG,
            ERR_IDLE,
            ERR_TIMEOUT,
            ERR_MODEM,
            ERR_RESPONSE_TRUNCATED,
            ERR_OVERRUN,
        ] {
            assert!(text.starts_with("#XFWERR: ") && text.ends_with("\r\nERROR\r\n"));
        }
    }

    #[rstest]
    #[case(
        "Modem fault - reason: 0x14",
        "#XFWPANIC: Modem fault - reason: 0x14\r\n"
    )]
    #[case("a\r\nb\nc", "#XFWPANIC: a  b c\r\n")]
    #[case("bell\x07 tab\t", "#XFWPANIC: bell tab\r\n")]
    #[case("", "#XFWPANIC: \r\n")]
    fn panic_line_is_one_line(#[case] msg: &str, #[case] expected: &str) {
        assert_eq!(format!("{}", PanicLine(msg)), expected);
    }

    #[test]
    fn panic_line_takes_format_arguments() {
        let line = format!("{}", PanicLine(format_args!("at {}:{}", "main.rs", 7)));
        assert_eq!(line, "#XFWPANIC: at main.rs:7\r\n");
    }

    #[rstest]
    #[case(b"#XFWVER: \"0.1.0+abc\"", Some("0.1.0+abc"))]
    #[case(b"#XFWVER: \"0.1.0+abc\"\r\n", Some("0.1.0+abc"))]
    #[case(b"#XFWVER: \"\"", None)]
    #[case(b"#XFWVER: \"a b\"", None)]
    #[case(b"#XFWVER: 0.1.0", None)]
    #[case(b"OK", None)]
    fn parses_fw_version_lines(#[case] line: &[u8], #[case] expected: Option<&str>) {
        assert_eq!(parse_fw_version(line), expected);
    }

    #[test]
    fn fw_id_round_trips_through_the_symbol_encoding() {
        const ID: [u8; FW_ID_LEN] = encode_fw_id("0.1.0", "1a2b3c4");
        assert_eq!(fw_id_str(&ID), "0.1.0+1a2b3c4");
        assert_eq!(decode_fw_id(&ID), Some("0.1.0+1a2b3c4"));
        assert_eq!(fw_id_str(&encode_fw_id("0.1.0", "")), "0.1.0+dev");
        let line = format!("{}", Banner(fw_id_str(&ID)));
        let first = line.lines().next().unwrap_or_default();
        assert_eq!(parse_fw_version(first.as_bytes()), Some("0.1.0+1a2b3c4"));
    }

    #[test]
    fn fw_id_may_fill_the_whole_array() {
        let build = "x".repeat(FW_ID_LEN - "1.0.0+".len());
        let full = encode_fw_id("1.0.0", &build);
        assert!(full.iter().all(|&b| b != 0));
        assert_eq!(decode_fw_id(&full).map(str::len), Some(FW_ID_LEN));
    }

    #[test]
    #[should_panic(expected = "longer than")]
    fn too_long_fw_id_is_refused_not_truncated() {
        let _ = encode_fw_id("1.0.0", &"x".repeat(FW_ID_LEN));
    }

    #[test]
    #[should_panic(expected = "not allowed")]
    fn quote_in_fw_id_is_refused() {
        let _ = encode_fw_id("1.0.0", "a\"b");
    }

    #[rstest]
    #[case(b"", None)]
    #[case(b"\0\0\0", None)]
    #[case(b"0.1.0+a\0\0", Some("0.1.0+a"))]
    #[case(b"0.1.0+a\0x\0", None)]
    #[case(b"0.1.0 a\0", None)]
    #[case(b"\xff\0", None)]
    fn decodes_symbol_bytes_strictly(#[case] bytes: &[u8], #[case] expected: Option<&str>) {
        assert_eq!(decode_fw_id(bytes), expected);
    }
}
