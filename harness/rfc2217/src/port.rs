//! The blocking TCP transport around a [`Session`]: connect, negotiate, apply the line
//! settings, then serve `serialport::SerialPort` (see `serial_port.rs`). The socket is
//! non-blocking and every wait is a `poll` bounded by a deadline, so no call outlives its
//! timeout. Clones share one connection; the session sits behind a mutex.
//!
//! Lock order: the session state, then the writer; the writer is never held while taking the
//! state.

use std::io::{self, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::AsFd;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use serialport::{DataBits, FlowControl, Parity, StopBits};

use crate::comport::{Command, Control, Purge};
use crate::error::Error;
use crate::session::{LineReport, Negotiation, Session};
use crate::spec::Endpoint;

/// The line settings a port is opened with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineSettings {
    /// The baud rate.
    pub baud: u32,
    /// The number of data bits.
    pub data_bits: DataBits,
    /// The parity.
    pub parity: Parity,
    /// The number of stop bits.
    pub stop_bits: StopBits,
    /// The flow control.
    pub flow_control: FlowControl,
}

impl LineSettings {
    /// `baud`, 8 data bits, no parity, one stop bit, no flow control.
    pub fn new(baud: u32) -> Self {
        LineSettings {
            baud,
            data_bits: DataBits::Eight,
            parity: Parity::None,
            stop_bits: StopBits::One,
            flow_control: FlowControl::None,
        }
    }
}

/// Network timeouts and policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkOptions {
    /// Connecting (per resolved address).
    pub connect_timeout: Duration,
    /// Telnet negotiation, and each acknowledgement of a setting or purge.
    pub ack_timeout: Duration,
    /// Sending one write (a server that stops reading, or keeps the client suspended).
    pub write_timeout: Duration,
    /// Wait for the server to confirm DTR, RTS and BREAK changes. Off by default: ser2net
    /// sends no confirmation for a port without modem-control lines (a pty; tested), the
    /// situation pyserial's `ign_set_control` (used by labgrid) works around.
    pub await_control_acks: bool,
}

impl Default for NetworkOptions {
    fn default() -> Self {
        NetworkOptions {
            connect_timeout: Duration::from_secs(5),
            ack_timeout: Duration::from_secs(3),
            write_timeout: Duration::from_secs(5),
            await_control_acks: false,
        }
    }
}

/// Bytes read from the socket per system call.
const CHUNK: usize = 16 * 1024;

pub(crate) struct Shared {
    pub(crate) name: String,
    stream: TcpStream,
    state: Mutex<State>,
    writer: Mutex<()>,
    /// Set once the connection is known dead: what was being done when it was noticed.
    broken: OnceLock<String>,
    pub(crate) options: NetworkOptions,
}

struct State {
    session: Session,
    scratch: Box<[u8]>,
}

impl Shared {
    /// Connects to `endpoint` and brings the session up: negotiation (RFC 2217) and the line
    /// settings (each acknowledged), or in raw mode nothing but the connection.
    pub(crate) fn open(
        name: String,
        endpoint: &Endpoint,
        session: Session,
        line: &LineSettings,
        options: NetworkOptions,
    ) -> Result<Arc<Shared>, Error> {
        let stream = connect(&name, endpoint, options.connect_timeout)?;
        let io_err = |source| Error::Io {
            port: name.clone(),
            during: "setting up the socket".into(),
            source,
        };
        stream.set_nodelay(true).map_err(io_err)?;
        stream.set_nonblocking(true).map_err(io_err)?;
        let raw = session.mode() == crate::session::Mode::Raw;
        let shared = Arc::new(Shared {
            name,
            stream,
            state: Mutex::new(State {
                session,
                scratch: vec![0u8; CHUNK].into_boxed_slice(),
            }),
            writer: Mutex::new(()),
            broken: OnceLock::new(),
            options,
        });
        if raw {
            shared.lock().session.assume_line(report_of(line));
        } else {
            shared
                .negotiate()
                .and_then(|()| shared.apply_line(line))
                .map_err(|e| shared.with_last_words(e))?;
        }
        Ok(shared)
    }

