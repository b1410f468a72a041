//! Errors that stop a whole lab from coming up (per-DUT problems are board faults instead).
//! Each message is bounded like a per-case message ([`hil_runner::bound`]): whatever a file,
//! a simulator or a coordinator said, the terminal gets a few KB.

use std::fmt;
use std::path::PathBuf;

/// `args` as text, bounded with [`hil_runner::bound::bounded_message`].
fn bound(args: fmt::Arguments<'_>) -> String {
    hil_runner::bound::bounded_message(&args.to_string())
}

/// Why a lab did not come up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    /// The rack file is bad; the message names file, line and field.
    #[error("{}", bound(format_args!("{}", .0)))]
    Rack(#[from] hil_rack::RackError),
    /// The simulated rack did not start.
    #[error("{}", bound(format_args!("could not start the simulated rack: {}", .0)))]
    Simulator(#[from] hil_sim::rack::SimError),
    /// A rack entry asks for something the lab cannot do.
    #[error("{}", bound(format_args!("DUT `{}`: {}", .dut, .message)))]
    Dut {
        /// The DUT's name.
        dut: String,
        /// What is wrong.
        message: String,
    },
    /// A named firmware image does not exist.
    #[error("{}", bound(format_args!("firmware image: {}", .0)))]
    ImageMissing(#[from] hil_flash::LocateError),
    /// The firmware image cannot be flashed onto an nRF9160.
    #[error("{}", bound(format_args!("firmware image: {}", .0)))]
    Image(#[from] hil_flash::ImageError),
    /// A board is leased by another command, or its lease cannot be taken.
    #[error("{}", bound(format_args!("{}", .0)))]
    Lease(#[from] hil_lease::LeaseError),
    /// The labgrid places could not be held (coordinator down, places busy, ...).
    #[error("{}", bound(format_args!("{}", .0)))]
    Labgrid(#[from] hil_labgrid::AcquireError),
    /// A labgrid place is not a usable board (a tag or resource missing or malformed).
    #[error("{}", bound(format_args!("{}", .0)))]
    Place(#[from] hil_labgrid::PlaceError),
    /// A file could not be read.
    #[error("{}", bound(format_args!("cannot read {}: {}", .path.display(), .source)))]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}
