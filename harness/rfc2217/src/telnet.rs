//! The telnet byte layer (RFC 854, 855), sans I/O: a decoder that splits a received byte
//! stream into data and commands, and the encoders for data (IAC doubled, RFC 854; CR NUL
//! outside BINARY mode, RFC 856), option negotiation and subnegotiation.
//!
//! The decoder keeps its state between calls, so a stream may be fed in pieces split anywhere.

/// Interpret As Command: starts every telnet command; doubled in data.
pub const IAC: u8 = 255;
/// Refuses an option for the sender's side (RFC 854).
pub const DONT: u8 = 254;
/// Asks the peer to enable an option on its side.
pub const DO: u8 = 253;
/// Refuses an option for the sender's own side.
pub const WONT: u8 = 252;
/// Offers (or agrees) to enable an option on the sender's side.
pub const WILL: u8 = 251;
/// Starts a subnegotiation (RFC 855).
pub const SB: u8 = 250;
/// Ends a subnegotiation.
pub const SE: u8 = 240;

/// Longest subnegotiation payload kept; the rest is dropped and the block reported malformed.
pub const MAX_SUBNEGOTIATION: usize = 1024;

const CR: u8 = b'\r';
const LF: u8 = b'\n';
const NUL: u8 = 0;

/// The four negotiation verbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// WILL: the sender offers to use an option.
    Will,
    /// WONT: the sender refuses to use an option.
    Wont,
    /// DO: the sender asks the other side to use an option.
    Do,
    /// DONT: the sender asks the other side not to use an option.
    Dont,
}

impl Verb {
    fn from_byte(b: u8) -> Option<Verb> {
        match b {
            WILL => Some(Verb::Will),
            WONT => Some(Verb::Wont),
            DO => Some(Verb::Do),
            DONT => Some(Verb::Dont),
            _ => None,
        }
    }

    /// The command byte.
    pub fn byte(self) -> u8 {
        match self {
            Verb::Will => WILL,
            Verb::Wont => WONT,
            Verb::Do => DO,
            Verb::Dont => DONT,
        }
    }
}

/// A command found in the received stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `IAC WILL|WONT|DO|DONT option`.
    Negotiation {
        /// WILL, WONT, DO or DONT.
        verb: Verb,
        /// The telnet option number.
        option: u8,
    },
    /// `IAC SB option payload IAC SE`, with doubled IACs in the payload undone.
    Subnegotiation {
        /// The telnet option number.
        option: u8,
        /// The bytes between the option and `IAC SE`.
        payload: Vec<u8>,
    },
    /// A subnegotiation that was cut short (by another command) or exceeded
    /// [`MAX_SUBNEGOTIATION`]; its payload is dropped.
    MalformedSubnegotiation {
        /// The telnet option number.
        option: u8,
    },

    /// Any other two-byte command (NOP, GA, AYT, BRK, DM, …); carries no data.
    Other(u8),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Data,
    /// A CR was received outside BINARY mode: a following NUL is dropped (RFC 854).
    DataCr,
    Iac,
    Verb(Verb),
    SbOption,
    Sb,
    SbIac,
}

/// Splits a received telnet stream into data bytes and [`Event`]s.
#[derive(Debug, Clone)]
pub struct Decoder {
    state: State,
    binary: bool,
    sb_option: u8,
    sb_payload: Vec<u8>,
    sb_overflow: bool,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            state: State::Data,
            binary: false,
            sb_option: 0,
            sb_payload: Vec::new(),
            sb_overflow: false,
        }
    }
}

impl Decoder {
    /// Whether the peer sends in BINARY mode (RFC 856): then CR NUL is not special.
    pub fn set_binary(&mut self, binary: bool) {
        self.binary = binary;
        if binary && self.state == State::DataCr {
            self.state = State::Data;
        }
    }

    /// Decodes `input`, appending data bytes to `data` and commands to `events`.
    pub fn feed(&mut self, input: &[u8], data: &mut Vec<u8>, events: &mut Vec<Event>) {
        for &b in input {
            self.step(b, data, events);
        }
    }

