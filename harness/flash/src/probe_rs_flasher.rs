//! The hardware flasher: probe-rs 0.32 as a library.
//!
//! Every operation opens the probe and attaches afresh, because racks power-cycle DUTs between
//! cases and a cached session would be stale. The steps, each with its own error:
//! 1. list the probes matching the DUT's selector (none → [`FlashError::NoProbe`] listing the
//!    probes that *are* attached; several → [`FlashError::AmbiguousProbe`]);
//! 2. open it (`Lister::open`) and attach to the chip, with `Permissions::allow_erase_all`
//!    only when the rack allows it (locked without it → [`FlashError::Locked`]);
//! 3. check FICR `INFO.PART` against the chip name (→ [`FlashError::WrongChip`]);
//! 4. `download_file_with_options` with `verify = true` (a chip erase when the image writes
//!    UICR), progress mapped to [`FlashEvent`]s; then `core(0).reset()`.

use std::error::Error as StdError;
use std::time::{Duration, Instant};

use hil_rack::DutSpec;
use probe_rs::architecture::arm::ArmError;
use probe_rs::flashing::{
    self, DownloadOptions, ElfLoader, ElfOptions, FileDownloadError, FlashProgress, HexLoader,
    ProgressEvent, ProgressOperation,
};
use probe_rs::probe::list::Lister;
use probe_rs::probe::{DebugProbeError, ProbeCreationError};
use probe_rs::{MemoryInterface, Permissions, Session};

use crate::error::FlashError;
use crate::flasher::{FlashReport, Flasher, ProbeDescription, ProbeKind};
use crate::image::{FirmwareImage, ImageFormat};
use crate::probes::{UsbProbeSelector, list_probes, matching_probes, to_probe_rs};
use crate::progress::{FlashEvent, FlashPhase, PhaseTracker};

/// probe-rs target name of the nRF9160 (SiP revisions B0/B1).
pub const NRF9160_CHIP: &str = "nRF9160_xxAA";

/// FICR `INFO.PART` on nRF91 parts (probe-rs `nRF91_Series.yaml`).
const FICR_INFO_PART: u64 = 0x00FF_0140;

/// Which probe and chip a [`ProbeRsFlasher`] drives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeRsConfig {
    /// The rack's name for the DUT (used in messages).
    pub dut: String,
    /// Which probe belongs to the DUT.
    pub selector: UsbProbeSelector,
    /// probe-rs target name; [`NRF9160_CHIP`] by default.
    pub chip: String,
    /// The rack's `allow_erase_all`: may a locked chip be erased to unlock it?
    pub allow_erase_all: bool,
}

impl ProbeRsConfig {
    /// An nRF9160 behind `selector`, erase-all not allowed.
    pub fn new(dut: impl Into<String>, selector: UsbProbeSelector) -> Self {
        ProbeRsConfig {
            dut: dut.into(),
            selector,
            chip: NRF9160_CHIP.to_string(),
            allow_erase_all: false,
        }
    }

    /// The config of a rack-file DUT: its USB probe selector and `allow_erase_all`; `None` when
    /// the DUT has no USB probe (none, or a simulated one).
    pub fn from_dut(dut: &DutSpec) -> Option<Self> {
        let selector = dut.probe.as_ref()?.usb()?.clone();
        Some(Self::new(dut.name.clone(), selector).with_allow_erase_all(dut.allow_erase_all))
    }

    #[must_use]
    /// Sets whether a locked chip may be erased to unlock it.
    pub fn with_allow_erase_all(mut self, allow: bool) -> Self {
        self.allow_erase_all = allow;
        self
    }
}

/// A [`Flasher`] over a real debug probe.
#[derive(Debug, Clone)]
pub struct ProbeRsFlasher {
    config: ProbeRsConfig,
}

impl ProbeRsFlasher {
    /// A flasher for the probe and chip of `config`.
    pub fn new(config: ProbeRsConfig) -> Self {
        ProbeRsFlasher { config }
    }

    /// The probe and chip this flasher drives.
    pub fn config(&self) -> &ProbeRsConfig {
        &self.config
    }

