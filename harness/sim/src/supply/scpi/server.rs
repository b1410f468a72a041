//! Front ends of the simulated SCPI supplies: a raw socket on 127.0.0.1 (one client at a time,
//! any number one after another) and a pseudo-terminal for serial SCPI. Both frame lines on
//! `\n` (a trailing `\r` is ignored), answer queries with one `\n`-terminated line, never answer
//! set commands, and apply the fault knobs before the instrument sees a command.

use std::io::{self, ErrorKind, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::engine;
use super::instrument::Instrument;
use crate::pty::PtyEndpoint;
use crate::supply::arrival::{self, Arrival, ArrivalClock};
use crate::supply::{Ctx, SupplyModel, thread_name};
use hil_model::ScpiModel;

/// How often a blocked thread looks at its stop flag.
const POLL: Duration = Duration::from_millis(20);
/// A line longer than this is discarded (a real instrument's input buffer is far smaller).
const MAX_LINE: usize = 4096;

/// The instrument plus its faults and log: what both front ends feed lines into.
struct Session {
    inst: Instrument,
    ctx: Ctx,
    /// Earliest possible arrival of the last executed command.
    last_executed: Option<Instant>,
    pending: Vec<u8>,
}

impl Session {
    fn new(model: ScpiModel, ctx: Ctx, serial: bool) -> Self {
        let spec = super::model_spec(model);
        let depth = ctx.queue_depth.unwrap_or(spec.queue.0);
        Session {
            inst: Instrument::new(spec, ctx.rail.clone(), ctx.channel, serial, depth),
            ctx,
            last_executed: None,
            pending: Vec::new(),
        }
    }

    /// Feeds received bytes; returns the answers to send, each with its terminator.
    fn feed(&mut self, bytes: &[u8], at: Arrival) -> Vec<String> {
        self.pending.extend_from_slice(bytes);
        let mut replies = Vec::new();
        while let Some(nl) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=nl).collect();
            let text = String::from_utf8_lossy(&line).trim().to_owned();
            if let Some(r) = self.on_line(text, at) {
                replies.push(format!("{r}\n"));
            }
        }
        if self.pending.len() > MAX_LINE {
            self.pending.clear();
        }
        replies
    }

    /// Executes a line unless a fault hides it; a line that came less than the minimum interval
    /// after the last executed one (for certain: `at` minus the earliest the two could have
    /// arrived) is dropped.
    fn on_line(&mut self, text: String, arrival: Arrival) -> Option<String> {
        let at = arrival.at;
        if text.is_empty() {
            return None;
        }
        let faults = &self.ctx.faults;
        if faults.hang() {
            self.ctx.log.push(text, arrival, false);
            return None;
        }
        let min = faults.min_interval();
        if let Some(last) = self.last_executed
            && !min.is_zero()
            && at.saturating_duration_since(last.min(arrival.earliest)) < min
        {
            self.ctx.log.push(text, arrival, false);
            return None;
        }
        self.ctx.log.push(text.clone(), arrival, true);
        self.last_executed = Some(arrival.earliest);
        let reply = engine::execute(&mut self.inst, &text)?;
        let delay = self.ctx.faults.reply_delay();
        if !delay.is_zero() {
            thread::sleep(delay);
        }
        Some(reply)
    }
}

/// Listens on 127.0.0.1 (ephemeral port) and serves clients one after another.
pub(crate) fn spawn_tcp(model: ScpiModel, ctx: Ctx) -> io::Result<(String, JoinHandle<()>)> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    listener.set_nonblocking(true)?;
    arrival::enable(&listener)?;
    // Clients can connect and send as soon as the socket listens, before the thread runs.
    let listening_since = Instant::now();
    let address = format!("tcp://{}", listener.local_addr()?);
    let mut session = Session::new(model, ctx, false);
    let thread = thread::Builder::new()
        .name(thread_name(SupplyModel::Scpi(model).as_str()))
        .spawn(move || {
            let mut waiting_since = listening_since;
            while !session.ctx.stopped() {
                match listener.accept() {
                    Ok((stream, _)) => {
                        serve_tcp(&mut session, stream, waiting_since);
                        waiting_since = Instant::now();
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        engine::tick(&mut session.inst);
                        thread::sleep(POLL);
                    }
                    Err(_) => thread::sleep(POLL),
                }
            }
        })?;
    Ok((address, thread))
}

/// Serves one client; nothing it sends arrived before `waiting_since`.
fn serve_tcp(session: &mut Session, mut stream: TcpStream, waiting_since: Instant) {
    if stream.set_nonblocking(false).is_err() || stream.set_read_timeout(Some(POLL)).is_err() {
        return;
    }
    let _ = stream.set_nodelay(true);
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    session.pending.clear();
    let mut clock = ArrivalClock::since(waiting_since);
    let mut buf = [0u8; 1024];
    while !session.ctx.stopped() {
        // One line at a time, each timed by its arrival (not by when this thread woke up).
        match arrival::read_line_chunk(&stream, &mut buf, &mut clock) {
            Ok((0, _)) => return,
            Ok((n, at)) => {
                for reply in session.feed(&buf[..n], at) {
                    if stream.write_all(reply.as_bytes()).is_err() {
                        return;
                    }
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) =>
            {
                engine::tick(&mut session.inst);
            }
            Err(_) => return,
        }
    }
}

/// Serial SCPI behind a pseudo-terminal.
pub(crate) fn spawn_pty(model: ScpiModel, ctx: Ctx) -> io::Result<(String, JoinHandle<()>)> {
    let pty = PtyEndpoint::open()?;
    let address = pty.path().to_string_lossy().into_owned();
    let mut session = Session::new(model, ctx, true);
    let thread = thread::Builder::new()
        .name(thread_name(SupplyModel::Scpi(model).as_str()))
        .spawn(move || {
            let mut buf = [0u8; 1024];
            while !session.ctx.stopped() {
                match pty.read_timeout(&mut buf, POLL) {
                    Ok(0) => engine::tick(&mut session.inst),
                    Ok(n) => {
                        for reply in session.feed(&buf[..n], Arrival::exact(Instant::now())) {
                            let _ = pty.write_timeout(reply.as_bytes(), Duration::from_secs(1));
                        }
                    }
                    Err(_) => thread::sleep(POLL),
                }
            }
        })?;
    Ok((address, thread))
}
