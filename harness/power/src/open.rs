//! From a rack file's supply entry to a connected driver.

use std::time::Duration;

use hil_rack::{SupplyDriver, SupplySpec};

use crate::current::Polled;
use crate::error::PowerError;
use crate::korad::{self, KoradOptions, KoradSupply};
use crate::ppk2::Ppk2Supply;
use crate::scpi::driver::ScpiOptions;
use crate::scpi::{ScpiSupply, table};
use crate::supply::PowerSupply;
use crate::transport::{SerialSettings, SerialTransport, TcpTransport, Transport};

/// Default baud rates of the serial drivers when the rack file gives none.
pub const KORAD_BAUD: u32 = 9600;
/// Default baud rate of a PPK2.
pub const PPK2_BAUD: u32 = 115_200;

/// Knobs beyond the rack file, mostly for tests and slow links.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OpenOptions {
    /// Deadline of one query (and of connecting).
    pub timeout: Duration,
    /// Overrides the model's minimum time between writes.
    pub pacing: Option<Duration>,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            timeout: Duration::from_secs(2),
            pacing: None,
        }
    }
}

/// Opens the supply a rack file describes.
pub fn open(spec: &SupplySpec) -> Result<Box<dyn PowerSupply>, PowerError> {
    open_with(spec, OpenOptions::default())
}

/// [`open`] with explicit timeouts and pacing.
pub fn open_with(
    spec: &SupplySpec,
    options: OpenOptions,
) -> Result<Box<dyn PowerSupply>, PowerError> {
    let open_err = |reason: String| PowerError::Open {
        address: spec.address.clone(),
        reason,
    };
    match spec.driver {
        SupplyDriver::ScpiTcp => {
            let model = spec.model.unwrap_or_default();
            let (host, port) = spec
                .tcp_endpoint()
                .ok_or_else(|| open_err("not a host[:port] address".into()))?;
            let t = TcpTransport::connect(&host, port, options.timeout)
                .map_err(|e| open_err(e.to_string()))?;
            let opts = ScpiOptions {
                timeout: options.timeout,
                pacing: options.pacing,
                serial: false,
            };
            let driver = ScpiSupply::new(Box::new(t), model, spec.channel, opts)?;
            Ok(polled(Box::new(driver), spec))
        }
        SupplyDriver::ScpiSerial => {
            let model = spec.model.unwrap_or_default();
            let t = table(model);
            let settings = SerialSettings {
                baud: spec.baud.unwrap_or(t.serial_baud),
                two_stop_bits: t.serial_two_stop_bits,
                assert_dtr: true,
            };
            let opts = ScpiOptions {
                timeout: options.timeout,
                pacing: options.pacing,
                serial: true,
            };
            let port = serial(&spec.address, settings).map_err(open_err)?;
            let driver = ScpiSupply::new(port, model, spec.channel, opts)?;
            Ok(polled(Box::new(driver), spec))
        }
        SupplyDriver::Korad => {
            let settings = SerialSettings {
                baud: spec.baud.unwrap_or(KORAD_BAUD),
                ..SerialSettings::default()
            };
            let port = serial(&spec.address, settings).map_err(open_err)?;
            let opts = KoradOptions {
                timeout: options.timeout,
                pacing: options.pacing.unwrap_or(korad::DEFAULT_PACING),
            };
            Ok(polled(
                Box::new(KoradSupply::new(port, spec.channel, opts)),
                spec,
            ))
        }
        SupplyDriver::Ppk2 => {
            let settings = SerialSettings {
                baud: spec.baud.unwrap_or(PPK2_BAUD),
                ..SerialSettings::default()
            };
            let port = serial(&spec.address, settings).map_err(open_err)?;
            Ok(Box::new(Ppk2Supply::new(port, options.timeout)?))
        }
    }
}

/// How often a supply without a sample stream is asked for its current while a case records:
/// the model's practical rate. INFERRED from each link's round trip, not from datasheets: a
/// SCPI query over TCP answers in a few milliseconds (20 readings/s leave the link free for the
/// case's own commands); over RS-232 (an E3631A answers in ~40 ms) and on a Korad (80 ms
/// between commands) 4 readings/s.
pub fn poll_interval(spec: &SupplySpec) -> Duration {
    match spec.driver {
        SupplyDriver::ScpiTcp => Duration::from_millis(50),
        SupplyDriver::ScpiSerial | SupplyDriver::Korad => Duration::from_millis(250),
        // The PPK2 streams 100 kS/s itself; it is never polled.
        SupplyDriver::Ppk2 => Duration::from_millis(1),
    }
}

/// `driver` with its current read in the background while a case records.
fn polled(driver: Box<dyn PowerSupply>, spec: &SupplySpec) -> Box<dyn PowerSupply> {
    Box::new(Polled::new(driver, poll_interval(spec)))
}

fn serial(path: &str, settings: SerialSettings) -> Result<Box<dyn Transport>, String> {
    SerialTransport::open(path, settings)
        .map(|t| Box::new(t) as Box<dyn Transport>)
        .map_err(|e| e.to_string())
}
