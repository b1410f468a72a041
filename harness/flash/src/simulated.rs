//! The simulated probe: a [`Flasher`] for the simulated rack.
//!
//! It validates the image exactly like a real flash ([`FirmwareImage`]), reports the same
//! phases as probe-rs (erase, program, verify) with times from a [`ThroughputModel`], then
//! tells the simulated DUT to boot the image's id through [`SimTarget`]. hil-flash does not
//! depend on hil-sim: the glue crate (hil-lab) adapts hil-sim's DUT control to [`SimTarget`].

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::FlashError;
use crate::flasher::{FlashReport, Flasher, ProbeDescription, ProbeKind};
use crate::image::FirmwareImage;
use crate::image::memory_map::{FLASH, FLASH_SECTOR_SIZE};
use crate::probe_rs_flasher::NRF9160_CHIP;
use crate::progress::{FlashEvent, FlashPhase, PhaseTracker};

/// Why a simulated target refused an operation: the target's own error, boxed because this
/// crate does not know the simulator's types.
pub type TargetError = Box<dyn std::error::Error + Send + Sync>;

/// The simulated DUT as the simulated probe sees it.
pub trait SimTarget: Send + Sync {
    /// Install an image: the DUT reboots and reports `fw_id` in its banner and `AT#XFWVER`.
    /// An `Err` (e.g. the DUT is unpowered) fails the flash with that error as its source.
    fn install_image(&self, fw_id: &str) -> Result<(), TargetError>;

    /// Reset the DUT (it reboots the image it has).
    fn reset(&self) -> Result<(), TargetError>;

    /// Whether the simulated chip is locked (APPROTECT), to exercise the erase-all permission.
    /// A flash of a locked chip (when allowed) erases it all before `install_image`; the target
    /// decides whether it stays unlocked afterwards.
    fn approtect_locked(&self) -> bool {
        false
    }
}

/// How fast the simulated probe erases, programs and verifies.
///
/// The default rates are estimates for a J-Link OB on an nRF9160 DK (a 400 KB image takes about
/// 16 s); replace them with rates measured from real flash reports once hardware runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThroughputModel {
    /// Simulated erase speed.
    pub erase_bytes_per_second: f64,
    /// Simulated programming speed.
    pub program_bytes_per_second: f64,
    /// Simulated verify speed.
    pub verify_bytes_per_second: f64,
    /// Zero delay (CI): report the model's times but do not sleep.
    pub fast: bool,
}

impl ThroughputModel {
    /// Estimated real-hardware rates, with real delays.
    pub const REALISTIC: ThroughputModel = ThroughputModel {
        erase_bytes_per_second: 160_000.0,
        program_bytes_per_second: 40_000.0,
        verify_bytes_per_second: 100_000.0,
        fast: false,
    };

    /// The same rates without delays.
    pub const FAST: ThroughputModel = ThroughputModel {
        fast: true,
        ..Self::REALISTIC
    };

    /// Modelled time for `bytes` in `phase` (zero for a non-positive rate).
    pub fn duration(&self, phase: FlashPhase, bytes: u64) -> Duration {
        let rate = match phase {
            FlashPhase::Erase => self.erase_bytes_per_second,
            FlashPhase::Program => self.program_bytes_per_second,
            FlashPhase::Verify => self.verify_bytes_per_second,
        };
        if rate > 0.0 && rate.is_finite() {
            Duration::from_secs_f64(bytes as f64 / rate)
        } else {
            Duration::ZERO
        }
    }
}

impl Default for ThroughputModel {
    fn default() -> Self {
        Self::REALISTIC
    }
}

/// A [`Flasher`] for one simulated DUT.
pub struct SimulatedFlasher {
    dut: String,
    target: Arc<dyn SimTarget>,
    model: ThroughputModel,
    allow_erase_all: bool,
}

impl SimulatedFlasher {
    /// A simulated probe on `target`, timed by `model`, erase-all not allowed.
    pub fn new(dut: impl Into<String>, target: Arc<dyn SimTarget>, model: ThroughputModel) -> Self {
        SimulatedFlasher {
            dut: dut.into(),
            target,
            model,
            allow_erase_all: false,
        }
    }

    /// Mirror the rack's `allow_erase_all` for this DUT.
    #[must_use]
    pub fn with_allow_erase_all(mut self, allow: bool) -> Self {
        self.allow_erase_all = allow;
        self
    }

    /// The throughput model this flasher times its phases with.
    pub fn model(&self) -> &ThroughputModel {
        &self.model
    }

    /// Runs one phase over `bytes` in sector-sized steps; returns its modelled time.
    fn run_phase(
        &self,
        tracker: &mut PhaseTracker,
        phase: FlashPhase,
        bytes: u64,
        progress: &mut dyn FnMut(&FlashEvent),
    ) -> Duration {
        tracker.add_total(phase, Some(bytes));
        if let Some(started) = tracker.start(phase) {
            progress(&started);
        }
        let mut done = 0;
        let mut elapsed = Duration::ZERO;
        while done < bytes {
            let step = (bytes - done).min(FLASH_SECTOR_SIZE);
            let took = self.model.duration(phase, step);
            if !self.model.fast {
                std::thread::sleep(took);
            }
            done += step;
            elapsed += took;
            progress(&tracker.advance(phase, step, elapsed));
        }
        progress(&tracker.finish(phase, elapsed));
        elapsed
    }
}

impl Flasher for SimulatedFlasher {
    fn describe(&self) -> ProbeDescription {
        ProbeDescription {
            kind: ProbeKind::Simulated,
            dut: self.dut.clone(),
            selector: format!("sim:{}", self.dut),
            chip: NRF9160_CHIP.to_string(),
            allow_erase_all: self.allow_erase_all,
        }
    }

    fn flash(
        &mut self,
        image: &FirmwareImage,
        progress: &mut dyn FnMut(&FlashEvent),
    ) -> Result<FlashReport, FlashError> {
        // Read the file again, as probe-rs would: catches an image that changed or vanished.
        let image = FirmwareImage::load(image.path())?;

        let erase_all = self.target.approtect_locked();
        if erase_all && !self.allow_erase_all {
            return Err(FlashError::Locked {
                dut: self.dut.clone(),
                chip: NRF9160_CHIP.to_string(),
            });
        }
        // Unlocking erases the whole flash; UICR images need a chip erase as on hardware.
        let erase_bytes = if erase_all || image.touches_uicr() {
            FLASH.end - FLASH.start
        } else {
            image.erase_footprint()
        };

        let mut tracker = PhaseTracker::new();
        let mut elapsed = Duration::ZERO;
        elapsed += self.run_phase(&mut tracker, FlashPhase::Erase, erase_bytes, progress);
        let bytes = image.loadable_bytes();
        elapsed += self.run_phase(&mut tracker, FlashPhase::Program, bytes, progress);
        elapsed += self.run_phase(&mut tracker, FlashPhase::Verify, bytes, progress);

        let id = image.install_id();
        tracing::info!(dut = %self.dut, fw_id = %id, "simulated flash: installing image");
        self.target
            .install_image(&id)
            .map_err(|source| FlashError::Simulated {
                dut: self.dut.clone(),
                operation: "install the image",
                source,
            })?;
        Ok(FlashReport::new(
            &self.dut,
            &image,
            tracker.summary(),
            elapsed,
        ))
    }

    fn reset(&mut self) -> Result<(), FlashError> {
        self.target.reset().map_err(|source| FlashError::Simulated {
            dut: self.dut.clone(),
            operation: "reset",
            source,
        })
    }
}
