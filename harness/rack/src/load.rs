//! Reading rack-file text, bounded: only a regular file is opened, at most [`MAX_BYTES`] are
//! read, a UTF-8 byte-order mark is dropped, and the pre-scan refuses deep nesting and a second document before the YAML
//! parser runs, so a hostile or broken file is refused quickly, always at a line.

use std::io::Read;
use std::path::Path;

use crate::error::RackError;
use crate::locate::{Step, field_path, locate, locate_duplicate_key, steps_of};
use crate::prescan::prescan;
use crate::rack::RackFile;

/// A rack file larger than this (1 MiB) is refused unread; real ones are a few KB.
pub const MAX_BYTES: usize = 1 << 20;

/// Parses rack-file text; `origin` names it in errors (usually the file name).
pub fn parse(text: &str, origin: &str) -> Result<RackFile, RackError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_BYTES {
        return Err(too_large(origin, text.as_bytes()));
    }
    prescan(text).map_err(|r| RackError::at(origin, Some((r.line, r.column)), r.message))?;
    serde_yaml_ng::from_str::<RackFile>(text).map_err(|e| {
        let mut err = RackError::from_yaml(origin.to_string(), &e);
        if err.line.is_none() {
            // Only end-of-input errors lack a place: name the last line.
            err.line = Some(text.lines().count().max(1));
        }
        relocate_duplicate_key(text, &mut err);
        err
    })
}

/// A duplicate key is reported at the start of its mapping; this moves the error to the
/// second occurrence of the key.
fn relocate_duplicate_key(text: &str, err: &mut RackError) {
    let Some(key) = err
        .message
        .strip_prefix("duplicate field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(key, _)| key.to_string())
    else {
        return;
    };
    let steps = match err.field.as_deref() {
        None => Some(Vec::new()),
        Some(field) => steps_of(field),
    };
    if let Some((line, column)) = steps.and_then(|s| locate_duplicate_key(text, &s, &key)) {
        err.line = Some(line);
        err.column = Some(column);
    }
}

/// Reads and checks a rack file. A relative `firmware_image`, `quarantine` or profile directory
/// is resolved against the file's directory.
pub fn load(path: impl AsRef<Path>) -> Result<RackFile, RackError> {
    let path = path.as_ref();
    let origin = path.display().to_string();
    let text = read_text(path, &origin)?;
    let mut rack = parse(&text, &origin)?;
    if let (Some(image), Some(dir)) = (&rack.firmware_image, path.parent())
        && image.is_relative()
    {
        rack.firmware_image = Some(dir.join(image));
    }
    if let (Some(file), Some(dir)) = (&rack.quarantine, path.parent())
        && file.is_relative()
    {
        rack.quarantine = Some(dir.join(file));
    }
    if let Some(dir) = path.parent() {
        for profiles in rack.profile_dirs.iter_mut().filter(|d| d.is_relative()) {
            *profiles = dir.join(&*profiles);
        }
    }
    Ok(rack)
}

/// An error about the value at `field` of the rack file at `path`, found after the file was
/// read (e.g. a simulator profile the lab does not know), located at that value's line — or
/// at the deepest enclosing value the file still holds.
pub fn error_at(path: &Path, field: &[Step<'_>], message: impl Into<String>) -> RackError {
    let origin = path.display().to_string();
    let position = read_text(path, &origin)
        .ok()
        .and_then(|text| locate(text.strip_prefix('\u{feff}').unwrap_or(&text), field));
    let mut err = RackError::at(&origin, position, message);
    err.field = Some(field_path(field)).filter(|f| !f.is_empty());
    err
}

/// At most [`MAX_BYTES`] + 1 bytes of the file as text; invalid UTF-8 is refused at its line,
/// and anything but a regular file (a FIFO would block the open, a device never end) before
/// it is opened.
fn read_text(path: &Path, origin: &str) -> Result<String, RackError> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        return Err(RackError::at(
            origin,
            None,
            format!(
                "not a regular file ({}); a rack file is a regular file",
                kind(&meta.file_type())
            ),
        ));
    }
    let file = std::fs::File::open(path).map_err(|e| RackError::io(origin.to_string(), e))?;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| RackError::io(origin.to_string(), e))?;
    if bytes.len() > MAX_BYTES {
        return Err(too_large(origin, &bytes));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        RackError::at(
            origin,
            Some(position_after(valid)),
            "the rack file is not UTF-8 text",
        )
    })
}

/// What a file that is not a regular one is, in words.
fn kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_socket() {
        "a socket"
    } else if file_type.is_char_device() || file_type.is_block_device() {
        "a device"
    } else {
        "not a file"
    }
}

fn too_large(origin: &str, bytes: &[u8]) -> RackError {
    RackError::at(
        origin,
        Some(position_after(&bytes[..MAX_BYTES])),
        format!(
            "the rack file is larger than {} KiB (rack files are a few KB); refused unparsed",
            MAX_BYTES / 1024
        ),
    )
}

/// The 1-based line and column just after `bytes`.
fn position_after(bytes: &[u8]) -> (usize, usize) {
    let line = bytes.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = bytes.len() - bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
    (line, column)
}
