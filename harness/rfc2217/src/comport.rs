//! The COM-PORT-OPTION (RFC 2217) vocabulary: the client's commands as subnegotiation
//! payloads, and the server's messages (client code + 100) parsed back.

use serialport::{DataBits, FlowControl, Parity, StopBits};

/// Telnet option number of COM-PORT-OPTION (RFC 2217).
pub const COM_PORT_OPTION: u8 = 44;
/// Telnet BINARY option (RFC 856).
pub const BINARY: u8 = 0;
/// Telnet ECHO option (RFC 857).
pub const ECHO: u8 = 1;
/// Telnet SUPPRESS-GO-AHEAD option (RFC 858).
pub const SGA: u8 = 3;

/// Server-to-client codes are the client's plus this.
pub const SERVER_OFFSET: u8 = 100;

/// The client's command codes (RFC 2217 "Com Port Option" table).
pub mod code {
    /// SIGNATURE: exchange the client's and server's signature text.
    pub const SIGNATURE: u8 = 0;
    /// SET-BAUDRATE: set (or, with 0, ask) the baud rate.
    pub const SET_BAUDRATE: u8 = 1;
    /// SET-DATASIZE: set (or ask) the data bits.
    pub const SET_DATASIZE: u8 = 2;
    /// SET-PARITY: set (or ask) the parity.
    pub const SET_PARITY: u8 = 3;
    /// SET-STOPSIZE: set (or ask) the stop bits.
    pub const SET_STOPSIZE: u8 = 4;
    /// SET-CONTROL: flow control, BREAK, DTR and RTS.
    pub const SET_CONTROL: u8 = 5;
    /// NOTIFY-LINESTATE: the server reports line state bits.
    pub const NOTIFY_LINESTATE: u8 = 6;
    /// NOTIFY-MODEMSTATE: the server reports modem state bits.
    pub const NOTIFY_MODEMSTATE: u8 = 7;
    /// FLOWCONTROL-SUSPEND: the sender is asked to stop sending data.
    pub const FLOWCONTROL_SUSPEND: u8 = 8;
    /// FLOWCONTROL-RESUME: the sender may send data again.
    pub const FLOWCONTROL_RESUME: u8 = 9;
    /// SET-LINESTATE-MASK: which line state changes the server reports.
    pub const SET_LINESTATE_MASK: u8 = 10;
    /// SET-MODEMSTATE-MASK: which modem state changes the server reports.
    pub const SET_MODEMSTATE_MASK: u8 = 11;
    /// PURGE-DATA: empty the server's buffers.
    pub const PURGE_DATA: u8 = 12;
    /// Number of codes (0..=12).
    pub const COUNT: usize = 13;
}

/// SET-CONTROL values the client sends (RFC 2217).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// No flow control.
    FlowNone,
    /// XON/XOFF software flow control.
    FlowXonXoff,
    /// RTS/CTS hardware flow control.
    FlowHardware,
    /// Start sending a BREAK.
    BreakOn,
    /// Stop sending a BREAK.
    BreakOff,
    /// Assert DTR.
    DtrOn,
    /// Drop DTR.
    DtrOff,
    /// Assert RTS.
    RtsOn,
    /// Drop RTS.
    RtsOff,
}

impl Control {
    /// The value byte.
    pub fn value(self) -> u8 {
        match self {
            Control::FlowNone => 1,
            Control::FlowXonXoff => 2,
            Control::FlowHardware => 3,
            Control::BreakOn => 5,
            Control::BreakOff => 6,
            Control::DtrOn => 8,
            Control::DtrOff => 9,
            Control::RtsOn => 11,
            Control::RtsOff => 12,
        }
    }

    /// The outbound flow-control setting for `flow`.
    pub fn flow(flow: FlowControl) -> Control {
        match flow {
            FlowControl::None => Control::FlowNone,
            FlowControl::Software => Control::FlowXonXoff,
            FlowControl::Hardware => Control::FlowHardware,
        }
    }

    /// Whether this sets the flow control (acknowledged like a line setting) rather than a
    /// modem-control line or break.
    pub fn is_flow(self) -> bool {
        matches!(
            self,
            Control::FlowNone | Control::FlowXonXoff | Control::FlowHardware
        )
    }
}

/// Which buffers PURGE-DATA empties at the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purge {
    /// Data the server received from the device and has not sent yet.
    Receive,
    /// Data the server has not written to the device yet.
    Transmit,
    /// Both buffers.
    Both,
}

impl Purge {
    /// The value byte.
    pub fn value(self) -> u8 {
        match self {
            Purge::Receive => 1,
            Purge::Transmit => 2,
            Purge::Both => 3,
        }
    }
}

/// A client command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// SET-BAUDRATE with this rate.
    SetBaudRate(u32),
    /// SET-DATASIZE with these data bits.
    SetDataSize(DataBits),
    /// SET-PARITY with this parity.
    SetParity(Parity),
    /// SET-STOPSIZE with these stop bits.
    SetStopSize(StopBits),
    /// SET-CONTROL with this value.
    SetControl(Control),
    /// PURGE-DATA of these buffers.
    Purge(Purge),
}

