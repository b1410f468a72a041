//! Errors that stop a whole lab from coming up (per-DUT problems are board faults instead).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LabError {
    /// The rack file is bad; the message names file, line and field.
    #[error("{0}")]
    Rack(#[from] hil_rack::RackError),
    #[error("could not start the simulated rack: {0}")]
    Simulator(String),
    #[error("DUT `{dut}`: {message}")]
    Dut { dut: String, message: String },
    #[error("firmware image: {0}")]
    Image(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}