    /// A server that turns a client away says why as data before closing (ser2net: "Port
    /// already in use"); a drop while opening quotes it, and a busy port is [`Error::PortBusy`].
    fn with_last_words(&self, e: Error) -> Error {
        let Error::ConnectionDropped { port, during } = e else {
            return e;
        };
        let mut buf = [0u8; 200];
        let n = self.lock().session.read(&mut buf);
        let said = String::from_utf8_lossy(&buf[..n]).trim().to_owned();
        if said.to_ascii_lowercase().contains("in use") {
            Error::PortBusy { port, said }
        } else if said.is_empty() {
            Error::ConnectionDropped { port, during }
        } else {
            Error::ConnectionDropped {
                port,
                during: format!("{during}; the server said {said:?}"),
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic elsewhere while holding the lock leaves a consistent session (no partial
        // updates span a panic point), so the poison is cleared.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn is_raw(&self) -> bool {
        self.lock().session.mode() == crate::session::Mode::Raw
    }

    fn negotiate(&self) -> Result<(), Error> {
        {
            let mut st = self.lock();
            self.flush_output(&mut st, "negotiating telnet options")?;
        }
        let outcome = self.wait_for(
            "negotiating telnet options (WILL COM-PORT-OPTION)",
            self.options.ack_timeout,
            |s| match s.negotiation() {
                Negotiation::Pending => None,
                done => Some(done),
            },
        )?;
        match outcome {
            Negotiation::Refused(option) => Err(Error::NegotiationRefused {
                port: self.name.clone(),
                option,
            }),
            _ => Ok(()),
        }
    }

    fn apply_line(&self, line: &LineSettings) -> Result<(), Error> {
        let commands = [
            Command::SetBaudRate(line.baud),
            Command::SetDataSize(line.data_bits),
            Command::SetParity(line.parity),
            Command::SetStopSize(line.stop_bits),
            Command::SetControl(Control::flow(line.flow_control)),
        ];
        // Sent together, then each acknowledgement checked: one round trip, not five.
        let tickets = {
            let mut st = self.lock();
            let tickets: Vec<_> = commands.iter().map(|&c| st.session.send(c)).collect();
            self.flush_output(&mut st, "sending the line settings")?;
            tickets
        };
        for (command, ticket) in commands.into_iter().zip(tickets) {
            self.await_ack(command, ticket)?;
        }
        Ok(())
    }

    /// Sends `command`; with `wait`, waits for the acknowledgement and checks its value.
    pub(crate) fn command(&self, command: Command, wait: bool) -> Result<(), Error> {
        if self.is_raw() {
            return Err(self.unsupported(&command.describe()));
        }
        let ticket = {
            let mut st = self.lock();
            let ticket = st.session.send(command);
            self.flush_output(&mut st, &format!("sending {}", command.describe()))?;
            ticket
        };
        if wait {
            self.await_ack(command, ticket)?;
        }
        Ok(())
    }

    fn await_ack(&self, command: Command, ticket: crate::session::Ticket) -> Result<(), Error> {
        let during = format!(
            "waiting for the server to acknowledge {}",
            command.describe()
        );
        let value = self.wait_for(&during, self.options.ack_timeout, |s| {
            s.ack(ticket).map(<[u8]>::to_vec)
        })?;
        match command.expected_ack() {
            Some(expected) if expected != value => Err(Error::NotApplied {
                port: self.name.clone(),
                command: command.describe(),
                reported: describe_ack(command, &value),
            }),
            _ => Ok(()),
        }
    }

    /// Empties the receive side: locally, and (RFC 2217) at the server with an acknowledged
    /// PURGE-DATA; data received before the acknowledgement is dropped too.
    pub(crate) fn purge(&self, which: Purge) -> Result<(), Error> {
        if matches!(which, Purge::Receive | Purge::Both) {
            self.lock().session.discard_input();
        }
        if !self.is_raw() {
            return self.command(Command::Purge(which), true);
        }
        if matches!(which, Purge::Receive | Purge::Both) {
            // Whatever is already readable; bounded so a streaming device cannot keep us here.
            for _ in 0..64 {
                if !self.pump(Instant::now(), "discarding input")? {
                    break;
                }
            }
            self.lock().session.discard_input();
        }
        Ok(())
    }

    /// Reads serial data into `buf`, waiting at most `timeout`.
    pub(crate) fn read(&self, buf: &mut [u8], timeout: Duration) -> Result<usize, Error> {
        if buf.is_empty() {
            return Ok(0);
        }
        let deadline = Instant::now() + timeout;
        let mut polled = false;
        loop {
            let n = self.lock().session.read(buf);
            if n > 0 {
                return Ok(n);
            }
            self.check_broken("reading")?;
            if polled && Instant::now() >= deadline {
                return Err(Error::Timeout {
                    port: self.name.clone(),
                    during: "reading".into(),
                    waited: timeout,
                });
            }
            self.pump(deadline, "reading")?;
            polled = true;
        }
    }

    /// Received data waiting to be read (after taking in whatever the socket holds).
    pub(crate) fn available(&self) -> Result<usize, Error> {
        let buffered = self.lock().session.buffered();
        if buffered == 0 {
            self.check_broken("checking for input")?;
            self.pump(Instant::now(), "checking for input")?;
        }
        Ok(self.lock().session.buffered())
    }

    /// Sends serial data (escaped as the session requires).
    pub(crate) fn write(&self, data: &[u8]) -> Result<(), Error> {
        self.check_broken("writing")?;
        if self.lock().session.suspended() {
            self.wait_for(
                "writing (the server suspended transmission with FLOWCONTROL-SUSPEND)",
                self.options.write_timeout,
                |s| (!s.suspended()).then_some(()),
            )?;
        }
        let mut wire = Vec::new();
        self.lock().session.encode(data, &mut wire);
        self.send_raw(&wire, "writing")
    }

    pub(crate) fn line(&self) -> LineReport {
        self.lock().session.line()
    }

    pub(crate) fn modem_state(&self) -> Option<u8> {
        self.lock().session.modem_state()
    }

    pub(crate) fn unsupported(&self, what: &str) -> Error {
        Error::Unsupported {
            port: self.name.clone(),
            what: what.to_owned(),
            why: if self.is_raw() {
                "on a raw TCP port (configure the line at the server, or use rfc2217://)".into()
            } else {
                "by this RFC 2217 client".into()
            },
        }
    }

    /// Waits until `check` finds what it wants in the session, taking in data meanwhile.
    fn wait_for<T>(
        &self,
        during: &str,
        timeout: Duration,
        mut check: impl FnMut(&Session) -> Option<T>,
    ) -> Result<T, Error> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(found) = check(&self.lock().session) {
                return Ok(found);
            }
            self.check_broken(during)?;
            if Instant::now() >= deadline {
                return Err(Error::Timeout {
                    port: self.name.clone(),
                    during: during.to_owned(),
                    waited: timeout,
                });
            }
            self.pump(deadline, during)?;
        }
    }

    /// Waits until the socket is readable or `deadline`, then feeds one read to the session
    /// and sends its replies. `Ok(false)`: nothing arrived.
    fn pump(&self, deadline: Instant, during: &str) -> Result<bool, Error> {
        if !self.wait_ready(PollFlags::POLLIN, deadline, during)? {
            return Ok(false);
        }
        let mut st = self.lock();
        let st = &mut *st;
        let n = loop {
            match (&self.stream).read(&mut st.scratch) {
                Ok(0) => return Err(self.dropped(during)),
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(true),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(self.socket_error(e, during)),
            }
        };
        quick_ack(&self.stream);
        st.session.receive(&st.scratch[..n]);
        self.flush_output(st, during)?;
        Ok(true)
    }

    fn flush_output(&self, st: &mut State, during: &str) -> Result<(), Error> {
        if st.session.has_output() {
            let out = st.session.take_output();
            self.send_raw(&out, during)?;
        }
        Ok(())
    }

    /// Writes all of `bytes` within the write timeout. A write cut short after some bytes
    /// went out would corrupt the telnet stream, so it marks the connection broken.
    fn send_raw(&self, mut bytes: &[u8], during: &str) -> Result<(), Error> {
        let _writer = self.writer.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = Instant::now() + self.options.write_timeout;
        let total = bytes.len();
        while !bytes.is_empty() {
            match (&self.stream).write(bytes) {
                Ok(0) => return Err(self.dropped(during)),
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if !self.wait_ready(PollFlags::POLLOUT, deadline, during)? {
                        if bytes.len() < total {
                            let _ = self.broken.set(format!("{during} (a write was cut short)"));
                        }
                        return Err(Error::Timeout {
                            port: self.name.clone(),
                            during: format!("{during} (the server is not taking data)"),
                            waited: self.options.write_timeout,
                        });
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.socket_error(e, during)),
            }
        }
        Ok(())
    }

    fn wait_ready(&self, flags: PollFlags, deadline: Instant, during: &str) -> Result<bool, Error> {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let ms = left.as_micros().div_ceil(1000).min(i32::MAX as u128) as i32;
            let mut fds = [PollFd::new(self.stream.as_fd(), flags)];
            match poll(
                &mut fds,
                PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX),
            ) {
                Ok(0) => return Ok(false),
                Ok(_) => return Ok(true),
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(self.socket_error(io::Error::from(e), during)),
            }
        }
    }

    fn check_broken(&self, during: &str) -> Result<(), Error> {
        match self.broken.get() {
            Some(first) => Err(Error::ConnectionDropped {
                port: self.name.clone(),
                during: format!("{during} (lost earlier while {first})"),
            }),
            None => Ok(()),
        }
    }

    fn dropped(&self, during: &str) -> Error {
        let _ = self.broken.set(during.to_owned());
        Error::ConnectionDropped {
            port: self.name.clone(),
            during: during.to_owned(),
        }
    }

    fn socket_error(&self, e: io::Error, during: &str) -> Error {
        use io::ErrorKind as K;
        match e.kind() {
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::NotConnected => {
                self.dropped(during)
            }
            _ => Error::Io {
                port: self.name.clone(),
                during: during.to_owned(),
                source: e,
            },
        }
    }
}

