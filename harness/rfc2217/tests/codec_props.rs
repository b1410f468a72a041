//! Property tests of the sans-IO layers (the parser is also fuzzed: `harness/rfc2217/fuzz`):
//! arbitrary byte streams never panic the decoder or the session, decoding does not depend on
//! where the stream is split, data escaping round-trips split at every boundary, serial data
//! survives any interleaving with server messages, negotiation never loops, acknowledgements
//! belong to the commands sent before them, and every setting's acknowledgement parses back.

use hil_rfc2217::comport::{self, COM_PORT_OPTION, SERVER_OFFSET, ServerMessage, parse_server};
use hil_rfc2217::session::{Negotiation, Session};
use hil_rfc2217::telnet::{
    self, DO, DONT, Decoder, Event, IAC, MAX_SUBNEGOTIATION, SB, SE, WILL, WONT,
};
use hil_rfc2217::{Command, Control, Purge};
use proptest::prelude::*;
use serialport::{DataBits, FlowControl, Parity, StopBits};

/// Bytes weighted towards the ones the protocol treats specially.
fn wire_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        4 => any::<u8>(),
        3 => Just(IAC),
        1 => Just(SB),
        1 => Just(SE),
        1 => prop::sample::select(vec![WILL, WONT, DO, DONT]),
        1 => prop::sample::select(vec![0u8, 1, 3, 44, b'\r', b'\n']),
    ]
}

fn stream(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(wire_byte(), 0..max)
}

