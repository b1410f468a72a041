//! Firmware image inspection: [`FirmwareImage::load`] validates an ELF or Intel HEX file the
//! way a flash of the nRF9160 would (architecture, memory map, entry point) and extracts what
//! the harness needs: loadable size, a SHA-256 of the loadable content and the firmware id.
//!
//! Both flashers use it, so the simulated rack refuses exactly the images hardware would.
//!
//! The SHA-256 covers the bytes that will be programmed, not the file: runs of contiguous data
//! in address order, each hashed as address (u64 LE), length (u64 LE), bytes. An ELF and the
//! HEX made from it by `objcopy -O ihex` therefore have the same digest.

mod elf;
mod hex;
pub mod memory_map;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::ImageError;
use memory_map::RegionKind;

/// Name of the ELF symbol that carries the firmware id (at-console `response::FW_ID_SYMBOL`).
pub const FW_ID_SYMBOL: &str = "HIL_FW_ID";
/// Size of the `HIL_FW_ID` array (at-console `response::FW_ID_LEN`).
pub const FW_ID_LEN: usize = 64;

/// File format of an image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    /// An ELF executable.
    Elf,
    /// An Intel HEX file.
    Hex,
}

/// One contiguous run of bytes the flash will program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadSegment {
    /// The first address.
    pub address: u64,
    /// The length in bytes.
    pub len: u64,
    /// The region the segment lies in.
    pub region: RegionKind,
}

/// A validated firmware image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirmwareImage {
    path: PathBuf,
    format: ImageFormat,
    segments: Vec<LoadSegment>,
    loadable_bytes: u64,
    sha256: String,
    fw_id: Option<String>,
    entry_point: Option<u64>,
}

/// Bytes to program at an address.
pub(crate) type Chunk<'a> = (u64, Cow<'a, [u8]>);

/// What a format parser hands back: data chunks (any order) and metadata.
pub(crate) struct Parsed<'a> {
    pub(crate) chunks: Vec<Chunk<'a>>,
    /// Run-time ranges the image occupies (ELF `p_vaddr..+p_memsz`), checked after the
    /// programmed data so "too large" is reported as such.
    pub(crate) reserved: Vec<(u64, u64)>,
    pub(crate) entry_point: Option<u64>,
    pub(crate) fw_id: Option<String>,
}

impl FirmwareImage {
    /// Reads and validates the image at `path` (ELF or Intel HEX, told apart by content).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ImageError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| ImageError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_bytes(path, &bytes)
    }

    /// Validates an image held in memory; `path` is used in messages and by flashers that
    /// read the file themselves (probe-rs).
    pub fn from_bytes(path: impl AsRef<Path>, bytes: &[u8]) -> Result<Self, ImageError> {
        let path = path.as_ref();
        let (format, parsed) = if bytes.starts_with(b"\x7fELF") {
            (ImageFormat::Elf, elf::parse(path, bytes)?)
        } else if hex::looks_like_hex(bytes) {
            (ImageFormat::Hex, hex::parse(path, bytes)?)
        } else {
            return Err(ImageError::NotAnImage {
                path: path.to_path_buf(),
                detail: describe_start(bytes),
            });
        };
        let (segments, sha256) = assemble(path, parsed.chunks)?;
        for &(address, len) in &parsed.reserved {
            memory_map::check_reserved(path, address, len)?;
        }
        if segments.is_empty() {
            return Err(ImageError::NoLoadableData {
                path: path.to_path_buf(),
                detail: match format {
                    ImageFormat::Elf => {
                        "no PT_LOAD segment with file data; is this an object file or a stripped \
                         image rather than a linked executable?"
                    }
                    ImageFormat::Hex => "no data records",
                }
                .into(),
            });
        }
        Ok(FirmwareImage {
            path: path.to_path_buf(),
            format,
            loadable_bytes: segments.iter().map(|s| s.len).sum(),
            segments,
            sha256,
            fw_id: parsed.fw_id,
            entry_point: parsed.entry_point,
        })
    }

    /// The image file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file is an ELF or an Intel HEX file.
    pub fn format(&self) -> ImageFormat {
        self.format
    }

    /// Contiguous runs of programmed bytes, in address order.
    pub fn segments(&self) -> &[LoadSegment] {
        &self.segments
    }

    /// Bytes the flash programs.
    pub fn loadable_bytes(&self) -> u64 {
        self.loadable_bytes
    }

    /// SHA-256 of the loadable content, lower-case hex (see the module docs for what is hashed).
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// The `HIL_FW_ID` the image carries (`<version>+<build id>`); `None` for HEX images and
    /// ELFs without the symbol.
    pub fn fw_id(&self) -> Option<&str> {
        self.fw_id.as_deref()
    }

    /// ELF `e_entry`, or the HEX start address record if there is one.
    pub fn entry_point(&self) -> Option<u64> {
        self.entry_point
    }

    /// Whether the image writes UICR (then a flash needs a chip erase: UICR is only erased by
    /// erase-all on the nRF9160).
    pub fn touches_uicr(&self) -> bool {
        self.segments.iter().any(|s| s.region == RegionKind::Uicr)
    }

    /// Bytes a flash erases: whole 4 KiB flash sectors under the data, plus UICR bytes.
    pub fn erase_footprint(&self) -> u64 {
        memory_map::erase_footprint(self.segments.iter().map(|s| (s.address, s.len)))
    }

    /// The id a DUT runs after this image is flashed: the fw id, or `sha256:<first 16 hex>`
    /// of the content when the image carries none.
    pub fn install_id(&self) -> String {
        match &self.fw_id {
            Some(id) => id.clone(),
            None => format!("sha256:{}", &self.sha256[..16]),
        }
    }
}

