//! Property tests of the sans-IO layers: arbitrary byte streams never panic the decoder or the
//! session, decoding does not depend on where the stream is split, data escaping round-trips
//! split at every boundary, and serial data survives any interleaving with server messages.

use hil_rfc2217::session::Session;
use hil_rfc2217::telnet::{
    self, DO, DONT, Decoder, Event, IAC, MAX_SUBNEGOTIATION, SB, SE, WILL, WONT,
};
use proptest::prelude::*;

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
}
