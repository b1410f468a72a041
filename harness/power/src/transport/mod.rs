//! Byte transports under the drivers: raw TCP sockets and serial ports, behind one trait so
//! a driver does not care which. Every read takes a deadline; nothing blocks past it.

mod serial;
mod tcp;

use std::io;
use std::time::{Duration, Instant};

pub use serial::{SerialSettings, SerialTransport};
pub use tcp::TcpTransport;

/// The longest answer line accepted; more is an error, not a hang or an allocation spree.
pub const MAX_LINE: usize = 4096;

/// Why a transport operation failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum TransportError {
    /// The deadline passed; `partial` holds what did arrive.
    Timeout {
        /// How long was waited.
        waited: Duration,
        /// The bytes that did arrive.
        partial: Vec<u8>,
    },
    /// An answer longer than [`MAX_LINE`].
    TooLong(Vec<u8>),
    /// The link failed.
    Io(io::Error),
}

impl TransportError {
    /// The driver-level error for `command` on `supply`. An over-long answer is shown by its
    /// first 64 bytes and its size, whatever framing produced it.
    pub fn into_power_error(self, supply: &str, command: &str) -> crate::PowerError {
        use crate::PowerError;
        match self {
            TransportError::Timeout { waited, partial } => PowerError::Timeout {
                supply: supply.to_owned(),
                command: command.to_owned(),
                waited,
                partial: String::from_utf8_lossy(&partial).into_owned(),
            },
            TransportError::TooLong(bytes) => PowerError::BadReply {
                supply: supply.to_owned(),
                command: command.to_owned(),
                reply: format!(
                    "{}… ({} bytes without an end of answer)",
                    String::from_utf8_lossy(&bytes[..64.min(bytes.len())]),
                    bytes.len()
                ),
            },
            TransportError::Io(source) => PowerError::Io {
                supply: supply.to_owned(),
                command: command.to_owned(),
                source,
            },
        }
    }
}

/// A connection to an instrument.
pub trait Transport: Send {
    /// Writes all bytes.
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// Reads whatever is available, waiting at most until `deadline`; `Ok(0)` when nothing came.
    fn read_some(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize>;
    /// Throws away anything already received (a late answer to an earlier, timed-out query).
    fn discard_input(&mut self) -> io::Result<()>;
    /// Where it is connected, e.g. `10.0.0.5:5025` or `/dev/ttyUSB0`.
    fn describe(&self) -> String;
    /// A second handle on the same connection, for a reader thread (a PPK2 recording) while
    /// this one keeps sending commands.
    fn try_clone(&self) -> io::Result<Box<dyn Transport>> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("{} cannot be shared with a reader thread", self.describe()),
        ))
    }
}

/// Reads up to and including `\n`; returns the line without terminator and trailing `\r`.
pub fn read_line(t: &mut dyn Transport, deadline: Instant) -> Result<String, TransportError> {
    let start = Instant::now();
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match t.read_some(&mut byte, deadline) {
            Ok(0) => {
                if Instant::now() >= deadline {
                    return Err(TransportError::Timeout {
                        waited: start.elapsed(),
                        partial: line,
                    });
                }
            }
            Ok(_) => {
                if byte[0] == b'\n' {
                    let text = String::from_utf8_lossy(&line);
                    return Ok(text.trim_end_matches('\r').to_owned());
                }
                line.push(byte[0]);
                if line.len() > MAX_LINE {
                    return Err(TransportError::TooLong(line));
                }
            }
            Err(e) => return Err(TransportError::Io(e)),
        }
    }
}

/// Reads exactly `n` bytes (fixed-width answers).
pub fn read_exact(
    t: &mut dyn Transport,
    n: usize,
    deadline: Instant,
) -> Result<Vec<u8>, TransportError> {
    let start = Instant::now();
    let mut out = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match t.read_some(&mut out[got..], deadline) {
            Ok(0) if Instant::now() >= deadline => {
                out.truncate(got);
                return Err(TransportError::Timeout {
                    waited: start.elapsed(),
                    partial: out,
                });
            }
            Ok(k) => got += k,
            Err(e) => return Err(TransportError::Io(e)),
        }
    }
    Ok(out)
}

/// Reads until no byte has arrived for `idle` (answers without terminator or length), at most
/// `max` bytes; a timeout only if nothing at all arrived by `deadline`.
pub fn read_until_idle(
    t: &mut dyn Transport,
    idle: Duration,
    max: usize,
    deadline: Instant,
) -> Result<Vec<u8>, TransportError> {
    let start = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        let until = if out.is_empty() {
            deadline
        } else {
            (Instant::now() + idle).min(deadline)
        };
        match t.read_some(&mut buf, until) {
            Ok(0) if out.is_empty() && Instant::now() < deadline => {}
            Ok(0) if out.is_empty() => {
                return Err(TransportError::Timeout {
                    waited: start.elapsed(),
                    partial: out,
                });
            }
            Ok(0) => return Ok(out),
            Ok(k) => {
                out.extend_from_slice(&buf[..k]);
                if out.len() >= max {
                    out.truncate(max);
                    return Ok(out);
                }
            }
            Err(e) => return Err(TransportError::Io(e)),
        }
    }
}

/// Reads until `terminator` appears (PPK2 metadata's `END\n`), at most `max` bytes.
pub fn read_until(
    t: &mut dyn Transport,
    terminator: &[u8],
    max: usize,
    deadline: Instant,
) -> Result<Vec<u8>, TransportError> {
    let start = Instant::now();
    let mut out = Vec::new();
    let mut buf = [0u8; 256];
    while !out.ends_with(terminator) {
        match t.read_some(&mut buf, deadline) {
            Ok(0) if Instant::now() >= deadline => {
                return Err(TransportError::Timeout {
                    waited: start.elapsed(),
                    partial: out,
                });
            }
            Ok(k) => {
                out.extend_from_slice(&buf[..k]);
                if out.len() > max {
                    return Err(TransportError::TooLong(out));
                }
            }
            Err(e) => return Err(TransportError::Io(e)),
        }
    }
    Ok(out)
}

/// The time left until `deadline`, at least 1 ms (a zero timeout means "block" to some APIs).
pub(crate) fn remaining(deadline: Instant) -> Duration {
    deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}