impl Command {
    /// The command code.
    pub fn code(self) -> u8 {
        match self {
            Command::SetBaudRate(_) => code::SET_BAUDRATE,
            Command::SetDataSize(_) => code::SET_DATASIZE,
            Command::SetParity(_) => code::SET_PARITY,
            Command::SetStopSize(_) => code::SET_STOPSIZE,
            Command::SetControl(_) => code::SET_CONTROL,
            Command::Purge(_) => code::PURGE_DATA,
        }
    }

    /// The subnegotiation payload (code and value, before IAC doubling).
    pub fn payload(self) -> Vec<u8> {
        let mut p = vec![self.code()];
        match self {
            Command::SetBaudRate(baud) => p.extend_from_slice(&baud.to_be_bytes()),
            Command::SetDataSize(bits) => p.push(data_bits_value(bits)),
            Command::SetParity(parity) => p.push(parity_value(parity)),
            Command::SetStopSize(stop) => p.push(stop_value(stop)),
            Command::SetControl(c) => p.push(c.value()),
            Command::Purge(which) => p.push(which.value()),
        }
        p
    }

    /// The value the server's acknowledgement should carry when it applied the command, or
    /// `None` where servers answer with something else (modem lines: ser2net reports BREAK-OFF
    /// as on; no answer at all on ports without modem lines).
    pub fn expected_ack(self) -> Option<Vec<u8>> {
        match self {
            Command::SetControl(c) if !c.is_flow() => None,
            _ => Some(self.payload()[1..].to_vec()),
        }
    }

    /// How the command reads in an error message, e.g. `SET-BAUDRATE 9600`.
    pub fn describe(self) -> String {
        match self {
            Command::SetBaudRate(b) => format!("SET-BAUDRATE {b}"),
            Command::SetDataSize(d) => format!("SET-DATASIZE {}", data_bits_value(d)),
            Command::SetParity(p) => format!("SET-PARITY {p}"),
            Command::SetStopSize(s) => format!("SET-STOPSIZE {s}"),
            Command::SetControl(c) => format!("SET-CONTROL {c:?}"),
            Command::Purge(p) => format!("PURGE-DATA {p:?}"),
        }
    }
}

fn data_bits_value(bits: DataBits) -> u8 {
    u8::from(bits)
}

fn parity_value(parity: Parity) -> u8 {
    match parity {
        Parity::None => 1,
        Parity::Odd => 2,
        Parity::Even => 3,
    }
}

fn stop_value(stop: StopBits) -> u8 {
    match stop {
        StopBits::One => 1,
        StopBits::Two => 2,
    }
}

/// Line state bits of NOTIFY-LINESTATE (RFC 2217).
pub mod linestate {
    /// Data is waiting to be read.
    pub const DATA_READY: u8 = 0x01;
    /// Received data was lost (overrun).
    pub const OVERRUN: u8 = 0x02;
    /// A parity error was detected.
    pub const PARITY_ERROR: u8 = 0x04;
    /// A framing error was detected.
    pub const FRAMING_ERROR: u8 = 0x08;
    /// A BREAK was detected.
    pub const BREAK: u8 = 0x10;
}

/// Modem state bits of NOTIFY-MODEMSTATE (RFC 2217).
pub mod modemstate {
    /// Clear To Send is asserted.
    pub const CTS: u8 = 0x10;
    /// Data Set Ready is asserted.
    pub const DSR: u8 = 0x20;
    /// Ring Indicator is asserted.
    pub const RI: u8 = 0x40;
    /// Data Carrier Detect is asserted.
    pub const DCD: u8 = 0x80;
}

/// A COM-PORT-OPTION message from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerMessage {
    /// The acknowledgement of client command `code` with the server's value (for baud rate
    /// and line settings: what the port is now set to).
    Ack {
        /// The client command code acknowledged.
        code: u8,
        /// The value bytes the server sent.
        value: Vec<u8>,
    },
    /// The server's signature (text), or a request for ours (empty).
    Signature(Vec<u8>),
    /// A NOTIFY-LINESTATE with its [`linestate`] bits.
    LineState(u8),
    /// A NOTIFY-MODEMSTATE with its [`modemstate`] bits.
    ModemState(u8),
    /// The server asks the client to stop sending data.
    FlowSuspend,
    /// The server can take data again.
    FlowResume,
    /// Anything else (unknown code, missing value); ignored.
    Unknown(Vec<u8>),
}

