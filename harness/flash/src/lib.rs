//! hil-flash: putting firmware onto a DUT.
//!
//! - [`Flasher`] — the interface the harness flashes and resets DUTs through
//!   ([`flasher`]), with progress as [`FlashEvent`]s carrying throughput ([`progress`]).
//! - [`ProbeRsFlasher`] — real hardware through probe-rs 0.32 ([`probe_rs_flasher`]); probes
//!   are selected by `VID:PID[:serial]` and listed with [`list_probes`] ([`probes`]).
//! - [`SimulatedFlasher`] — the simulated rack's probe ([`simulated`]), driving a
//!   [`SimTarget`] so this crate does not depend on hil-sim; [`TcpSimTarget`] reaches a
//!   simulated board's probe endpoint over TCP ([`sim_probe`]).
//! - [`SshFlasher`] — a probe on another host (a labgrid exporter), driven by that host's
//!   `hil flash --probe` over SSH ([`ssh`]), with its progress protocol in [`remote`].
//! - [`flasher_for_probe`] — the flasher a [`ProbeSelector`] names ([`select`]).
//! - [`FirmwareImage`] — ELF/HEX validation against the nRF9160 memory map, content digest and
//!   firmware id ([`image`]); used by both flashers.
//! - [`locate_image_from`] and [`should_flash`] — which image, and whether flashing is needed
//!   ([`locate`]).
//! - Errors ([`error`]): [`ImageError`], [`FlashError`], [`LocateError`].

#![warn(missing_docs)]

pub mod error;
pub mod flasher;
pub mod image;
pub mod locate;
pub mod probe_rs_flasher;
pub mod probes;
pub mod progress;
pub mod remote;
pub mod select;
pub mod sim_probe;
pub mod simulated;
pub mod ssh;

pub use error::{FlashError, ImageError, LocateError};
pub use flasher::{FlashReport, Flasher, ProbeDescription, ProbeKind};
pub use image::memory_map::RegionKind;
pub use image::{FW_ID_SYMBOL, FirmwareImage, ImageFormat, LoadSegment};
pub use locate::{
    CI_BUILD_OUTPUT, FUT_ELF_ENV, FlashDecision, ImageSource, LocatedImage, flash_decision,
    locate_image_from, no_image_reason, should_flash,
};
pub use probe_rs_flasher::{NRF9160_CHIP, ProbeRsConfig, ProbeRsFlasher};
pub use probes::{
    ProbeInfo, ProbeSelector, ProbeSelectorError, SimProbeAddress, UsbProbeSelector, list_probes,
};
pub use progress::{FlashEvent, FlashPhase, Throughput};
pub use remote::{RemoteFailed, RemoteFailure, RemoteLine};
pub use select::flasher_for_probe;
pub use sim_probe::{SimProbeError, TcpSimTarget};
pub use simulated::{SimTarget, SimulatedFlasher, TargetError, ThroughputModel};
pub use ssh::{SshFlashConfig, SshFlasher, SshLogin};