    /// Like [`Decoder::feed`] but stops right after the first command, so the caller can act
    /// on it (e.g. a change of BINARY mode) before the bytes behind it are decoded. Returns how
    /// many bytes of `input` were consumed.
    pub fn feed_to_event(
        &mut self,
        input: &[u8],
        data: &mut Vec<u8>,
        events: &mut Vec<Event>,
    ) -> usize {
        let before = events.len();
        for (i, &b) in input.iter().enumerate() {
            self.step(b, data, events);
            if events.len() > before {
                return i + 1;
            }
        }
        input.len()
    }

    fn step(&mut self, b: u8, data: &mut Vec<u8>, events: &mut Vec<Event>) {
        self.state = match self.state {
            State::Data | State::DataCr => self.data_byte(b, data),
            State::Iac => self.after_iac(b, data, events),
            State::Verb(verb) => {
                events.push(Event::Negotiation { verb, option: b });
                State::Data
            }
            State::SbOption => {
                self.sb_option = b;
                self.sb_payload.clear();
                self.sb_overflow = false;
                State::Sb
            }
            State::Sb if b == IAC => State::SbIac,
            State::Sb => {
                self.push_sb(b);
                State::Sb
            }
            State::SbIac => self.after_sb_iac(b, data, events),
        };
    }

    fn data_byte(&mut self, b: u8, data: &mut Vec<u8>) -> State {
        let after_cr = self.state == State::DataCr;
        match b {
            IAC => State::Iac,
            NUL if after_cr => State::Data,
            CR if !self.binary => {
                data.push(b);
                State::DataCr
            }
            _ => {
                data.push(b);
                State::Data
            }
        }
    }

    fn after_iac(&mut self, b: u8, data: &mut Vec<u8>, events: &mut Vec<Event>) -> State {
        if let Some(verb) = Verb::from_byte(b) {
            return State::Verb(verb);
        }
        match b {
            IAC => {
                data.push(IAC);
                State::Data
            }
            SB => State::SbOption,
            other => {
                events.push(Event::Other(other));
                State::Data
            }
        }
    }

    fn after_sb_iac(&mut self, b: u8, data: &mut Vec<u8>, events: &mut Vec<Event>) -> State {
        match b {
            IAC => {
                self.push_sb(IAC);
                State::Sb
            }
            SE => {
                let option = self.sb_option;
                if self.sb_overflow {
                    events.push(Event::MalformedSubnegotiation { option });
                } else {
                    let payload = std::mem::take(&mut self.sb_payload);
                    events.push(Event::Subnegotiation { option, payload });
                }
                State::Data
            }
            // A command inside a subnegotiation: the block was cut short; the command counts.
            other => {
                events.push(Event::MalformedSubnegotiation {
                    option: self.sb_option,
                });
                self.sb_payload.clear();
                self.after_iac(other, data, events)
            }
        }
    }

    fn push_sb(&mut self, b: u8) {
        if self.sb_payload.len() < MAX_SUBNEGOTIATION {
            self.sb_payload.push(b);
        } else {
            self.sb_overflow = true;
        }
    }
}

/// Appends `data` to `out` as telnet data: IAC doubled; outside BINARY mode a CR not followed
/// by LF becomes CR NUL (RFC 854), which the peer's decoder undoes.
pub fn encode_data(data: &[u8], binary: bool, out: &mut Vec<u8>) {
    out.reserve(data.len() + data.len() / 16 + 2);
    for (i, &b) in data.iter().enumerate() {
        out.push(b);
        if b == IAC {
            out.push(IAC);
        } else if b == CR && !binary && data.get(i + 1) != Some(&LF) {
            out.push(NUL);
        }
    }
}

/// Appends `IAC verb option`.
pub fn encode_negotiation(verb: Verb, option: u8, out: &mut Vec<u8>) {
    out.extend_from_slice(&[IAC, verb.byte(), option]);
}