/// Parses a COM-PORT-OPTION subnegotiation payload sent by a server.
pub fn parse_server(payload: &[u8]) -> ServerMessage {
    let Some((&first, value)) = payload.split_first() else {
        return ServerMessage::Unknown(Vec::new());
    };
    let Some(client_code) = first.checked_sub(SERVER_OFFSET) else {
        return ServerMessage::Unknown(payload.to_vec());
    };
    match (client_code, value) {
        (code::SIGNATURE, text) => ServerMessage::Signature(text.to_vec()),
        (code::NOTIFY_LINESTATE, [bits]) => ServerMessage::LineState(*bits),
        (code::NOTIFY_MODEMSTATE, [bits]) => ServerMessage::ModemState(*bits),
        (code::FLOWCONTROL_SUSPEND, _) => ServerMessage::FlowSuspend,
        (code::FLOWCONTROL_RESUME, _) => ServerMessage::FlowResume,
        (c, v) if is_acknowledged(c) && !v.is_empty() => ServerMessage::Ack {
            code: c,
            value: v.to_vec(),
        },
        _ => ServerMessage::Unknown(payload.to_vec()),
    }
}

fn is_acknowledged(c: u8) -> bool {
    matches!(
        c,
        code::SET_BAUDRATE
            | code::SET_DATASIZE
            | code::SET_PARITY
            | code::SET_STOPSIZE
            | code::SET_CONTROL
            | code::SET_LINESTATE_MASK
            | code::SET_MODEMSTATE_MASK
            | code::PURGE_DATA
    )
}

/// The baud rate in a SET-BAUDRATE acknowledgement.
pub fn ack_baud(value: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(value).ok().map(u32::from_be_bytes)
}

/// The data bits in a SET-DATASIZE acknowledgement.
pub fn ack_data_bits(value: &[u8]) -> Option<DataBits> {
    value.first().and_then(|&v| DataBits::try_from(v).ok())
}

/// The parity in a SET-PARITY acknowledgement (MARK and SPACE have no `serialport` value).
pub fn ack_parity(value: &[u8]) -> Option<Parity> {
    match value.first()? {
        1 => Some(Parity::None),
        2 => Some(Parity::Odd),
        3 => Some(Parity::Even),
        _ => None,
    }
}

/// The stop bits in a SET-STOPSIZE acknowledgement (1.5 has no `serialport` value).
pub fn ack_stop_bits(value: &[u8]) -> Option<StopBits> {
    match value.first()? {
        1 => Some(StopBits::One),
        2 => Some(StopBits::Two),
        _ => None,
    }
}

/// The flow control in a SET-CONTROL acknowledgement, if it reports one.
pub fn ack_flow(value: &[u8]) -> Option<FlowControl> {
    match value.first()? {
        1 => Some(FlowControl::None),
        2 => Some(FlowControl::Software),
        3 => Some(FlowControl::Hardware),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(Command::SetBaudRate(9600), &[1, 0, 0, 0x25, 0x80])]
    #[case(Command::SetBaudRate(1_000_000), &[1, 0, 0x0f, 0x42, 0x40])]
    #[case(Command::SetDataSize(DataBits::Seven), &[2, 7])]
    #[case(Command::SetParity(Parity::Even), &[3, 3])]
    #[case(Command::SetStopSize(StopBits::Two), &[4, 2])]
    #[case(Command::SetControl(Control::FlowHardware), &[5, 3])]
    #[case(Command::SetControl(Control::DtrOn), &[5, 8])]
    #[case(Command::Purge(Purge::Both), &[12, 3])]
    fn commands_encode_per_rfc2217(#[case] cmd: Command, #[case] want: &[u8]) {
        assert_eq!(cmd.payload(), want);
    }

    #[test]
    fn ser2net_messages_parse() {
        // Captured from ser2net 4.3.11: baud ack, modem state, purge ack, signature.
        assert_eq!(
            parse_server(&[101, 0, 0, 0x25, 0x80]),
            ServerMessage::Ack {
                code: code::SET_BAUDRATE,
                value: vec![0, 0, 0x25, 0x80]
            }
        );
        assert_eq!(parse_server(&[107, 0]), ServerMessage::ModemState(0));
        assert_eq!(
            parse_server(&[112, 1]),
            ServerMessage::Ack {
                code: code::PURGE_DATA,
                value: vec![1]
            }
        );
        assert_eq!(
            parse_server(b"dser2net"),
            ServerMessage::Signature(b"ser2net".to_vec())
        );
    }

    #[rstest]
    #[case(&[])]
    #[case(&[5])]
    #[case(&[101])]
    #[case(&[106])]
    #[case(&[200, 1])]
    fn odd_messages_are_unknown_not_panics(#[case] payload: &[u8]) {
        assert!(matches!(parse_server(payload), ServerMessage::Unknown(_)));
    }

    #[test]
    fn ack_values_decode() {
        assert_eq!(ack_baud(&[0, 1, 0xc2, 0]), Some(115_200));
        assert_eq!(ack_baud(&[1, 2]), None);
        assert_eq!(ack_data_bits(&[7]), Some(DataBits::Seven));
        assert_eq!(ack_data_bits(&[9]), None);
        assert_eq!(ack_parity(&[4]), None);
        assert_eq!(ack_stop_bits(&[3]), None);
        assert_eq!(ack_flow(&[3]), Some(FlowControl::Hardware));
    }
}
