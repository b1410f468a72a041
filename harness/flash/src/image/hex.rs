//! Intel HEX images: parses the records with the `ihex` crate, line by line so errors carry a
//! line number, and turns data records into addressed chunks the way probe-rs's HEX loader
//! does (extended linear/segment address records set the base). A missing end-of-file record
//! is an error: it usually means a truncated file.

use std::borrow::Cow;
use std::path::Path;

use ihex::Record;

use super::Parsed;
use super::memory_map::FLASH;
use crate::error::ImageError;

/// Whether the content looks like Intel HEX (first non-blank character is `:`).
pub(super) fn looks_like_hex(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b':')
}

pub(super) fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Parsed<'a>, ImageError> {
    let bad = |line: usize, detail: String| ImageError::MalformedHex {
        path: path.to_path_buf(),
        line,
        detail,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = 1 + bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        bad(line, "not ASCII text".into())
    })?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);

    let mut chunks = Vec::new();
    let mut entry_point = None;
    let mut base: u64 = 0;
    let mut last_line = 0;
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        last_line = number;
        let record = Record::from_record_string(line).map_err(|e| bad(number, e.to_string()))?;
        match record {
            Record::Data { offset, value } => {
                chunks.push((base + u64::from(offset), Cow::Owned(value)));
            }
            Record::ExtendedSegmentAddress(segment) => base = u64::from(segment) * 16,
            Record::ExtendedLinearAddress(upper) => base = u64::from(upper) << 16,
            Record::StartLinearAddress(address) => entry_point = Some(u64::from(address)),
            Record::StartSegmentAddress { cs, ip } => {
                entry_point = Some(u64::from(cs) * 16 + u64::from(ip));
            }
            Record::EndOfFile => {
                if let Some(entry) = entry_point {
                    check_entry(path, entry)?;
                }
                return Ok(Parsed {
                    chunks,
                    reserved: Vec::new(),
                    entry_point,
                    fw_id: None,
                });
            }
        }
    }
    Err(bad(
        last_line.max(1),
        "no end-of-file record (`:00000001FF`); the file may be truncated".into(),
    ))
}

/// A HEX start address, when present, must be in flash (the Thumb bit is not checked: HEX
/// tools differ in whether they keep it).
fn check_entry(path: &Path, entry: u64) -> Result<(), ImageError> {
    if FLASH.contains(entry & !1) {
        Ok(())
    } else {
        Err(ImageError::EntryOutsideFlash {
            path: path.to_path_buf(),
            entry,
        })
    }
}
