//! The client's protocol state, sans I/O: bytes from the server go in ([`Session::receive`]),
//! serial data, negotiation replies and acknowledgements come out. Option negotiation follows
//! RFC 1143's Q method (no loops: a request for a state already in force is not answered).
//! In raw mode the session is a plain byte queue.

use std::collections::VecDeque;

use serialport::{DataBits, FlowControl, Parity, StopBits};

use crate::comport::{
    self, BINARY, COM_PORT_OPTION, Command, SGA, ServerMessage, code, parse_server,
};
use crate::telnet::{self, Decoder, Event, Verb};

/// What this client calls itself when the server asks for a signature.
pub const SIGNATURE: &[u8] = b"hil-rfc2217";

/// Telnet with COM-PORT-OPTION, or bytes as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Telnet with RFC 2217 COM-PORT-OPTION (`rfc2217://`).
    Rfc2217,
    /// Bytes as they are (`tcp://`).
    Raw,
}

/// One side of one option (RFC 1143; this client never asks to disable an option, so there
/// is no WANTNO state).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Q {
    No,
    Yes,
    WantYes,
}

/// Options this client enables on its own side (it sends WILL).
const WANT_US: [u8; 3] = [BINARY, SGA, COM_PORT_OPTION];
/// Options this client asks the server to enable (it sends DO).
const WANT_THEM: [u8; 2] = [BINARY, SGA];

/// Where option negotiation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Negotiation {
    /// Offers are still unanswered.
    Pending,
    /// COM-PORT-OPTION is on; BINARY and SGA are settled (on, or refused by the server).
    Done,
    /// The server refused this option, which the client cannot do without.
    Refused(u8),
}

/// A sent command whose acknowledgement can be looked up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ticket {
    code: u8,
    seq: u64,
}

#[derive(Debug, Clone, Default)]
struct AckSlot {
    seq: u64,
    value: Vec<u8>,
}

/// The line as the server last reported it (or as assumed in raw mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineReport {
    /// The baud rate, if reported.
    pub baud: Option<u32>,
    /// The data bits, if reported.
    pub data_bits: Option<DataBits>,
    /// The parity, if reported.
    pub parity: Option<Parity>,
    /// The stop bits, if reported.
    pub stop_bits: Option<StopBits>,
    /// The flow control, if reported.
    pub flow_control: Option<FlowControl>,
}

/// The client side of one connection.
#[derive(Debug, Clone)]
pub struct Session {
    mode: Mode,
    decoder: Decoder,
    us: [Q; 256],
    them: [Q; 256],
    refused: Option<u8>,
    out: Vec<u8>,
    data: VecDeque<u8>,
    acks: [AckSlot; code::COUNT],
    line: LineReport,
    modem_state: Option<u8>,
    line_state: Option<u8>,
    suspended: bool,
    server_signature: Option<Vec<u8>>,
    scratch: Vec<u8>,
    events: Vec<Event>,
}

impl Session {
    /// A telnet session with the client's offers (WILL COM-PORT-OPTION, BINARY both ways,
    /// SGA both ways) already queued in [`Session::take_output`].
    pub fn rfc2217() -> Self {
        let mut s = Session::new(Mode::Rfc2217);
        for option in WANT_US {
            s.us[option as usize] = Q::WantYes;
            telnet::encode_negotiation(Verb::Will, option, &mut s.out);
        }
        for option in WANT_THEM {
            s.them[option as usize] = Q::WantYes;
            telnet::encode_negotiation(Verb::Do, option, &mut s.out);
        }
        s
    }

    /// A raw byte session (no telnet).
    pub fn raw() -> Self {
        Session::new(Mode::Raw)
    }

    fn new(mode: Mode) -> Self {
        Session {
            mode,
            decoder: Decoder::default(),
            us: [Q::No; 256],
            them: [Q::No; 256],
            refused: None,
            out: Vec::new(),
            data: VecDeque::new(),
            acks: Default::default(),
            line: LineReport::default(),
            modem_state: None,
            line_state: None,
            suspended: false,
            server_signature: None,
            scratch: Vec::new(),
            events: Vec::new(),
        }
    }