/// Appends `IAC SB option payload IAC SE`, IACs in the payload doubled.
pub fn encode_subnegotiation(option: u8, payload: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(&[IAC, SB, option]);
    for &b in payload {
        out.push(b);
        if b == IAC {
            out.push(IAC);
        }
    }
    out.extend_from_slice(&[IAC, SE]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(binary: bool, input: &[u8]) -> (Vec<u8>, Vec<Event>) {
        let mut d = Decoder::default();
        d.set_binary(binary);
        let (mut data, mut events) = (Vec::new(), Vec::new());
        d.feed(input, &mut data, &mut events);
        (data, events)
    }

    #[test]
    fn doubled_iac_is_one_data_byte() {
        let (data, events) = decode(true, &[0x41, IAC, IAC, 0x42]);
        assert_eq!(data, [0x41, IAC, 0x42]);
        assert!(events.is_empty());
    }

    #[test]
    fn ser2net_greeting_is_seven_negotiations() {
        // What ser2net 4.3.11 sends on connect (captured on loopback).
        let greeting = [
            0xff, 0xfb, 0x03, 0xff, 0xfd, 0x03, 0xff, 0xfb, 0x01, 0xff, 0xfe, 0x01, 0xff, 0xfd,
            0x00, 0xff, 0xfb, 0x00, 0xff, 0xfd, 0x2c,
        ];
        let (data, events) = decode(false, &greeting);
        assert!(data.is_empty());
        assert_eq!(events.len(), 7);
        assert_eq!(
            events[6],
            Event::Negotiation {
                verb: Verb::Do,
                option: 44
            }
        );
    }

    #[test]
    fn subnegotiation_payload_is_unescaped() {
        let (data, events) = decode(true, &[IAC, SB, 44, 101, 0, IAC, IAC, 1, IAC, SE, 7]);
        assert_eq!(data, [7]);
        assert_eq!(
            events,
            [Event::Subnegotiation {
                option: 44,
                payload: vec![101, 0, IAC, 1]
            }]
        );
    }

    #[test]
    fn a_command_inside_a_subnegotiation_ends_it() {
        let (data, events) = decode(true, &[IAC, SB, 44, 1, 2, IAC, WILL, 3, 9]);
        assert_eq!(data, [9]);
        assert_eq!(
            events,
            [
                Event::MalformedSubnegotiation { option: 44 },
                Event::Negotiation {
                    verb: Verb::Will,
                    option: 3
                }
            ]
        );
    }

    #[test]
    fn an_endless_subnegotiation_is_bounded() {
        let mut input = vec![IAC, SB, 44];
        input.extend(std::iter::repeat_n(7u8, MAX_SUBNEGOTIATION * 4));
        input.extend_from_slice(&[IAC, SE]);
        let (data, events) = decode(true, &input);
        assert!(data.is_empty());
        assert_eq!(events, [Event::MalformedSubnegotiation { option: 44 }]);
    }

    #[test]
    fn cr_nul_outside_binary_mode() {
        let mut out = Vec::new();
        encode_data(b"AT\rX\r\n\r", false, &mut out);
        assert_eq!(out, b"AT\r\0X\r\n\r\0");
        assert_eq!(decode(false, &out).0, b"AT\rX\r\n\r");
        // In BINARY mode CR is plain data both ways.
        out.clear();
        encode_data(b"AT\r", true, &mut out);
        assert_eq!(out, b"AT\r");
        assert_eq!(decode(true, b"\r\0").0, b"\r\0");
    }

    #[test]
    fn other_commands_carry_no_data() {
        let (data, events) = decode(true, &[1, IAC, 241, 2, IAC, 249, 3]);
        assert_eq!(data, [1, 2, 3]);
        assert_eq!(events, [Event::Other(241), Event::Other(249)]);
    }

    #[test]
    fn subnegotiation_encoding_doubles_iac() {
        let mut out = Vec::new();
        encode_subnegotiation(44, &[1, 0, 0, IAC, 0], &mut out);
        assert_eq!(out, [IAC, SB, 44, 1, 0, 0, IAC, IAC, 0, IAC, SE]);
    }
}
