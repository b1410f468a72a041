//! What the runner needs from a live DUT session.
//!
//! The lab's board (`hil_lab::Board`: AT console, supply, probe, identity) implements
//! [`DutSession`], recovering a board by power-cycling it through its supply; the runner's own
//! tests use a fake (`hil-testkit`). The runner never touches the hardware itself.

use hil_model::MfwVersion;

/// A DUT the runner can schedule cases on. One case runs on it at a time.
pub trait DutSession: Send {
    /// Why [`DutSession::recover`] failed; the runner turns it (and its causes) into report text.
    type RecoverError: std::error::Error;

    /// The DUT's name from the rack file; the first part of every trial name.
    fn name(&self) -> &str;

    /// The modem firmware read from the DUT (`AT+CGMR`), used to look up expectations.
    /// `None` when it could not be read: then no expectation entry applies.
    fn firmware(&self) -> Option<&MfwVersion>;

    /// Properties recorded with every result of this DUT (see [`props`] for well-known keys).
    fn properties(&self) -> Vec<(String, String)>;

    /// Why the DUT did not come up, if it did not (its bring-up stopped at a fault): none of
    /// its cases is run — each is "not run: the board did not come up: <why>" — and no recovery
    /// is tried. The default: it came up.
    fn bring_up_fault(&self) -> Option<String> {
        None
    }

    /// Brings the DUT back to a known state after a hang or an infrastructure error
    /// (the lab implementation power-cycles the board). `Err` means the DUT is lost: its
    /// remaining cases are reported as errors.
    fn recover(&mut self) -> Result<(), Self::RecoverError>;
}

/// Well-known property keys, so reports can pick them out of [`DutSession::properties`].
pub mod props {
    /// Application firmware (the firmware-under-test id, `#XFWVER`).
    pub const APP_FIRMWARE: &str = "app_firmware";
    /// IMEI, hashed (never the plain IMEI in reports).
    pub const IMEI_HASH: &str = "imei_sha256";
    /// `%HWVERSION`.
    pub const HW_VERSION: &str = "hw_version";
    /// Probe serial number.
    pub const PROBE_SERIAL: &str = "probe_serial";
    /// Supply model and firmware.
    pub const SUPPLY: &str = "supply";
    /// The modem-firmware profile a simulated DUT runs (`mfw_nrf9160_1.3.6`).
    pub const SIM_PROFILE: &str = "simulated_profile";
    /// Where that profile was loaded from: `bundled:<name>`, or the profile file's path as given
    /// (a `--profile-dir` or a rack file's `profile_dirs` entry joined with the file name).
    pub const SIM_PROFILE_SOURCE: &str = "simulated_profile_source";
    /// Set when the `mfw` a report shows was not read from the board but taken from the rack
    /// file's `expected_mfw` (a board that never answered): says so.
    pub const MFW_FROM: &str = "mfw_from";
}