    /// The mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Takes in bytes received from the server.
    pub fn receive(&mut self, mut input: &[u8]) {
        if self.mode == Mode::Raw {
            self.data.extend(input);
            return;
        }
        while !input.is_empty() {
            let used = self
                .decoder
                .feed_to_event(input, &mut self.scratch, &mut self.events);
            input = &input[used..];
            self.data.extend(self.scratch.drain(..));
            let events = std::mem::take(&mut self.events);
            for event in &events {
                self.handle(event);
            }
            self.events = events;
            self.events.clear();
        }
    }

    /// Bytes to send to the server (negotiation replies, commands), emptied.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.out)
    }

    /// Whether [`Session::take_output`] has anything.
    pub fn has_output(&self) -> bool {
        !self.out.is_empty()
    }

    /// Moves received serial data into `buf`; returns how many bytes.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        let n = buf.len().min(self.data.len());
        for (dst, src) in buf.iter_mut().zip(self.data.drain(..n)) {
            *dst = src;
        }
        n
    }

    /// Received serial data not read yet.
    pub fn buffered(&self) -> usize {
        self.data.len()
    }

    /// Drops received serial data not read yet.
    pub fn discard_input(&mut self) {
        self.data.clear();
    }

    /// Appends `data` to `out` as it goes on the wire.
    pub fn encode(&self, data: &[u8], out: &mut Vec<u8>) {
        match self.mode {
            Mode::Raw => out.extend_from_slice(data),
            Mode::Rfc2217 => telnet::encode_data(data, self.us[BINARY as usize] == Q::Yes, out),
        }
    }

    /// Where option negotiation stands (always done in raw mode).
    pub fn negotiation(&self) -> Negotiation {
        if self.mode == Mode::Raw {
            return Negotiation::Done;
        }
        if let Some(option) = self.refused {
            return Negotiation::Refused(option);
        }
        let pending = WANT_US.iter().any(|&o| self.us[o as usize] == Q::WantYes)
            || WANT_THEM
                .iter()
                .any(|&o| self.them[o as usize] == Q::WantYes);
        match (pending, self.us[COM_PORT_OPTION as usize]) {
            (false, Q::Yes) => Negotiation::Done,
            _ => Negotiation::Pending,
        }
    }

    /// Whether BINARY is in force in both directions.
    pub fn binary(&self) -> bool {
        self.us[BINARY as usize] == Q::Yes && self.them[BINARY as usize] == Q::Yes
    }

    /// Queues a COM-PORT-OPTION command; the ticket finds its acknowledgement.
    pub fn send(&mut self, command: Command) -> Ticket {
        let code = command.code();
        telnet::encode_subnegotiation(COM_PORT_OPTION, &command.payload(), &mut self.out);
        Ticket {
            code,
            seq: self.acks[code as usize].seq,
        }
    }

    /// The server's acknowledgement value, once one arrived after the ticket's command was sent.
    pub fn ack(&self, ticket: Ticket) -> Option<&[u8]> {
        let slot = &self.acks[ticket.code as usize];
        (slot.seq > ticket.seq).then_some(slot.value.as_slice())
    }

    /// The line settings as last reported by the server.
    pub fn line(&self) -> LineReport {
        self.line
    }

    /// Records line settings without a server (raw mode: the far end is configured elsewhere).
    pub fn assume_line(&mut self, line: LineReport) {
        self.line = line;
    }

    /// The last NOTIFY-MODEMSTATE bits (see [`comport::modemstate`]).
    pub fn modem_state(&self) -> Option<u8> {
        self.modem_state
    }

    /// The last NOTIFY-LINESTATE bits (see [`comport::linestate`]).
    pub fn line_state(&self) -> Option<u8> {
        self.line_state
    }

    /// Whether the server asked the client to stop sending (FLOWCONTROL-SUSPEND).
    pub fn suspended(&self) -> bool {
        self.suspended
    }

    /// The server's signature, if it sent one.
    pub fn server_signature(&self) -> Option<&[u8]> {
        self.server_signature.as_deref()
    }

    fn handle(&mut self, event: &Event) {
        match event {
            Event::Negotiation { verb, option } => self.negotiate(*verb, *option),
            Event::Subnegotiation {
                option: COM_PORT_OPTION,
                payload,
            } => self.com_port(parse_server(payload)),
            Event::Subnegotiation { option, .. } => {
                tracing::debug!(option, "ignoring a subnegotiation of an option not enabled")
            }
            Event::MalformedSubnegotiation { option } => {
                tracing::debug!(option, "malformed subnegotiation dropped")
            }
            Event::Other(_) => {}
        }
        self.decoder
            .set_binary(self.them[BINARY as usize] == Q::Yes);
    }

    fn negotiate(&mut self, verb: Verb, option: u8) {
        let o = option as usize;
        match verb {
            Verb::Will | Verb::Wont => {
                let want = WANT_THEM.contains(&option);
                let (next, reply) = answer(self.them[o], verb == Verb::Will, want);
                self.them[o] = next;
                self.reply(
                    reply.map(|on| if on { Verb::Do } else { Verb::Dont }),
                    option,
                );
            }
            Verb::Do | Verb::Dont => {
                let want = WANT_US.contains(&option);
                let before = self.us[o];
                let (next, reply) = answer(before, verb == Verb::Do, want);
                self.us[o] = next;
                if option == COM_PORT_OPTION && verb == Verb::Dont && before != Q::No {
                    self.refused = Some(option);
                }
                self.reply(
                    reply.map(|on| if on { Verb::Will } else { Verb::Wont }),
                    option,
                );
            }
        }
    }

    fn reply(&mut self, verb: Option<Verb>, option: u8) {
        if let Some(verb) = verb {
            telnet::encode_negotiation(verb, option, &mut self.out);
        }
    }

    fn com_port(&mut self, message: ServerMessage) {
        match message {
            ServerMessage::Ack { code, value } => self.record_ack(code, value),
            ServerMessage::Signature(text) if text.is_empty() => {
                let mut payload = vec![code::SIGNATURE];
                payload.extend_from_slice(SIGNATURE);
                telnet::encode_subnegotiation(COM_PORT_OPTION, &payload, &mut self.out);
            }
            ServerMessage::Signature(text) => self.server_signature = Some(text),
            ServerMessage::LineState(bits) => self.line_state = Some(bits),
            ServerMessage::ModemState(bits) => self.modem_state = Some(bits),
            ServerMessage::FlowSuspend => self.suspended = true,
            ServerMessage::FlowResume => self.suspended = false,
            ServerMessage::Unknown(payload) => {
                tracing::debug!(?payload, "unknown COM-PORT-OPTION message ignored")
            }
        }
    }

    fn record_ack(&mut self, code: u8, value: Vec<u8>) {
        match code {
            code::SET_BAUDRATE => self.line.baud = comport::ack_baud(&value).or(self.line.baud),
            code::SET_DATASIZE => {
                self.line.data_bits = comport::ack_data_bits(&value).or(self.line.data_bits)
            }
            code::SET_PARITY => self.line.parity = comport::ack_parity(&value).or(self.line.parity),
            code::SET_STOPSIZE => {
                self.line.stop_bits = comport::ack_stop_bits(&value).or(self.line.stop_bits)
            }
            code::SET_CONTROL => {
                self.line.flow_control = comport::ack_flow(&value).or(self.line.flow_control)
            }
            // Data received before the server purged its receive buffer is stale too.
            code::PURGE_DATA if matches!(value.first(), Some(1 | 3)) => self.data.clear(),
            _ => {}
        }
        let slot = &mut self.acks[code as usize];
        slot.seq += 1;
        slot.value = value;
    }
}

/// RFC 1143 for one received request: `on` is WILL/DO, `want` whether we accept the option.
/// Returns the new state and the reply (`Some(true)` = agree/DO/WILL, `Some(false)` = refuse).
fn answer(state: Q, on: bool, want: bool) -> (Q, Option<bool>) {
    match (state, on) {
        (Q::No, true) if want => (Q::Yes, Some(true)),
        (Q::No, true) => (Q::No, Some(false)),
        (Q::No, false) => (Q::No, None),
        (Q::Yes, true) => (Q::Yes, None),
        (Q::Yes, false) => (Q::No, Some(false)),
        (Q::WantYes, true) => (Q::Yes, None),
        (Q::WantYes, false) => (Q::No, None),
    }
}

#[cfg(test)]
mod tests;
