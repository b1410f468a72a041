//! What can go wrong with a network serial port, and how it shows through the `io` and
//! `serialport` error types (the typed error stays reachable as the `io::Error`'s inner error).

use std::io;
use std::time::Duration;

/// A network serial port failure. `port` is the port's spec, e.g. `rfc2217://10.0.0.7:4001`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The port spec cannot be used.
    #[error("bad serial port `{spec}`: {why}")]
    InvalidSpec {
        /// The spec as given.
        spec: String,
        /// What is wrong with it.
        why: String,
    },

    /// The TCP connection could not be made.
    #[error("cannot connect to {port}: {source}")]
    Connect {
        /// The port's spec.
        port: String,
        #[source]
        /// The connect error.
        source: io::Error,
    },

    /// The server closed the connection (or it broke) while `during`.
    #[error("{port}: the connection was dropped while {during}")]
    ConnectionDropped {
        /// The port's spec.
        port: String,
        /// What was being done.
        during: String,
    },

    /// The server turned the client away because another client holds the port (ser2net:
    /// "Port already in use").
    #[error("{port} is busy (another client holds it); the server said {said:?}")]
    PortBusy {
        /// The port's spec.
        port: String,
        /// What the server sent.
        said: String,
    },

    /// Nothing (or not enough) arrived in time.
    #[error("{port}: timed out after {:.3} s while {during}", waited.as_secs_f64())]
    Timeout {
        /// The port's spec.
        port: String,
        /// What was being waited for.
        during: String,
        /// How long was waited.
        waited: Duration,
    },

    /// The server refused a telnet option the client needs (COM-PORT-OPTION: the server is a
    /// plain telnet server; use `tcp://` for a raw port).
    #[error("{port}: the server refused telnet option {option} ({name}); it is not an RFC 2217 server (for a raw TCP port use tcp://)", name = option_name(*option))]
    NegotiationRefused {
        /// The port's spec.
        port: String,
        /// The telnet option number.
        option: u8,
    },

    /// The server answered a setting with a different value (it did not apply it).
    #[error("{port}: the server did not apply {command}: it reports {reported}")]
    NotApplied {
        /// The port's spec.
        port: String,
        /// The setting that was sent.
        command: String,
        /// The value the server reports instead.
        reported: String,
    },

    /// The operation has no meaning on this kind of port.
    #[error("{port}: {what} is not supported {why}")]
    Unsupported {
        /// The port's spec.
        port: String,
        /// The operation asked for.
        what: String,
        /// Why this kind of port cannot do it.
        why: String,
    },

    /// Any other socket error.
    #[error("{port}: I/O error while {during}: {source}")]
    Io {
        /// The port's spec.
        port: String,
        /// What was being done.
        during: String,
        #[source]
        /// The socket error.
        source: io::Error,
    },
}

fn option_name(option: u8) -> &'static str {
    match option {
        0 => "BINARY",
        3 => "SUPPRESS-GO-AHEAD",
        44 => "COM-PORT-OPTION",
        _ => "unknown",
    }
}

impl Error {
    /// The `io::ErrorKind` this error shows as.
    pub fn io_kind(&self) -> io::ErrorKind {
        match self {
            Error::InvalidSpec { .. } | Error::NotApplied { .. } => io::ErrorKind::InvalidInput,
            Error::Connect { source, .. } | Error::Io { source, .. } => source.kind(),
            Error::ConnectionDropped { .. } => io::ErrorKind::ConnectionAborted,
            Error::PortBusy { .. } => io::ErrorKind::ResourceBusy,
            Error::Timeout { .. } => io::ErrorKind::TimedOut,
            Error::NegotiationRefused { .. } => io::ErrorKind::ConnectionRefused,
            Error::Unsupported { .. } => io::ErrorKind::Unsupported,
        }
    }

    /// The typed error inside an `io::Error` made from one, if it is.
    pub fn from_io(e: &io::Error) -> Option<&Error> {
        e.get_ref().and_then(|inner| inner.downcast_ref::<Error>())
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        io::Error::new(e.io_kind(), e)
    }
}

impl From<Error> for serialport::Error {
    fn from(e: Error) -> serialport::Error {
        let kind = match &e {
            Error::InvalidSpec { .. } | Error::NotApplied { .. } | Error::Unsupported { .. } => {
                serialport::ErrorKind::InvalidInput
            }
            // What `serialport` reports for a local port another program holds.
            Error::PortBusy { .. } => serialport::ErrorKind::NoDevice,
            other => serialport::ErrorKind::Io(other.io_kind()),
        };
        serialport::Error::new(kind, e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_typed_error_survives_io() {
        let e: io::Error = Error::ConnectionDropped {
            port: "rfc2217://h:1".into(),
            during: "reading".into(),
        }
        .into();
        assert_eq!(e.kind(), io::ErrorKind::ConnectionAborted);
        assert!(matches!(
            Error::from_io(&e),
            Some(Error::ConnectionDropped { .. })
        ));
    }

    #[test]
    fn refusal_names_the_option_and_the_way_out() {
        let e = Error::NegotiationRefused {
            port: "rfc2217://h:1".into(),
            option: 44,
        };
        let text = e.to_string();
        assert!(
            text.contains("COM-PORT-OPTION") && text.contains("tcp://"),
            "{text}"
        );
        let s: serialport::Error = e.into();
        assert_eq!(
            s.kind,
            serialport::ErrorKind::Io(io::ErrorKind::ConnectionRefused)
        );
    }
}
