//! The errors of hil-flash, one enum per question a caller asks:
//! [`ImageError`] (is this file something we can flash onto an nRF9160?),
//! [`FlashError`] (did flashing or resetting the DUT work?) and
//! [`LocateError`] (where is the firmware image?).
//!
//! Every message says what was being done, to which file or DUT, and what to do about it where
//! there is something to do (attach a probe, allow erase-all in the rack file, …).

use std::path::PathBuf;

use crate::locate::ImageSource;
use crate::probes::ProbeInfo;

/// A firmware image that cannot be flashed onto an nRF9160, or cannot be read.
///
/// Every variant names the file; addresses are hexadecimal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The file could not be read.
    #[error("cannot read firmware image {}: {source}", .path.display())]
    Io {
        /// The image file.
        path: PathBuf,
        #[source]
        /// The underlying error.
        source: std::io::Error,
    },

    /// Neither an ELF nor an Intel HEX file.
    #[error("{} is not a firmware image: {detail} (expected an ARM ELF executable or an Intel HEX file)", .path.display())]
    NotAnImage {
        /// The image file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },

    /// An ELF for another machine, e.g. a host (x86-64) binary.
    #[error("{} is an ELF for {found}, not for 32-bit ARM (Thumb) as the nRF9160 needs; was it built for `thumbv8m.main-none-eabihf`?", .path.display())]
    WrongArchitecture {
        /// The image file.
        path: PathBuf,
        /// The machine the ELF is for.
        found: String,
    },

    /// The ELF structure is damaged or inconsistent.
    #[error("{} is a damaged ELF file: {detail}", .path.display())]
    MalformedElf {
        /// The image file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },

    /// An Intel HEX record could not be parsed (1-based line number).
    #[error("{}:{line}: bad Intel HEX: {detail}", .path.display())]
    MalformedHex {
        /// The image file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong.
        detail: String,
    },

    /// Nothing in the file would be written to flash.
    #[error("{} contains no loadable data ({detail})", .path.display())]
    NoLoadableData {
        /// The image file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },

    /// Data that starts outside the memory the probe can program (flash and UICR).
    #[error(
        "{}: {len} bytes at {address:#010x} are outside the nRF9160 flash (0x00000000..0x00100000) and UICR (0x00ff8000..0x00ff9000): {what}",
        .path.display()
    )]
    OutsideFlash {
        /// The image file.
        path: PathBuf,
        /// The start address.
        address: u64,
        /// The length in bytes.
        len: u64,
        /// What the address is instead (RAM, unmapped).
        what: String,
    },

    /// Data that starts in a programmable region but does not fit in it.
    #[error(
        "{}: image too large: {len} bytes at {address:#010x} end at {end:#010x}, {over} bytes past the end of {region} at {limit:#010x}",
        .path.display(),
        over = .end - .limit
    )]
    TooLarge {
        /// The image file.
        path: PathBuf,
        /// The region the data starts in.
        region: &'static str,
        /// The start address.
        address: u64,
        /// The length in bytes.
        len: u64,
        /// The address just past the data.
        end: u64,
        /// The address just past the region.
        limit: u64,
    },

    /// Memory the image reserves (e.g. `.bss`, stack) that lies outside the nRF9160 memory map.
    #[error(
        "{}: segment at {address:#010x} ({len} bytes in memory) lies outside the nRF9160 memory map (flash 0x00000000..0x00100000, RAM 0x20000000..0x20040000)",
        .path.display()
    )]
    OutsideMemory {
        /// The image file.
        path: PathBuf,
        /// The start address.
        address: u64,
        /// The length in bytes.
        len: u64,
    },

    /// Two pieces of data claim the same flash bytes.
    #[error("{}: data overlaps at {address:#010x} (written twice)", .path.display())]
    Overlap {
        /// The image file.
        path: PathBuf,
        /// The start address.
        address: u64,
    },

    /// The entry point (reset handler) is not in flash.
    #[error(
        "{}: entry point {entry:#010x} is outside flash (0x00000000..0x00100000); is the linker script (memory.x) for the nRF9160?",
        .path.display()
    )]
    EntryOutsideFlash {
        /// The image file.
        path: PathBuf,
        /// The entry point address.
        entry: u64,
    },

    /// The ELF entry point lacks the Thumb bit (bit 0), which Cortex-M code always has.
    #[error(
        "{}: entry point {entry:#010x} does not have the Thumb bit (bit 0) set; Cortex-M33 code runs in Thumb state only",
        .path.display()
    )]
    EntryNotThumb {
        /// The image file.
        path: PathBuf,
        /// The entry point address.
        entry: u64,
    },

    /// The `HIL_FW_ID` symbol exists but does not hold a valid firmware id.
    #[error("{}: symbol HIL_FW_ID is not a valid firmware id: {detail}", .path.display())]
    BadFirmwareId {
        /// The image file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

impl ImageError {
    /// The image file the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            ImageError::Io { path, .. }
            | ImageError::NotAnImage { path, .. }
            | ImageError::WrongArchitecture { path, .. }
            | ImageError::MalformedElf { path, .. }
            | ImageError::MalformedHex { path, .. }
            | ImageError::NoLoadableData { path, .. }
            | ImageError::OutsideFlash { path, .. }
            | ImageError::TooLarge { path, .. }
            | ImageError::OutsideMemory { path, .. }
            | ImageError::Overlap { path, .. }
            | ImageError::EntryOutsideFlash { path, .. }
            | ImageError::EntryNotThumb { path, .. }
            | ImageError::BadFirmwareId { path, .. } => path,
        }
    }
}

