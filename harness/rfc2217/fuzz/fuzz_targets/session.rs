//! Arbitrary server bytes into the telnet decoder and the client session: no panic, the same
//! result wherever the stream is split, no reply amplification, all serial data readable.
//! Input: byte 0 picks BINARY mode, bytes 1–2 a split point, the rest is the stream.

#![no_main]

use hil_rfc2217::session::Session;
use hil_rfc2217::telnet::Decoder;
use libfuzzer_sys::fuzz_target;

fn decode(binary: bool, pieces: &[&[u8]]) -> (Vec<u8>, Vec<hil_rfc2217::telnet::Event>) {
    let mut d = Decoder::default();
    d.set_binary(binary);
    let (mut data, mut events) = (Vec::new(), Vec::new());
    for p in pieces {
        d.feed(p, &mut data, &mut events);
    }
    (data, events)
}

fn session(pieces: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
    let mut s = Session::rfc2217();
    let _offers = s.take_output();
    let mut replies = Vec::new();
    for p in pieces {
        s.receive(p);
        replies.extend(s.take_output());
        let _ = s.negotiation();
    }
    let received: usize = pieces.iter().map(|p| p.len()).sum();
    assert!(
        replies.len() <= 3 * received,
        "{} bytes of replies to {received}",
        replies.len()
    );
    let mut data = vec![0u8; s.buffered()];
    assert_eq!(s.read(&mut data), data.len());
    assert_eq!(s.buffered(), 0);
    (data, replies)
}

fuzz_target!(|input: &[u8]| {
    let [flags, a, b, stream @ ..] = input else {
        return;
    };
    let binary = flags & 1 == 1;
    let at = usize::from(u16::from_le_bytes([*a, *b])) % (stream.len() + 1);
    let (head, tail) = stream.split_at(at);
    assert_eq!(decode(binary, &[head, tail]), decode(binary, &[stream]));
    assert_eq!(session(&[head, tail]), session(&[stream]));
});