    /// Opens the DUT's probe, attaches to the chip and checks it is the configured one.
    ///
    /// Public so the harness can reuse a session (e.g. for RTT); the flasher itself attaches
    /// per operation.
    pub fn attach(&self) -> Result<Session, FlashError> {
        let config = &self.config;
        let lister = Lister::new();
        let selector = config.selector.to_string();

        let matches = matching_probes(&lister, &config.selector);
        match matches.as_slice() {
            [] => return Err(self.no_probe()),
            [only] if !only.accessible => {
                return Err(FlashError::ProbePermission {
                    dut: config.dut.clone(),
                    selector,
                });
            }
            [_] => {}
            _ => {
                return Err(FlashError::AmbiguousProbe {
                    dut: config.dut.clone(),
                    selector,
                    matches,
                });
            }
        }

        let probe = lister
            .open(to_probe_rs(&config.selector))
            .map_err(|e| self.open_error(e))?;
        let permissions = if config.allow_erase_all {
            Permissions::new().allow_erase_all()
        } else {
            Permissions::new()
        };
        let mut session = probe
            .attach(config.chip.as_str(), permissions)
            .map_err(|e| self.attach_error(e))?;
        self.check_chip(&mut session)?;
        Ok(session)
    }

    fn no_probe(&self) -> FlashError {
        FlashError::NoProbe {
            dut: self.config.dut.clone(),
            selector: self.config.selector.to_string(),
            attached: list_probes(),
        }
    }

    fn probe_error(
        &self,
        operation: &'static str,
        source: impl StdError + Send + Sync + 'static,
    ) -> FlashError {
        FlashError::Probe {
            dut: self.config.dut.clone(),
            operation,
            source: Box::new(source),
        }
    }

    fn open_error(&self, error: DebugProbeError) -> FlashError {
        match error {
            DebugProbeError::ProbeCouldNotBeCreated(ProbeCreationError::NotFound) => {
                self.no_probe()
            }
            other => self.probe_error("open the debug probe", other),
        }
    }

    fn attach_error(&self, error: probe_rs::Error) -> FlashError {
        let config = &self.config;
        if is_missing_erase_permission(&error) {
            return FlashError::Locked {
                dut: config.dut.clone(),
                chip: config.chip.clone(),
            };
        }
        match error {
            probe_rs::Error::ChipNotFound(e) => FlashError::UnknownChip {
                dut: config.dut.clone(),
                chip: config.chip.clone(),
                detail: e.to_string(),
            },
            probe_rs::Error::Probe(DebugProbeError::TargetNotFound)
            | probe_rs::Error::Arm(ArmError::Probe(DebugProbeError::TargetNotFound)) => {
                FlashError::TargetNotFound {
                    dut: config.dut.clone(),
                    selector: config.selector.to_string(),
                    detail: error.to_string(),
                }
            }
            other => self.probe_error("attach to the chip", other),
        }
    }

    /// Compares FICR `INFO.PART` with the part number in the chip name (`nRF9160_xxAA` →
    /// 0x9160). A failed read is logged, not fatal: attach already talked to the chip.
    fn check_chip(&self, session: &mut Session) -> Result<(), FlashError> {
        let Some(expected) = expected_part(&self.config.chip) else {
            return Ok(());
        };
        let mut core = session
            .core(0)
            .map_err(|e| self.probe_error("select core 0", e))?;
        match core.read_word_32(FICR_INFO_PART) {
            Ok(part) if part == expected => Ok(()),
            Ok(part) => Err(FlashError::WrongChip {
                dut: self.config.dut.clone(),
                expected: format!("{} (FICR INFO.PART {expected:#x})", self.config.chip),
                found: describe_part(part),
            }),
            Err(e) => {
                tracing::warn!(dut = %self.config.dut, error = %e, "cannot read FICR INFO.PART; chip not checked");
                Ok(())
            }
        }
    }

    fn download(
        &self,
        session: &mut Session,
        image: &FirmwareImage,
        tracker: &mut ProbeRsProgress<'_>,
    ) -> Result<(), FileDownloadError> {
        let mut options = DownloadOptions::default();
        options.verify = true;
        // UICR can only be erased by erasing the whole chip on the nRF9160.
        options.do_chip_erase = image.touches_uicr();
        options.progress = FlashProgress::new(|event| tracker.on_event(event));
        match image.format() {
            ImageFormat::Elf => flashing::download_file_with_options(
                session,
                image.path(),
                ElfLoader(ElfOptions::default()),
                options,
            ),
            ImageFormat::Hex => {
                flashing::download_file_with_options(session, image.path(), HexLoader, options)
            }
        }
    }

