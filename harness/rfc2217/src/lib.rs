//! Serial ports over the network, behind the same `serialport::SerialPort` interface as a
//! local port: an RFC 2217 client (telnet COM-PORT-OPTION, as served by ser2net and labgrid
//! exporters) and raw TCP. [`open_serial_with`] opens a device path, `rfc2217://host:port` or
//! `tcp://host:port` alike, so every driver works over either.
//!
//! Layers: [`telnet`] (RFC 854/855 byte codec) and [`comport`] (RFC 2217 vocabulary) are pure;
//! [`session`] is the client's protocol state machine, sans I/O; `port` runs it over a
//! non-blocking TCP socket with a deadline on every wait; `ser2net` (test support, behind the
//! `testkit` feature) starts the real server for tests and benchmarks.
//!
//! ```no_run
//! use hil_rfc2217::{PortSpec, SerialConfig, open_serial_with};
//! let spec = PortSpec::parse("rfc2217://rack-host-1:4001")?;
//! let mut port = open_serial_with(&spec, &SerialConfig::new(115_200))?;
//! port.set_baud_rate(9600)?; // acknowledged by the server, else an error
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

pub mod comport;
mod error;
mod open;
mod port;
#[cfg(feature = "testkit")]
pub mod ser2net;
mod serial_port;
pub mod session;
mod spec;
pub mod telnet;

pub use comport::{Command, Control, Purge};
pub use error::Error;
pub use open::{SerialConfig, open_serial, open_serial_with};
pub use port::{LineSettings, NetworkOptions, NetworkPort};
pub use spec::{Endpoint, PortSpec};
