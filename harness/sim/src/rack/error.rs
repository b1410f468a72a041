//! Why a simulated rack did not start: each error names the board and what is wrong with it.

use std::io;

use crate::profile::ProfileError;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("sim DUT `{dut}`: unknown profile `{profile}` (known: {})", known.join(", "))]
    UnknownProfile {
        dut: String,
        profile: String,
        known: Vec<String>,
    },
    #[error("sim DUT `{dut}`: {what}")]
    InvalidDut { dut: String, what: String },
    #[error("sim DUT name `{0}` is used by more than one board")]
    DuplicateName(String),
    #[error("loading modem profiles: {0}")]
    Profiles(#[from] ProfileError),
    #[error("sim DUT `{dut}`: cannot start its {what}: {source}")]
    Start {
        dut: String,
        what: &'static str,
        source: io::Error,
    },
}