/// Acknowledges received data at once. Linux delays ACKs on a request/response connection,
/// and a server whose socket uses Nagle's algorithm (ser2net's default) holds the rest of a
/// multi-segment answer until that ACK: 44–48 ms per answer longer than one segment, measured on
/// loopback. TCP_QUICKACK is not sticky, so it is set after every read; failure is harmless.
#[cfg(target_os = "linux")]
fn quick_ack(stream: &TcpStream) {
    use std::os::fd::AsRawFd;
    let one: libc::c_int = 1;
    // SAFETY: `stream` owns a valid socket descriptor; the option value is a c_int whose size
    // is passed along, and setsockopt only reads it.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_QUICKACK,
            (&one as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn quick_ack(_: &TcpStream) {}

fn connect(name: &str, endpoint: &Endpoint, timeout: Duration) -> Result<TcpStream, Error> {
    let fail = |source| Error::Connect {
        port: name.to_owned(),
        source,
    };
    let addrs: Vec<SocketAddr> = (endpoint.host.as_str(), endpoint.port)
        .to_socket_addrs()
        .map_err(fail)?
        .collect();
    let mut last = io::Error::new(
        io::ErrorKind::NotFound,
        format!("{} resolves to no address", endpoint.host),
    );
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(stream) => return Ok(stream),
            Err(e) => last = e,
        }
    }
    Err(fail(last))
}