/// Flashing or resetting a DUT failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FlashError {
    /// No attached probe matches the DUT's selector; `attached` lists the probes that are there.
    #[error("no debug probe matches `{selector}` (DUT `{dut}`); {}", attached_list(.attached))]
    NoProbe {
        /// The DUT name.
        dut: String,
        /// The DUT's probe selector.
        selector: String,
        /// The probes that are attached.
        attached: Vec<ProbeInfo>,
    },

    /// The selector has no serial number and more than one probe matches it.
    #[error(
        "{} debug probes match `{selector}` (DUT `{dut}`); add the serial number to the DUT's probe selector in the rack file (VID:PID:serial) to pick one: {}",
        .matches.len(),
        probe_list(.matches)
    )]
    AmbiguousProbe {
        /// The DUT name.
        dut: String,
        /// The DUT's probe selector.
        selector: String,
        /// The probes that match.
        matches: Vec<ProbeInfo>,
    },

    /// The probe is attached but this user may not open it.
    #[error(
        "debug probe `{selector}` (DUT `{dut}`) is attached but this user may not open it (permission denied); install the probe-rs udev rules (https://probe.rs/docs/getting-started/probe-setup/) and replug the probe"
    )]
    ProbePermission {
        /// The DUT name.
        dut: String,
        /// The DUT's probe selector.
        selector: String,
    },

    /// The probe is there but nothing answered on SWD.
    #[error(
        "debug probe `{selector}` found, but the target of DUT `{dut}` did not answer: is the DUT powered and its SWD cable connected? ({detail})"
    )]
    TargetNotFound {
        /// The DUT name.
        dut: String,
        /// The DUT's probe selector.
        selector: String,
        /// What is wrong.
        detail: String,
    },

    /// The chip behind the probe is not the one the rack says.
    #[error("wrong chip on DUT `{dut}`: expected {expected}, found {found}")]
    WrongChip {
        /// The DUT name.
        dut: String,
        /// The chip the rack file names.
        expected: String,
        /// The machine the ELF is for.
        found: String,
    },

    /// probe-rs does not know the configured chip name.
    #[error("chip `{chip}` (DUT `{dut}`) is unknown to probe-rs: {detail}")]
    UnknownChip {
        /// The DUT name.
        dut: String,
        /// The chip name.
        chip: String,
        /// What is wrong.
        detail: String,
    },

    /// APPROTECT is on and the rack does not allow the erase-all that unlocking needs.
    #[error(
        "the {chip} of DUT `{dut}` is locked (APPROTECT) and the rack does not allow erasing it; unlocking erases all of its flash and UICR. To allow it, set `allow_erase_all: true` for DUT `{dut}` in the rack file"
    )]
    Locked {
        /// The DUT name.
        dut: String,
        /// The chip name.
        chip: String,
    },

    /// The image failed validation.
    #[error(transparent)]
    InvalidImage(#[from] ImageError),

    /// The flash content read back after programming differs from the image.
    #[error("verification failed on DUT `{dut}`: the flash read back differs from {}", .image.display())]
    VerifyFailed {
        /// The DUT name.
        dut: String,
        /// The image that was programmed.
        image: PathBuf,
    },

    /// An I/O error outside image validation (e.g. the image vanished between check and flash).
    #[error("I/O error while {doing}: {source}")]
    Io {
        /// What was being done.
        doing: String,
        #[source]
        /// The underlying error.
        source: std::io::Error,
    },

    /// Any other probe-rs failure, with the operation that failed.
    #[error("probe-rs failed to {operation} (DUT `{dut}`): {source}")]
    Probe {
        /// The DUT name.
        dut: String,
        /// What was being done, e.g. `flash`.
        operation: &'static str,
        #[source]
        /// The underlying error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The simulated target refused an operation.
    #[error("simulated DUT `{dut}` failed to {operation}: {source}")]
    Simulated {
        /// The DUT name.
        dut: String,
        /// What was being done, e.g. `flash`.
        operation: &'static str,
        /// The target's own error (e.g. the simulated board is unpowered).
        #[source]
        source: crate::simulated::TargetError,
    },

    /// Flashing over SSH on the host with the probe failed: the connection, the remote `hil`,
    /// or the probe there ([`RemoteFailure`](crate::remote::RemoteFailure) says which).
    #[error("flashing `{dut}` over ssh {login} failed: {failure}: {detail}")]
    Remote {
        /// The DUT (labgrid place) name.
        dut: String,
        /// `user@host:port` of the exporter host.
        login: String,
        /// What failed.
        failure: crate::remote::RemoteFailure,
        /// The message of ssh or of the remote `hil`.
        detail: String,
    },
}

/// Locating the firmware image failed: a path someone named does not exist.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocateError {
    /// The named image does not exist.
    #[error("firmware image {} ({origin}) does not exist", .path.display())]
    Missing {
        /// Where the path came from.
        origin: ImageSource,
        /// The image file.
        path: PathBuf,
    },

    /// The named path exists but is not a regular file.
    #[error("firmware image {} ({origin}) is not a file", .path.display())]
    NotAFile {
        /// Where the path came from.
        origin: ImageSource,
        /// The image file.
        path: PathBuf,
    },
}

fn attached_list(attached: &[ProbeInfo]) -> String {
    if attached.is_empty() {
        "no debug probes are attached (check the USB cable, and `lsusb`)".to_string()
    } else {
        format!("attached probes: {}", probe_list(attached))
    }
}

fn probe_list(probes: &[ProbeInfo]) -> String {
    probes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
