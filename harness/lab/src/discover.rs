//! Rack discovery: the consoles in a directory of stable port paths (`/dev/serial/by-id` on
//! a rack host) asked who they are — modem firmware (`AT+CGMR`), IMEI (`AT+CGSN`) and the
//! firmware-under-test id — paired with the debug probes probe-rs lists, and a rack file
//! skeleton written from the answers, every guess marked by a comment. A port that does not
//! answer AT is listed in a comment, not dropped.
//!
//! - [`pairing`]: which probe each port belongs to (pure, over probes and ports);
//! - [`usb`]: the USB serial number behind each port, as the system reports it;
//! - [`skeleton`]: the rack file written from the answers and the pairing.

pub mod pairing;
pub mod skeleton;
pub mod usb;

pub use pairing::{Pairing, PortUsb, ProbeMatch, pair};
pub use skeleton::rack_skeleton;

use std::path::{Path, PathBuf};
use std::time::Duration;

use hil_at::{AtClient, ClientConfig};
use hil_model::MfwVersion;

/// What one port answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortAnswer {
    /// A console that answered `AT+CGMR`.
    Board {
        /// The port's path (as found in the directory).
        port: PathBuf,
        /// `AT+CGMR`, verbatim, and parsed when it follows the MFW grammar.
        revision: String,
        /// The revision parsed, when it follows the MFW grammar.
        mfw: Option<MfwVersion>,
        /// `AT+CGSN`, when the modem has one.
        imei: Option<String>,
        /// The firmware-under-test id, when the console answers it.
        firmware_id: Option<String>,
    },
    /// No usable answer.
    Silent {
        /// The port's path (as found in the directory).
        port: PathBuf,
        /// Why: cannot open, no answer, not AT.
        why: String,
    },
}

impl PortAnswer {
    /// The port's path (as found in the directory).
    pub fn port(&self) -> &Path {
        match self {
            PortAnswer::Board { port, .. } | PortAnswer::Silent { port, .. } => port,
        }
    }
}

/// Asks every entry of `dir` (sorted by name), each with `timeout` per command, in parallel.
pub fn discover(dir: &Path, baud: u32, timeout: Duration) -> std::io::Result<Vec<PortAnswer>> {
    let mut ports: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    ports.sort();
    Ok(std::thread::scope(|scope| {
        let handles: Vec<_> = ports
            .into_iter()
            .map(|port| scope.spawn(move || ask(port, baud, timeout)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("asking a port does not panic"))
            .collect()
    }))
}

fn ask(port: PathBuf, baud: u32, timeout: Duration) -> PortAnswer {
    let config = ClientConfig {
        timeout,
        ..ClientConfig::default()
    };
    let silent = |why: String| PortAnswer::Silent {
        port: port.clone(),
        why,
    };
    let mut at = match AtClient::open_with(&port, baud, config) {
        Ok(at) => at,
        Err(e) => return silent(format!("cannot open: {e}")),
    };
    let revision = match at.cgmr() {
        Ok(revision) => revision,
        Err(e) => return silent(format!("no answer to AT+CGMR: {e}")),
    };
    PortAnswer::Board {
        mfw: MfwVersion::parse(&revision).ok(),
        revision,
        imei: at.imei().ok(),
        firmware_id: at.firmware_id().ok(),
        port,
    }
}
