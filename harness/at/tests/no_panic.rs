//! Whatever bytes a DUT sends, the parsing side of the client must not panic: framing,
//! classification, redaction, URC fields and every response parser are fed pseudo-random
//! input mixing AT-shaped fragments, multi-byte UTF-8 and invalid bytes.

use std::collections::VecDeque;
use std::time::Instant;

use hil_at::commands::{cmng, identity, keygen};
use hil_at::line::LineSplitter;
use hil_at::redact::{LineRedactor, redact_text};
use hil_at::response::{Classifier, command_names};
use hil_at::urc::{Urc, UrcKind, classify_unsolicited, default_urc_prefixes};

const PIECES: &[&[u8]] = &[
    b"%CMNG",
    b"%CMNG:",
    b"%CMNG=",
    b"=0,",
    b",2,",
    b",3,",
    b"\"",
    b"\"\"",
    b",",
    b":",
    b";",
    b"\r",
    b"\n",
    b"\r\n",
    b"OK",
    b"ERROR",
    b"+CME ERROR: ",
    b"+CME: ",
    b"528",
    b"READY",
    b"#XFWVER: ",
    b"#XFWPANIC:",
    b"-----BEGIN ",
    b"PRIVATE KEY-----",
    b"-----END ",
    b"CERTIFICATE-----",
    b"%KEYGEN: \"",
    b".",
    b"AT",
    b"+CGEV:",
    b"%MDMEV:",
    "é".as_bytes(),
    "€".as_bytes(),
    "𝄞".as_bytes(),
    b"\xff",
    b"\xc3",
    b"\x00",
    b"\x1b",
    b"7",
    b"A",
    b" ",
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn soup(rng: &mut Rng) -> Vec<u8> {
    let n = (rng.next() % 24) as usize;
    let mut out = Vec::new();
    for _ in 0..n {
        out.extend_from_slice(PIECES[(rng.next() % PIECES.len() as u64) as usize]);
    }
    out
}

#[test]
fn random_device_output_never_panics() {
    let prefixes = default_urc_prefixes();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..20_000 {
        let bytes = soup(&mut rng);
        let command = String::from_utf8_lossy(&soup(&mut rng)).into_owned();
        let _ = command_names(&command);
        let _ = redact_text(&command);
        let mut splitter = LineSplitter::default();
        let mut lines = VecDeque::new();
        splitter.push(&bytes, Instant::now(), &mut lines);
        let pending = String::from_utf8_lossy(splitter.pending()).into_owned();
        let mut classifier = Classifier::new(&command, &prefixes);
        let mut redactor = LineRedactor::default();
        for line in lines
            .iter()
            .map(|l| l.text.as_str())
            .chain([pending.as_str()])
        {
            let _ = classifier.classify(line);
            let _ = redactor.line(line);
            let _ = redact_text(line);
            if let Some(kind) = classify_unsolicited(line, &prefixes) {
                let urc = Urc {
                    line: line.to_string(),
                    kind,
                    at: Instant::now(),
                    since_open: Default::default(),
                    lossy: false,
                };
                let _ = (urc.prefix(), urc.value(), kind == UrcKind::Stray);
            }
            let _ = cmng::parse_list_line(line);
            let _ = keygen::parse_keygen(line);
            let _ = identity::parse_imei(line);
        }
        let raw = String::from_utf8_lossy(&bytes);
        let _ = cmng::parse_read(&raw);
    }
}
