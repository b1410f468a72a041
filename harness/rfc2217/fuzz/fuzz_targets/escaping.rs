//! Serial data escaped for the wire (IAC doubled; CR NUL outside BINARY) decodes back to itself
//! wherever the wire bytes are split, with no commands seen; a subnegotiation payload
//! round-trips likewise. Input: byte 0 picks BINARY mode and the option, bytes 1–2 a split
//! point, the rest is the data.

#![no_main]

use hil_rfc2217::telnet::{self, Decoder, Event, MAX_SUBNEGOTIATION};
use libfuzzer_sys::fuzz_target;

fn decode(binary: bool, pieces: &[&[u8]]) -> (Vec<u8>, Vec<Event>) {
    let mut d = Decoder::default();
    d.set_binary(binary);
    let (mut data, mut events) = (Vec::new(), Vec::new());
    for p in pieces {
        d.feed(p, &mut data, &mut events);
    }
    (data, events)
}

fuzz_target!(|input: &[u8]| {
    let [flags, a, b, data @ ..] = input else {
        return;
    };
    let binary = flags & 1 == 1;
    let mut wire = Vec::new();
    telnet::encode_data(data, binary, &mut wire);
    let at = usize::from(u16::from_le_bytes([*a, *b])) % (wire.len() + 1);
    let (head, tail) = wire.split_at(at);
    assert_eq!(decode(binary, &[head, tail]), (data.to_vec(), Vec::new()));

    let payload = &data[..data.len().min(MAX_SUBNEGOTIATION)];
    let option = flags >> 1;
    wire.clear();
    telnet::encode_subnegotiation(option, payload, &mut wire);
    let at = at % (wire.len() + 1);
    let (head, tail) = wire.split_at(at);
    let want = Event::Subnegotiation {
        option,
        payload: payload.to_vec(),
    };
    assert_eq!(decode(true, &[head, tail]), (Vec::new(), vec![want]));
});