fn report_of(line: &LineSettings) -> LineReport {
    LineReport {
        baud: Some(line.baud),
        data_bits: Some(line.data_bits),
        parity: Some(line.parity),
        stop_bits: Some(line.stop_bits),
        flow_control: Some(line.flow_control),
    }
}

fn describe_ack(command: Command, value: &[u8]) -> String {
    use crate::comport::{ack_baud, ack_data_bits, ack_flow, ack_parity, ack_stop_bits};
    let known = match command {
        Command::SetBaudRate(_) => ack_baud(value).map(|b| format!("{b} baud")),
        Command::SetDataSize(_) => ack_data_bits(value).map(|d| format!("{d} data bits")),
        Command::SetParity(_) => ack_parity(value).map(|p| format!("parity {p}")),
        Command::SetStopSize(_) => ack_stop_bits(value).map(|s| format!("{s} stop bits")),
        Command::SetControl(_) => ack_flow(value).map(|f| format!("flow control {f}")),
        Command::Purge(_) => None,
    };
    known.unwrap_or_else(|| format!("value {value:02x?}"))
}

/// A serial port reached over TCP, RFC 2217 or raw. Implements `serialport::SerialPort`
/// (in `serial_port.rs`); clones share the connection.
pub struct NetworkPort {
    pub(crate) shared: Arc<Shared>,
    pub(crate) timeout: Duration,
}

