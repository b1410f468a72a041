//! Errors that stop a whole lab from coming up (per-DUT problems are board faults instead).

use std::path::PathBuf;

/// Why a lab did not come up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    /// The rack file is bad; the message names file, line and field.
    #[error("{0}")]
    Rack(#[from] hil_rack::RackError),
    /// The simulated rack did not start.
    #[error("could not start the simulated rack: {0}")]
    Simulator(#[from] hil_sim::rack::SimError),
    /// A rack entry asks for something the lab cannot do.
    #[error("DUT `{dut}`: {message}")]
    Dut {
        /// The DUT's name.
        dut: String,
        /// What is wrong.
        message: String,
    },
    /// A named firmware image does not exist.
    #[error("firmware image: {0}")]
    ImageMissing(#[from] hil_flash::LocateError),
    /// The firmware image cannot be flashed onto an nRF9160.
    #[error("firmware image: {0}")]
    Image(#[from] hil_flash::ImageError),
    /// A board is leased by another command, or its lease cannot be taken.
    #[error("{0}")]
    Lease(#[from] hil_lease::LeaseError),
    /// The labgrid places could not be held (coordinator down, places busy, ...).
    #[error("{0}")]
    Labgrid(#[from] hil_labgrid::AcquireError),
    /// A labgrid place is not a usable board (a tag or resource missing or malformed).
    #[error("{0}")]
    Place(#[from] hil_labgrid::PlaceError),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