    fn download_error(&self, image: &FirmwareImage, error: FileDownloadError) -> FlashError {
        match error {
            FileDownloadError::Flash(flashing::FlashError::Verify) => FlashError::VerifyFailed {
                dut: self.config.dut.clone(),
                image: image.path().to_path_buf(),
            },
            FileDownloadError::IO(source) => FlashError::Io {
                doing: format!("reading {}", image.path().display()),
                source,
            },
            other => self.probe_error("download the image", other),
        }
    }
}

impl Flasher for ProbeRsFlasher {
    fn describe(&self) -> ProbeDescription {
        ProbeDescription {
            kind: ProbeKind::ProbeRs,
            dut: self.config.dut.clone(),
            selector: self.config.selector.to_string(),
            chip: self.config.chip.clone(),
            allow_erase_all: self.config.allow_erase_all,
        }
    }

    fn flash(
        &mut self,
        image: &FirmwareImage,
        progress: &mut dyn FnMut(&FlashEvent),
    ) -> Result<FlashReport, FlashError> {
        let started = Instant::now();
        // Validate the file probe-rs is about to read, with our clearer errors.
        let image = FirmwareImage::load(image.path())?;
        let mut session = self.attach()?;

        let mut tracker = ProbeRsProgress::new(progress);
        let result = self.download(&mut session, &image, &mut tracker);
        result.map_err(|e| self.download_error(&image, e))?;

        session
            .core(0)
            .and_then(|mut core| core.reset())
            .map_err(|e| self.probe_error("reset the core after flashing", e))?;
        Ok(FlashReport::new(
            &self.config.dut,
            &image,
            tracker.tracker.summary(),
            started.elapsed(),
        ))
    }

    fn reset(&mut self) -> Result<(), FlashError> {
        let mut session = self.attach()?;
        session
            .core(0)
            .and_then(|mut core| core.reset())
            .map_err(|e| self.probe_error("reset the core", e))
    }
}

/// Maps probe-rs `ProgressEvent`s to [`FlashEvent`]s, timing each phase by wall clock.
/// `Fill` (reading back sectors to keep unwritten bytes) is not reported: the flasher does not
/// ask for it.
struct ProbeRsProgress<'a> {
    sink: &'a mut dyn FnMut(&FlashEvent),
    tracker: PhaseTracker,
    /// Per phase: time accumulated over finished runs, and the start of the current run.
    clocks: [(Duration, Option<Instant>); 3],
}

impl<'a> ProbeRsProgress<'a> {
    fn new(sink: &'a mut dyn FnMut(&FlashEvent)) -> Self {
        ProbeRsProgress {
            sink,
            tracker: PhaseTracker::new(),
            clocks: [(Duration::ZERO, None); 3],
        }
    }

    fn elapsed(&self, phase: FlashPhase) -> Duration {
        let (done, running) = self.clocks[clock_index(phase)];
        done + running.map_or(Duration::ZERO, |start| start.elapsed())
    }

    fn on_event(&mut self, event: ProgressEvent) {
        let mapped = match event {
            ProgressEvent::AddProgressBar { operation, total } => {
                if let Some(phase) = phase_of(operation) {
                    self.tracker.add_total(phase, total);
                }
                None
            }
            ProgressEvent::Started(operation) => phase_of(operation).and_then(|phase| {
                self.clocks[clock_index(phase)].1 = Some(Instant::now());
                self.tracker.start(phase)
            }),
            ProgressEvent::Progress {
                operation, size, ..
            } => phase_of(operation)
                .map(|phase| self.tracker.advance(phase, size, self.elapsed(phase))),
            ProgressEvent::Finished(operation) => phase_of(operation).map(|phase| {
                let elapsed = self.elapsed(phase);
                self.clocks[clock_index(phase)] = (elapsed, None);
                self.tracker.finish(phase, elapsed)
            }),
            ProgressEvent::Failed(operation) => {
                phase_of(operation).and_then(|phase| self.tracker.fail(phase, self.elapsed(phase)))
            }
            ProgressEvent::DiagnosticMessage { message } => {
                Some(FlashEvent::Message { text: message })
            }
            ProgressEvent::FlashLayoutReady { .. } => None,
        };
        if let Some(event) = mapped {
            (self.sink)(&event);
        }
    }
}

