//! Opening the console port: exclusive, raw, input flushed, errors that name the path.
//!
//! Works the same on hardware (`/dev/ttyACM0`, `/dev/serial/by-id/...`), on the simulated
//! rack's pseudo-terminals, where the modem-control ioctls (DTR/RTS) fail with ENOTTY: those are
//! best-effort and never fatal, and over the network (`rfc2217://host:port`, e.g. a labgrid
//! place's console, or `tcp://host:port`), through `hil_rfc2217::open_serial_with`.

use std::io;
use std::path::Path;
use std::time::Duration;

use hil_rfc2217::{PortSpec, SerialConfig, open_serial_with};
use serialport::{ClearBuffer, SerialPort};

use crate::error::AtError;

/// Opens `path` at `baud` for the AT client.
///
/// The port is opened exclusively (a second client gets [`AtError::PortBusy`]); DTR is asserted
/// where the device supports it; bytes already waiting (the tail of a boot banner, output for a
/// previous client) are discarded.
pub fn open(path: &Path, baud: u32) -> Result<Box<dyn SerialPort>, AtError> {
    let shown = path.display().to_string();
    let spec = PortSpec::parse(&shown).map_err(|e| AtError::PortOpen {
        path: shown.clone(),
        detail: e.to_string(),
    })?;
    if let (PortSpec::Device(_), Err(e)) = (&spec, std::fs::metadata(path)) {
        return Err(match e.kind() {
            io::ErrorKind::NotFound => AtError::PortMissing { path: shown },
            _ => AtError::PortOpen {
                path: shown,
                detail: e.to_string(),
            },
        });
    }
    let config = SerialConfig::new(baud)
        .timeout(Duration::from_millis(100))
        .dtr_on_open(true);
    let port = open_serial_with(&spec, &config).map_err(|e| open_error(&shown, e))?;
    // Best effort: ptys refuse modem-control ioctls with ENOTTY.
    let _ = port.clear(ClearBuffer::Input);
    Ok(port)
}

fn open_error(path: &str, e: serialport::Error) -> AtError {
    use serialport::ErrorKind as K;
    let detail = e.description.clone();
    match e.kind {
        K::NoDevice => AtError::PortBusy {
            path: path.to_string(),
            detail,
        },
        K::Io(io::ErrorKind::NotFound) => AtError::PortMissing {
            path: path.to_string(),
        },
        K::Io(io::ErrorKind::PermissionDenied) => AtError::PortOpen {
            path: path.to_string(),
            detail: format!("{detail} (is the user in the dialout group?)"),
        },
        _ => AtError::PortOpen {
            path: path.to_string(),
            detail,
        },
    }
}