impl std::fmt::Debug for NetworkPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkPort")
            .field("port", &self.shared.name)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl NetworkPort {
    /// Connects to an RFC 2217 server, negotiates COM-PORT-OPTION, BINARY and SGA, and applies
    /// `line` (each setting acknowledged by the server).
    pub fn rfc2217(
        endpoint: &Endpoint,
        line: &LineSettings,
        options: NetworkOptions,
    ) -> Result<NetworkPort, Error> {
        let name = format!("rfc2217://{endpoint}");
        let shared = Shared::open(name, endpoint, Session::rfc2217(), line, options)?;
        Ok(NetworkPort {
            shared,
            timeout: Duration::from_millis(100),
        })
    }

    /// Connects to a raw TCP port. `line` is recorded as the far end's configuration (it is
    /// set there, not by this client); changing it later is unsupported.
    pub fn raw_tcp(
        endpoint: &Endpoint,
        line: &LineSettings,
        options: NetworkOptions,
    ) -> Result<NetworkPort, Error> {
        let name = format!("tcp://{endpoint}");
        let shared = Shared::open(name, endpoint, Session::raw(), line, options)?;
        Ok(NetworkPort {
            shared,
            timeout: Duration::from_millis(100),
        })
    }

    /// The port's spec, e.g. `rfc2217://127.0.0.1:4001`.
    pub fn spec(&self) -> &str {
        &self.shared.name
    }

    /// Reads with a typed error: waits at most `timeout` for at least one byte.
    pub fn read_within(&self, buf: &mut [u8], timeout: Duration) -> Result<usize, Error> {
        self.shared.read(buf, timeout)
    }

    /// Writes all of `data` with a typed error.
    pub fn send(&self, data: &[u8]) -> Result<(), Error> {
        self.shared.write(data)
    }

    /// Sends a COM-PORT-OPTION command; `wait` waits for and checks the acknowledgement.
    pub fn command(&self, command: Command, wait: bool) -> Result<(), Error> {
        self.shared.command(command, wait)
    }

    /// Purges buffers (see [`Purge`]) with a typed error.
    pub fn purge(&self, which: Purge) -> Result<(), Error> {
        self.shared.purge(which)
    }

    /// The line as the server last reported it.
    pub fn line(&self) -> LineReport {
        self.shared.line()
    }
}