fn phase_of(operation: ProgressOperation) -> Option<FlashPhase> {
    match operation {
        ProgressOperation::Erase => Some(FlashPhase::Erase),
        ProgressOperation::Program => Some(FlashPhase::Program),
        ProgressOperation::Verify => Some(FlashPhase::Verify),
        ProgressOperation::Fill => None,
    }
}

fn clock_index(phase: FlashPhase) -> usize {
    FlashPhase::ALL
        .iter()
        .position(|&p| p == phase)
        .unwrap_or(0)
}

/// The FICR part number a Nordic chip name implies: `nRF9160_xxAA` → 0x9160.
fn expected_part(chip: &str) -> Option<u32> {
    let digits = chip.strip_prefix("nRF")?.split('_').next()?;
    u32::from_str_radix(digits, 16).ok()
}

/// A FICR `INFO.PART` value as a chip name where it looks like one.
fn describe_part(part: u32) -> String {
    match part {
        0xFFFF_FFFF | 0 => format!("no part number (FICR INFO.PART reads {part:#x})"),
        _ => format!("nRF{part:X} (FICR INFO.PART {part:#x})"),
    }
}

/// Whether attaching failed because unlocking needs the erase-all permission; looks through
/// the error's source chain so wrapping by probe-rs does not hide it.
fn is_missing_erase_permission(error: &probe_rs::Error) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(e) = current {
        let missing = matches!(
            e.downcast_ref::<probe_rs::Error>(),
            Some(probe_rs::Error::MissingPermissions(_))
        ) || matches!(
            e.downcast_ref::<ArmError>(),
            Some(ArmError::MissingPermissions(_))
        );
        if missing {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_numbers_from_chip_names() {
        assert_eq!(expected_part("nRF9160_xxAA"), Some(0x9160));
        assert_eq!(expected_part("nRF9161_xxAA"), Some(0x9161));
        assert_eq!(expected_part("STM32F4"), None);
        assert_eq!(describe_part(0x9161), "nRF9161 (FICR INFO.PART 0x9161)");
        assert!(describe_part(0xFFFF_FFFF).starts_with("no part number"));
    }

    #[test]
    fn missing_permission_is_found_in_the_chain() {
        let locked = probe_rs::Error::Arm(ArmError::MissingPermissions("erase_all".into()));
        assert!(is_missing_erase_permission(&locked));
        let top = probe_rs::Error::MissingPermissions("erase_all".into());
        assert!(is_missing_erase_permission(&top));
        assert!(!is_missing_erase_permission(&probe_rs::Error::Timeout));
    }

    #[test]
    fn progress_events_map_to_phases_with_totals() {
        let mut seen = Vec::new();
        let mut sink = |e: &FlashEvent| seen.push(e.clone());
        let mut p = ProbeRsProgress::new(&mut sink);
        p.on_event(ProgressEvent::AddProgressBar {
            operation: ProgressOperation::Program,
            total: Some(8192),
        });
        p.on_event(ProgressEvent::AddProgressBar {
            operation: ProgressOperation::Fill,
            total: Some(4096),
        });
        p.on_event(ProgressEvent::Started(ProgressOperation::Program));
        p.on_event(ProgressEvent::Progress {
            operation: ProgressOperation::Program,
            size: 4096,
            time: Duration::from_millis(50),
        });
        p.on_event(ProgressEvent::Started(ProgressOperation::Fill));
        p.on_event(ProgressEvent::Finished(ProgressOperation::Program));
        p.on_event(ProgressEvent::DiagnosticMessage {
            message: "hi".into(),
        });
        drop(p);
        assert!(matches!(
            seen[0],
            FlashEvent::Started {
                phase: FlashPhase::Program,
                total_bytes: Some(8192)
            }
        ));
        let FlashEvent::Progress(t) = &seen[1] else {
            panic!("{seen:?}")
        };
        assert_eq!((t.bytes, t.total_bytes), (4096, Some(8192)));
        assert!(matches!(&seen[2], FlashEvent::Finished(t) if t.bytes == 4096));
        assert!(matches!(&seen[3], FlashEvent::Message { text } if text == "hi"));
        assert_eq!(seen.len(), 4, "Fill is not reported: {seen:?}");
    }
}
