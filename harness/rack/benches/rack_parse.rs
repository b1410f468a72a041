//! How long reading a rack file takes: the lab example (the ordinary case), the 400 KB deeply
//! nested file of the fault campaign (refused by the pre-scan; the YAML parser alone took
//! minutes), and a 1 MB file of 30 000 flat DUT entries (the largest accepted shape).
//! Target: every one well under 1 s.
//!
//! Run: `cargo bench -p hil-rack --bench rack_parse`.

use std::hint::black_box;

use criterion::Criterion;

fn deeply_nested(bytes: usize) -> String {
    let head = "name: r\nduts:\n  - name: a\n    serial: /dev/ttyACM0\n    tags: ";
    let n = (bytes - head.len()) / 2;
    format!("{head}{}{}\n", "[".repeat(n), "]".repeat(n))
}

fn many_duts(bytes: usize) -> String {
    let mut text = String::from("name: r\nduts:\n");
    let mut i = 0;
    loop {
        let entry = format!("  - {{ name: d{i}, serial: /dev/ttyACM{i} }}\n");
        if text.len() + entry.len() > bytes {
            return text;
        }
        text.push_str(&entry);
        i += 1;
    }
}

fn main() {
    let example = include_str!("../examples/lab-rack.yaml");
    let nested = deeply_nested(400_000);
    let flat = many_duts(hil_rack::MAX_BYTES);
    let mut c = Criterion::default().configure_from_args();
    c.bench_function("lab example", |b| {
        b.iter(|| hil_rack::parse(black_box(example), "lab-rack.yaml").expect("loads"))
    });
    c.bench_function("400 KB nested (refused)", |b| {
        b.iter(|| hil_rack::parse(black_box(&nested), "deep.yaml").expect_err("refused"))
    });
    let mut slow = c.benchmark_group("large");
    slow.sample_size(10);
    slow.bench_function("1 MB of flat DUT entries", |b| {
        b.iter(|| hil_rack::parse(black_box(&flat), "many.yaml").expect("loads"))
    });
    slow.finish();
    c.final_summary();
}
