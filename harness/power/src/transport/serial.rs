//! Serial transport (RS-232, USB CDC-ACM) over the `serialport` crate, or over the network
//! (`rfc2217://host:port`, `tcp://host:port`) through `hil_rfc2217`. Modem-control lines are
//! best effort: pseudo-terminals and cheap adapters reject them, which is not an error.

use std::io::{self, ErrorKind, Read, Write};
use std::time::{Duration, Instant};

use hil_rfc2217::{PortSpec, SerialConfig, open_serial_with};
use serialport::{ClearBuffer, SerialPort, StopBits};

use super::{Transport, remaining};

/// Longest a write may block (a port whose flow control never releases).
const WRITE_TIMEOUT: Duration = Duration::from_secs(1);

/// Line settings of a serial instrument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SerialSettings {
    /// The baud rate.
    pub baud: u32,
    /// The E3631A needs two stop bits.
    pub two_stop_bits: bool,
    /// Assert DTR (the E3631A's DTR/DSR handshake); failures are ignored.
    pub assert_dtr: bool,
}

impl Default for SerialSettings {
    fn default() -> Self {
        SerialSettings {
            baud: 9600,
            two_stop_bits: false,
            assert_dtr: false,
        }
    }
}

/// A serial line to an instrument.
pub struct SerialTransport {
    port: Box<dyn SerialPort>,
    path: String,
}

impl std::fmt::Debug for SerialTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialTransport")
            .field("path", &self.path)
            .finish()
    }
}

impl SerialTransport {
    /// Opens the serial port at `path` with `settings`.
    pub fn open(path: &str, settings: SerialSettings) -> Result<Self, serialport::Error> {
        let stop = if settings.two_stop_bits {
            StopBits::Two
        } else {
            StopBits::One
        };
        let spec = PortSpec::parse(path)?;
        let config = SerialConfig::new(settings.baud)
            .stop_bits(stop)
            .timeout(Duration::from_millis(100));
        let mut port = open_serial_with(&spec, &config)?;
        if settings.assert_dtr {
            // ENOTTY on a pty, missing line on cheap adapters: both fine.
            let _ = port.write_data_terminal_ready(true);
        }
        let _ = port.clear(ClearBuffer::All);
        Ok(SerialTransport {
            port,
            path: path.to_owned(),
        })
    }
}

impl Transport for SerialTransport {
    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        // The timeout is left short by the last read; a write gets its own.
        self.port
            .set_timeout(WRITE_TIMEOUT)
            .map_err(io::Error::other)?;
        self.port.write_all(bytes)?;
        self.port.flush()
    }

    fn read_some(&mut self, buf: &mut [u8], deadline: Instant) -> io::Result<usize> {
        if Instant::now() >= deadline {
            return Ok(0);
        }
        self.port
            .set_timeout(remaining(deadline))
            .map_err(io::Error::other)?;
        match self.port.read(buf) {
            Ok(n) => Ok(n),
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::TimedOut | ErrorKind::WouldBlock | ErrorKind::Interrupted
                ) =>
            {
                Ok(0)
            }
            Err(e) => Err(e),
        }
    }

    fn discard_input(&mut self) -> io::Result<()> {
        self.port
            .clear(ClearBuffer::Input)
            .map_err(io::Error::other)
    }

    fn describe(&self) -> String {
        self.path.clone()
    }

    fn try_clone(&self) -> io::Result<Box<dyn Transport>> {
        let port = self.port.try_clone().map_err(io::Error::other)?;
        Ok(Box::new(SerialTransport {
            port,
            path: self.path.clone(),
        }))
    }
}