fn decode(binary: bool, pieces: &[&[u8]]) -> (Vec<u8>, Vec<Event>) {
    let mut d = Decoder::default();
    d.set_binary(binary);
    let (mut data, mut events) = (Vec::new(), Vec::new());
    for p in pieces {
        d.feed(p, &mut data, &mut events);
    }
    (data, events)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn decoding_is_the_same_split_anywhere(bytes in stream(160), binary in any::<bool>()) {
        let whole = decode(binary, &[&bytes]);
        for i in 0..=bytes.len() {
            let (a, b) = bytes.split_at(i);
            prop_assert_eq!(&decode(binary, &[a, b]), &whole, "split at {}", i);
        }
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        prop_assert_eq!(decode(binary, &bytewise), whole);
    }

    #[test]
    fn escaped_data_round_trips_split_at_every_boundary(
        data in stream(160),
        binary in any::<bool>(),
    ) {
        let mut wire = Vec::new();
        telnet::encode_data(&data, binary, &mut wire);
        for i in 0..=wire.len() {
            let (a, b) = wire.split_at(i);
            let (got, events) = decode(binary, &[a, b]);
            prop_assert_eq!(&got, &data, "split at {}", i);
            prop_assert!(events.is_empty());
        }
    }

    #[test]
    fn subnegotiations_round_trip(option in any::<u8>(), payload in stream(MAX_SUBNEGOTIATION / 4)) {
        let mut wire = Vec::new();
        telnet::encode_subnegotiation(option, &payload, &mut wire);
        let (data, events) = decode(true, &[&wire]);
        prop_assert!(data.is_empty());
        prop_assert_eq!(events, vec![Event::Subnegotiation { option, payload }]);
    }

    #[test]
    fn the_session_survives_any_stream(chunks in prop::collection::vec(stream(64), 0..16)) {
        let mut s = Session::rfc2217();
        let offers = s.take_output().len();
        let mut received = 0usize;
        let mut replied = 0usize;
        for chunk in &chunks {
            s.receive(chunk);
            received += chunk.len();
            replied += s.take_output().len();
            let _ = s.negotiation();
        }
        prop_assert!(offers > 0);
        // No amplification: at most one 3-byte reply per 3-byte request, plus a signature
        // answer (IAC SB 44 0 "hil-rfc2217" IAC SE) per 6-byte request.
        prop_assert!(replied <= 3 * received, "{} bytes of replies to {}", replied, received);
        let mut buf = vec![0u8; received + 1];
        let n = s.read(&mut buf);
        prop_assert!(n <= received);
        prop_assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn serial_data_survives_interleaved_server_messages(
        pieces in prop::collection::vec((stream(40), 0usize..5), 1..12),
        split in any::<prop::sample::Index>(),
    ) {
        // A server that agreed to BINARY both ways, sending data with notifications between.
        let notices: [&[u8]; 5] = [
            &[IAC, SB, 44, 107, 0x30, IAC, SE],
            &[IAC, SB, 44, 106, IAC, IAC, IAC, SE],
            &[IAC, SB, 44, 101, 0, 0, 0x25, 0x80, IAC, SE],
            &[IAC, 241],
            &[IAC, WILL, 0],
        ];
        let mut s = Session::rfc2217();
        s.receive(&[IAC, DO, 0, IAC, WILL, 0, IAC, DO, 3, IAC, WILL, 3, IAC, DO, 44]);
        prop_assert!(s.binary());
        let (mut wire, mut want) = (Vec::new(), Vec::new());
        for (data, notice) in &pieces {
            telnet::encode_data(data, true, &mut wire);
            want.extend_from_slice(data);
            wire.extend_from_slice(notices[*notice]);
        }
        let at = split.index(wire.len() + 1);
        s.receive(&wire[..at]);
        s.receive(&wire[at..]);
        let mut got = vec![0u8; want.len() + 1];
        let n = s.read(&mut got);
        prop_assert_eq!(&got[..n], &want[..]);
    }

    #[test]
    fn negotiation_never_loops(requests in prop::collection::vec(negotiation(), 0..40)) {
        // RFC 1143: at most one 3-byte reply per request; a state already in force is not
        // confirmed again, so a peer repeating itself never gets agreement twice, and a repeated
        // WONT/DONT gets no answer at all. (A repeated request for an unwanted option is refused
        // again, which the peer does not answer.)
        let mut s = Session::rfc2217();
        s.take_output();
        for (verb, option) in &requests {
            s.receive(&[IAC, *verb, *option]);
            let reply = s.take_output();
            prop_assert!(reply.len() <= 3, "{:?}", reply);
            s.receive(&[IAC, *verb, *option]);
            let again = s.take_output();
            match *verb {
                WONT | DONT => prop_assert!(again.is_empty(), "{} {} answered twice", verb, option),
                _ => prop_assert!(
                    again.is_empty() || again == [IAC, if *verb == WILL { DONT } else { WONT }, *option],
                    "repeat of {} {} answered with {:?}", verb, option, again
                ),
            }
        }
    }

    #[test]
    fn a_server_agreeing_to_everything_completes_negotiation_in_any_order(
        order in Just(vec![(WILL, 0u8), (DO, 0), (WILL, 3), (DO, 3), (DO, 44)]).prop_shuffle(),
        noise in prop::collection::vec((prop::sample::select(vec![WILL, WONT, DO, DONT]),
            prop::sample::select(vec![1u8, 5, 24, 31, 39])), 0..6),
    ) {
        let mut s = Session::rfc2217();
        let mut wire = Vec::new();
        for (i, (verb, option)) in order.iter().enumerate() {
            wire.extend_from_slice(&[IAC, *verb, *option]);
            if let Some((v, o)) = noise.get(i) {
                wire.extend_from_slice(&[IAC, *v, *o]);
            }
        }
        s.receive(&wire);
        prop_assert_eq!(s.negotiation(), Negotiation::Done);
        prop_assert!(s.binary());
    }

    #[test]
    fn acknowledgements_belong_to_the_commands_sent_before_them(
        steps in prop::collection::vec(any::<bool>(), 1..30),
        baud in any::<u32>(),
    ) {
        // `true`: send SET-BAUDRATE; `false`: the server acknowledges. A ticket is answered only
        // by an acknowledgement that arrived after its command went out.
        let mut s = Session::rfc2217();
        let mut tickets = Vec::new();
        let mut acks_since = Vec::new();
        for send in steps {
            if send {
                tickets.push(s.send(Command::SetBaudRate(baud)));
                acks_since.push(0usize);
            } else {
                let mut payload = vec![SERVER_OFFSET + comport::code::SET_BAUDRATE];
                payload.extend_from_slice(&baud.to_be_bytes());
                let mut wire = Vec::new();
                telnet::encode_subnegotiation(COM_PORT_OPTION, &payload, &mut wire);
                s.receive(&wire);
                acks_since.iter_mut().for_each(|n| *n += 1);
            }
            s.take_output();
        }
        for (ticket, after) in tickets.iter().zip(&acks_since) {
            prop_assert_eq!(s.ack(*ticket).is_some(), *after > 0);
        }
    }

    #[test]
    fn every_setting_acknowledged_as_sent_parses_back(command in command()) {
        // A server that applied a command echoes its value with code + 100 (RFC 2217).
        let mut payload = command.payload();
        payload[0] += SERVER_OFFSET;
        let parsed = parse_server(&payload);
        let ServerMessage::Ack { code, value } = parsed else {
            return Err(TestCaseError::fail(format!("{command:?}: {parsed:?}")));
        };
        prop_assert_eq!(code, command.code());
        if let Some(expected) = command.expected_ack() {
            prop_assert_eq!(&value, &expected);
        }
        match command {
            Command::SetBaudRate(b) => prop_assert_eq!(comport::ack_baud(&value), Some(b)),
            Command::SetDataSize(d) => prop_assert_eq!(comport::ack_data_bits(&value), Some(d)),
            Command::SetParity(p) => prop_assert_eq!(comport::ack_parity(&value), Some(p)),
            Command::SetStopSize(x) => prop_assert_eq!(comport::ack_stop_bits(&value), Some(x)),
            Command::SetControl(c) if c.is_flow() => {
                prop_assert!(comport::ack_flow(&value).is_some())
            }
            _ => {}
        }
    }

    #[test]
    fn any_server_payload_parses_without_panicking(payload in prop::collection::vec(any::<u8>(), 0..12)) {
        // Client-side codes (< 100) from a server are never mistaken for acknowledgements.
        let parsed = parse_server(&payload);
        if payload.first().is_some_and(|&c| c < SERVER_OFFSET) {
            prop_assert!(matches!(parsed, ServerMessage::Unknown(_)), "{:?}", parsed);
        }
    }
}

fn negotiation() -> impl Strategy<Value = (u8, u8)> {
    (
        prop::sample::select(vec![WILL, WONT, DO, DONT]),
        prop::sample::select(vec![0u8, 1, 3, 5, 24, 44, 255]),
    )
}

fn command() -> impl Strategy<Value = Command> {
    prop_oneof![
        any::<u32>().prop_map(Command::SetBaudRate),
        prop::sample::select(vec![
            DataBits::Five,
            DataBits::Six,
            DataBits::Seven,
            DataBits::Eight
        ])
        .prop_map(Command::SetDataSize),
        prop::sample::select(vec![Parity::None, Parity::Odd, Parity::Even])
            .prop_map(Command::SetParity),
        prop::sample::select(vec![StopBits::One, StopBits::Two]).prop_map(Command::SetStopSize),
        prop::sample::select(vec![
            FlowControl::None,
            FlowControl::Software,
            FlowControl::Hardware
        ])
        .prop_map(|f| Command::SetControl(Control::flow(f))),
        prop::sample::select(vec![Control::DtrOn, Control::RtsOff, Control::BreakOn])
            .prop_map(Command::SetControl),
        prop::sample::select(vec![Purge::Receive, Purge::Transmit, Purge::Both])
            .prop_map(Command::Purge),
    ]
}
