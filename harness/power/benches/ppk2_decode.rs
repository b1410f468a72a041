//! PPK2 stream decoding: throughput of the decoder alone and of the whole reader path (decode,
//! envelope, look-back ring), and the memory a 10-minute capture holds.
//!
//! The input is a realistic stream made by the simulated PPK2's own encoder (hil-sim): 1.024 s
//! of samples (a multiple of 64, so repeating it keeps the counter in sequence) switching
//! between 3 mA, 45 mA and 300 mA every few milliseconds with ±2 % ripple, so ranges 1–3 and
//! the spike filter are exercised. Targets (issue 14): ≥ 10 million samples/s on one core
//! (100× real time) and ≤ 50 MB held after 10 minutes.
//!
//! Run: `cargo bench -p hil-power --bench ppk2_decode` (`-- --test` for a quick pass).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use hil_power::RecordOptions;
use hil_power::ppk2::{Metadata, Recorder, SampleSink, StreamDecoder};
use hil_sim::supply::ppk2::encode::{self, Encoder};

const VDD_MV: u16 = 3700;
/// 1.024 s at 100 kS/s.
const SAMPLES: usize = 1600 * 64;

fn stream() -> Vec<u8> {
    let mut enc = Encoder::default();
    let mut noise = 0x1234_5678u32;
    let mut out = Vec::with_capacity(SAMPLES * 4);
    for k in 0..SAMPLES {
        let level = match (k / 700) % 5 {
            0 | 3 => 0.003,
            1 | 4 => 0.045,
            _ => 0.3,
        };
        noise ^= noise << 13;
        noise ^= noise >> 17;
        noise ^= noise << 5;
        let ripple = f64::from(noise) / f64::from(u32::MAX) * 2.0 - 1.0;
        let (range, adc) = enc.encode(level * (1.0 + 0.02 * ripple), VDD_MV);
        out.extend_from_slice(&encode::word(range, adc, (k % 64) as u8, 0).to_le_bytes());
    }
    out
}

fn metadata() -> Metadata {
    Metadata::parse(&encode::metadata_reply(VDD_MV, true)).expect("simulated metadata")
}

/// Sums the samples so nothing is optimised away.
#[derive(Default)]
struct Sum(f64, u64);

impl SampleSink for Sum {
    fn sample(&mut self, _index: u64, microamps: f32, logic: u8) {
        self.0 += f64::from(microamps);
        self.1 += u64::from(logic);
    }
    fn lost(&mut self, _index: u64, _missing: u32) {
        self.1 += 1;
    }
}

/// Reads 64 KB at a time, as the reader thread does.
fn feed(decoder: &mut StreamDecoder, bytes: &[u8], sink: &mut impl SampleSink) {
    for chunk in bytes.chunks(64 * 1024) {
        decoder.push(chunk, sink);
    }
}

fn benches(c: &mut Criterion, bytes: &[u8]) {
    let cal = metadata().calibration;
    let mut g = c.benchmark_group("ppk2");
    g.throughput(Throughput::Elements(SAMPLES as u64));
    g.bench_function("decode", |b| {
        b.iter(|| {
            let mut d = StreamDecoder::new(cal, VDD_MV);
            let mut sum = Sum::default();
            feed(&mut d, black_box(bytes), &mut sum);
            black_box(sum.0)
        })
    });
    g.bench_function("decode+envelope", |b| {
        b.iter(|| {
            let now = Instant::now();
            let mut d = StreamDecoder::new(cal, VDD_MV);
            let mut r = Recorder::new("bench", &RecordOptions::new(now), now);
            feed(&mut d, black_box(bytes), &mut r);
            black_box(r.finish().trace.buckets.len())
        })
    });
    g.finish();
}

/// A 10-minute capture through the full reader path (no I/O), with a 10 s window marked.
fn ten_minutes(bytes: &[u8], seconds: f64) {
    let cal = metadata().calibration;
    let epoch = Instant::now();
    let mut d = StreamDecoder::new(cal, VDD_MV);
    let mut r = Recorder::new("bench", &RecordOptions::new(epoch), epoch);
    r.mark(hil_power::ppk2::MarkRequest {
        label: "10 s window".into(),
        from: epoch + Duration::from_secs(60),
        to: epoch + Duration::from_secs(70),
    });
    let repeats = (seconds / 1.024).ceil() as usize;
    let start = Instant::now();
    for _ in 0..repeats {
        feed(&mut d, bytes, &mut r);
    }
    let elapsed = start.elapsed();
    let held = r.heap_bytes();
    let rec = r.finish();
    let samples = rec.samples;
    let rate = samples as f64 / elapsed.as_secs_f64();
    let trace_bytes = rec.trace.heap_bytes();
    let window_bytes: usize = rec.windows.iter().map(|w| w.heap_bytes()).sum();
    let verdict = |ok: bool| if ok { "ok" } else { "MISS" };
    println!(
        "ppk2 capture of {:.0} s: {samples} samples, {} lost, in {:.2} s = {:.1} M samples/s ({:.0}× real time) [{}; target ≥ 10 M/s]",
        samples as f64 / 100_000.0,
        rec.lost_samples,
        elapsed.as_secs_f64(),
        rate / 1e6,
        rate / 100_000.0,
        verdict(rate >= 10e6)
    );
    println!(
        "ppk2 memory held at the end: {:.2} MB (envelope {} buckets = {:.2} MB, 10 s window {:.2} MB, 2 s look-back ring included) [{}; target ≤ 50 MB]",
        held as f64 / 1e6,
        rec.trace.buckets.len(),
        trace_bytes as f64 / 1e6,
        window_bytes as f64 / 1e6,
        verdict(held <= 50_000_000)
    );
    println!("ppk2 decode stats: {:?}", d.stats());
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let bytes = stream();
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    benches(&mut c, &bytes);
    c.final_summary();
    ten_minutes(&bytes, if quick { 10.0 } else { 600.0 });
}
