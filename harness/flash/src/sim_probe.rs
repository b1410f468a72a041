//! The simulated probe over the network: a [`SimTarget`] that drives a simulated board's probe
//! endpoint (`hil sim` serves one per board on 127.0.0.1, selector `sim@HOST:PORT`), so a
//! `hil flash --probe sim@…` in another process, or on another host, flashes that board.
//!
//! The protocol is one request line and one answer line per TCP connection:
//!
//! | request              | answer                               |
//! |----------------------|--------------------------------------|
//! | `install <fw id>\n`  | `ok\n` or `error <why>\n`            |
//! | `reset\n`            | `ok\n` or `error <why>\n`            |
//! | `approtect\n`        | `locked\n` or `unlocked\n`           |
//!
//! hil-sim implements the server side (`hil_sim::rack` probe endpoint).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

use crate::probes::SimProbeAddress;
use crate::simulated::{SimTarget, TargetError};

/// How long connecting to, and each answer of, a simulated probe endpoint may take.
pub const SIM_PROBE_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the simulated probe endpoint could not be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimProbeError {
    /// Nothing answers at the address (no `hil sim` there, or it stopped).
    #[error("no simulated probe answers at {address}: {source}")]
    Unreachable {
        /// The endpoint.
        address: String,
        /// The connection error.
        #[source]
        source: std::io::Error,
    },
    /// The connection broke or the answer was late.
    #[error("the simulated probe at {address} did not answer `{request}`: {source}")]
    NoAnswer {
        /// The endpoint.
        address: String,
        /// The request line.
        request: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The board refused the operation (e.g. it is unpowered).
    #[error("the simulated board at {address} refused `{request}`: {why}")]
    Refused {
        /// The endpoint.
        address: String,
        /// The request line.
        request: String,
        /// The board's reason.
        why: String,
    },
}

/// A simulated board reached through its probe endpoint.
#[derive(Debug, Clone)]
pub struct TcpSimTarget {
    address: SimProbeAddress,
    timeout: Duration,
}

impl TcpSimTarget {
    /// The endpoint at `address`, with [`SIM_PROBE_TIMEOUT`].
    pub fn new(address: SimProbeAddress) -> Self {
        TcpSimTarget {
            address,
            timeout: SIM_PROBE_TIMEOUT,
        }
    }

    /// Sends one request line, returns the answer line (without the newline).
    fn request(&self, request: &str) -> Result<String, SimProbeError> {
        let address = self.address.to_string();
        let unreachable = |source| SimProbeError::Unreachable {
            address: address.clone(),
            source,
        };
        let mut stream = self.connect().map_err(unreachable)?;
        let no_answer = |source| SimProbeError::NoAnswer {
            address: address.clone(),
            request: request.to_string(),
            source,
        };
        stream
            .set_read_timeout(Some(self.timeout))
            .map_err(no_answer)?;
        stream
            .set_write_timeout(Some(self.timeout))
            .map_err(no_answer)?;
        stream
            .write_all(format!("{request}\n").as_bytes())
            .map_err(no_answer)?;
        let mut line = String::new();
        BufReader::new(stream)
            .read_line(&mut line)
            .map_err(no_answer)?;
        if line.is_empty() {
            let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
            return Err(no_answer(eof));
        }
        Ok(line.trim_end().to_string())
    }

    fn connect(&self) -> std::io::Result<TcpStream> {
        let addrs = (self.address.host.as_str(), self.address.port).to_socket_addrs()?;
        let mut last = std::io::Error::from(std::io::ErrorKind::AddrNotAvailable);
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, self.timeout) {
                Ok(stream) => return Ok(stream),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// `ok`, or the board's refusal.
    fn command(&self, request: &str) -> Result<(), TargetError> {
        let answer = self.request(request)?;
        match answer.strip_prefix("error") {
            None if answer == "ok" => Ok(()),
            Some(why) => Err(Box::new(SimProbeError::Refused {
                address: self.address.to_string(),
                request: request.to_string(),
                why: why.trim().to_string(),
            })),
            None => Err(Box::new(SimProbeError::Refused {
                address: self.address.to_string(),
                request: request.to_string(),
                why: format!("unexpected answer `{answer}`"),
            })),
        }
    }
}

impl SimTarget for TcpSimTarget {
    fn install_image(&self, fw_id: &str) -> Result<(), TargetError> {
        if fw_id.chars().any(char::is_whitespace) || fw_id.is_empty() {
            return Err(
                format!("firmware id `{fw_id}` cannot be sent (empty or has spaces)").into(),
            );
        }
        self.command(&format!("install {fw_id}"))
    }

    fn reset(&self) -> Result<(), TargetError> {
        self.command("reset")
    }

    fn approtect_locked(&self) -> bool {
        // An endpoint that does not answer is caught by the install that follows.
        self.request("approtect").is_ok_and(|a| a == "locked")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    /// A one-connection-per-answer server giving `answers` in turn; returns the requests.
    fn serve(
        answers: &'static [&'static str],
    ) -> (SimProbeAddress, std::thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for answer in answers {
                let (stream, _) = listener.accept().unwrap();
                let mut line = String::new();
                BufReader::new(&stream).read_line(&mut line).unwrap();
                seen.push(line.trim_end().to_string());
                (&stream).write_all(answer.as_bytes()).unwrap();
            }
            seen
        });
        let address = SimProbeAddress {
            host: "127.0.0.1".into(),
            port,
        };
        (address, handle)
    }

    #[test]
    fn speaks_one_line_each_way() {
        let (address, server) = serve(&["ok\n", "locked\n", "error board is unpowered\n"]);
        let target = TcpSimTarget::new(address);
        target.install_image("1.0.0+abc").unwrap();
        assert!(target.approtect_locked());
        let e = target.reset().unwrap_err().to_string();
        assert!(e.contains("refused `reset`: board is unpowered"), "{e}");
        assert_eq!(
            server.join().unwrap(),
            ["install 1.0.0+abc", "approtect", "reset"]
        );
    }

    #[test]
    fn nothing_listening_is_unreachable() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let target = TcpSimTarget::new(SimProbeAddress {
            host: "127.0.0.1".into(),
            port,
        });
        let e = target.install_image("1.0.0+abc").unwrap_err();
        let e = e.downcast::<SimProbeError>().unwrap();
        assert!(matches!(*e, SimProbeError::Unreachable { .. }), "{e}");
        assert!(!target.approtect_locked());
    }
}
