//! Why a simulated rack did not start: each error names the board and what is wrong with it.

use std::io;
use std::path::PathBuf;

use crate::profile::ProfileError;

#[derive(Debug, thiserror::Error)]
/// Why a simulated rack could not be set up or started.
#[non_exhaustive]
pub enum SimError {
    #[error("sim DUT `{dut}`: unknown profile `{profile}` (known: {})", known.join(", "))]
    /// A board names a profile that does not exist.
    UnknownProfile {
        /// The board's name.
        dut: String,
        /// The profile named.
        profile: String,
        /// The profiles there are.
        known: Vec<String>,
    },
    #[error("sim DUT `{dut}`: {what}")]
    /// A board's configuration is invalid.
    InvalidDut {
        /// The board's name.
        dut: String,
        /// What is wrong, or what could not be started.
        what: String,
    },
    #[error("sim DUT name `{0}` is used by more than one board")]
    /// Two boards have the same name.
    DuplicateName(String),
    #[error(
        "modem profile `{profile}` is defined in two profile directories: {} and {} (keep one)",
        first.display(),
        second.display()
    )]
    /// Two profile directories hold a profile of the same firmware.
    ProfileTwice {
        /// The profile's name.
        profile: String,
        /// The file read first.
        first: PathBuf,
        /// The other file.
        second: PathBuf,
    },
    #[error("loading modem profiles: {0}")]
    /// The modem profiles could not be loaded.
    Profiles(#[from] ProfileError),
    #[error("sim DUT `{dut}`: cannot start its {what}: {source}")]
    /// A board's port or thread could not be started.
    Start {
        /// The board's name.
        dut: String,
        /// What is wrong, or what could not be started.
        what: &'static str,
        /// The I/O error.
        source: io::Error,
    },
}