/// Sorts and merges chunks into runs, refuses overlaps and data outside flash/UICR, and hashes
/// the runs.
fn assemble(
    path: &Path,
    mut chunks: Vec<Chunk<'_>>,
) -> Result<(Vec<LoadSegment>, String), ImageError> {
    chunks.retain(|(_, data)| !data.is_empty());
    chunks.sort_by_key(|(address, _)| *address);

    let mut runs: Vec<(u64, Vec<u8>)> = Vec::new();
    for (address, data) in chunks {
        match runs.last_mut() {
            Some((start, bytes)) if *start + bytes.len() as u64 > address => {
                return Err(ImageError::Overlap {
                    path: path.to_path_buf(),
                    address,
                });
            }
            Some((start, bytes)) if *start + bytes.len() as u64 == address => {
                bytes.extend_from_slice(&data);
            }
            _ => runs.push((address, data.into_owned())),
        }
    }

    let mut hasher = Sha256::new();
    let mut segments = Vec::with_capacity(runs.len());
    for (address, bytes) in &runs {
        let len = bytes.len() as u64;
        let region = memory_map::check_programmable(path, *address, len)?;
        hasher.update(address.to_le_bytes());
        hasher.update(len.to_le_bytes());
        hasher.update(bytes);
        segments.push(LoadSegment {
            address: *address,
            len,
            region,
        });
    }
    let digest = hasher.finalize();
    let sha256 = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok((segments, sha256))
}

/// A short description of what the file starts with, for "not an image" errors.
fn describe_start(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "the file is empty".into();
    }
    let head: String = bytes
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ");
    format!("it starts with bytes {head}")
}

/// Decodes the bytes of the `HIL_FW_ID` array: ASCII id, then NUL padding only.
pub(crate) fn decode_fw_id(bytes: &[u8]) -> Result<String, String> {
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let (id, padding) = bytes.split_at(len);
    if id.is_empty() {
        return Err("it is empty (all NUL)".into());
    }
    if id.len() > FW_ID_LEN {
        return Err(format!("it is longer than {FW_ID_LEN} bytes"));
    }
    if let Some(bad) = id.iter().find(|&&b| !is_fw_id_byte(b)) {
        return Err(format!(
            "byte {bad:#04x} is not allowed (printable ASCII except space, `\"` and `\\`)"
        ));
    }
    if padding.iter().any(|&b| b != 0) {
        return Err("non-NUL bytes follow the NUL terminator".into());
    }
    Ok(String::from_utf8_lossy(id).into_owned())
}

/// Bytes allowed in a firmware id (it is quoted on the console wire).
fn is_fw_id_byte(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'"' && b != b'\\'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fw_id_decoding() {
        let mut raw = [0u8; FW_ID_LEN];
        raw[..13].copy_from_slice(b"0.1.0+1a2b3c4");
        assert_eq!(decode_fw_id(&raw).unwrap(), "0.1.0+1a2b3c4");
        assert_eq!(decode_fw_id(&[b'x'; FW_ID_LEN]).unwrap().len(), FW_ID_LEN);
        assert!(decode_fw_id(&[0; FW_ID_LEN]).unwrap_err().contains("empty"));
        assert!(decode_fw_id(b"a b\0").unwrap_err().contains("0x20"));
        assert!(decode_fw_id(b"ab\0c").unwrap_err().contains("follow"));
    }

    #[test]
    fn chunks_merge_and_overlaps_are_refused() {
        let p = Path::new("x.hex");
        let (segs, _) = assemble(
            p,
            vec![
                (4, Cow::Borrowed(&[2u8; 4][..])),
                (0, Cow::Borrowed(&[1u8; 4][..])),
            ],
        )
        .unwrap();
        assert_eq!(segs.len(), 1);
        assert_eq!((segs[0].address, segs[0].len), (0, 8));
        let e = assemble(
            p,
            vec![
                (0, Cow::Borrowed(&[1u8; 4][..])),
                (2, Cow::Borrowed(&[1u8; 4][..])),
            ],
        )
        .unwrap_err();
        assert!(matches!(e, ImageError::Overlap { address: 2, .. }), "{e}");
    }
}
