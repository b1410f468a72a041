//! The flasher interface: what the harness asks of a DUT's debug probe, implemented by
//! [`ProbeRsFlasher`](crate::ProbeRsFlasher) (hardware) and
//! [`SimulatedFlasher`](crate::SimulatedFlasher) (the simulated rack).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::FlashError;
use crate::image::FirmwareImage;
use crate::progress::{FlashEvent, Throughput};

/// Flashes images onto one DUT and resets it.
pub trait Flasher: Send {
    /// Which probe and chip this flasher drives (no I/O).
    fn describe(&self) -> ProbeDescription;

    /// Writes `image` to the DUT's flash and verifies it by reading it back, then resets the
    /// DUT so it runs the new image. `progress` receives the phases as they happen.
    ///
    /// The image file is validated again first (it is read again from its path), so a file
    /// that changed or vanished since [`FirmwareImage::load`] is caught before the probe is
    /// touched.
    fn flash(
        &mut self,
        image: &FirmwareImage,
        progress: &mut dyn FnMut(&FlashEvent),
    ) -> Result<FlashReport, FlashError>;

    /// Resets the DUT (it boots the firmware already in flash).
    fn reset(&mut self) -> Result<(), FlashError>;
}

/// Which kind of probe a [`Flasher`] drives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeKind {
    /// A real debug probe, driven through probe-rs.
    ProbeRs,
    /// The in-process simulated probe.
    Simulated,
    /// A probe on another host, driven by that host's `hil flash` over SSH.
    OverSsh,
}

/// A flasher's probe, chip and permissions, for logs and reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeDescription {
    /// Which kind of probe.
    pub kind: ProbeKind,
    /// The rack's name for the DUT.
    pub dut: String,
    /// `VID:PID[:serial]` for probe-rs, `sim:<dut>` for the simulated probe, `<selector> via
    /// ssh user@host:port` over SSH.
    pub selector: String,
    /// probe-rs target name, e.g. `nRF9160_xxAA`.
    pub chip: String,
    /// Whether a locked (APPROTECT) chip may be erased to unlock it.
    pub allow_erase_all: bool,
}

impl fmt::Display for ProbeDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ProbeKind::ProbeRs => "probe-rs",
            ProbeKind::Simulated => "simulated probe",
            ProbeKind::OverSsh => "probe",
        };
        write!(
            f,
            "{kind} {} -> {} (DUT `{}`",
            self.selector, self.chip, self.dut
        )?;
        if self.allow_erase_all {
            f.write_str(", erase-all allowed")?;
        }
        f.write_str(")")
    }
}

/// What a successful flash did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlashReport {
    /// The rack's name for the DUT.
    pub dut: String,
    /// The image that was flashed.
    pub image: PathBuf,
    /// The id the DUT should now report: the image's fw id, or `sha256:<16 hex>` without one
    /// (see [`FirmwareImage::install_id`]).
    pub installed_id: String,
    /// The `HIL_FW_ID` the image carries, if any.
    pub fw_id: Option<String>,
    /// SHA-256 (hex) of the loadable content.
    pub sha256: String,
    /// How many bytes were programmed.
    pub loadable_bytes: u64,
    /// Final figures per phase, in the order they ran.
    pub phases: Vec<Throughput>,
    /// Whole operation, attach to reset (model time for the simulated probe).
    pub elapsed: Duration,
}

impl FlashReport {
    pub(crate) fn new(
        dut: &str,
        image: &FirmwareImage,
        phases: Vec<Throughput>,
        elapsed: Duration,
    ) -> Self {
        FlashReport {
            dut: dut.to_string(),
            image: image.path().to_path_buf(),
            installed_id: image.install_id(),
            fw_id: image.fw_id().map(str::to_string),
            sha256: image.sha256().to_string(),
            loadable_bytes: image.loadable_bytes(),
            phases,
            elapsed,
        }
    }
}
