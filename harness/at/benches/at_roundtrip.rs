//! AT round trips through a simulated board's pty (fast timing): the client versus a minimal
//! raw write/read loop on the same port, for `AT`→`OK` and for a 2 KB certificate
//! write + list + delete. Criterion measures each; a final interleaved pass prints the
//! client/raw ratio (target: ≤ 1.2).
//!
//! Run: `cargo bench -p hil-at --bench at_roundtrip`.

use std::hint::black_box;
use std::io::{Read, Write};
use std::time::{Duration, Instant};

use criterion::Criterion;
use hil_at::{AtClient, ClientConfig, CmngFilter};
use hil_model::CredentialType;
use hil_sim::rack::{SimDut, SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;
use serialport::SerialPort;

const CERT: &str = include_str!("../tests/fixtures/cert-2k.pem");
const TAG: u32 = 4711;

fn rack() -> SimRack {
    SimRack::start(SimRackConfig {
        duts: vec![SimDutConfig::new("bench", "mfw_nrf9160_1.3.6")],
        timing: Timing::Fast,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .expect("simulated rack")
}

/// The client and the raw loop on one open port (a duplicated descriptor), so both are measured
/// on the same pty without reopening it between blocks.
fn pair(dut: &SimDut) -> (AtClient, Raw) {
    let port = serialport::new(dut.serial.to_string_lossy(), dut.baud)
        .timeout(Duration::from_secs(5))
        .open()
        .expect("open port");
    let raw = Raw {
        port: port.try_clone().expect("duplicate port"),
        buf: Vec::with_capacity(4096),
    };
    let mut at = AtClient::from_port(
        port,
        dut.serial.display().to_string(),
        ClientConfig::default(),
    );
    at.set_timeout(Duration::from_secs(5));
    (at, raw)
}

/// The minimal loop the client is compared with: write, read until the final line.
struct Raw {
    port: Box<dyn SerialPort>,
    buf: Vec<u8>,
}

impl Raw {
    fn transact(&mut self, cmd: &[u8]) -> usize {
        self.port.write_all(cmd).expect("write");
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            let n = self.port.read(&mut chunk).expect("read");
            self.buf.extend_from_slice(&chunk[..n]);
            if self.buf.ends_with(b"OK\r\n") || self.buf.ends_with(b"ERROR\r\n") {
                return self.buf.len();
            }
        }
    }
}

fn write_cmd() -> Vec<u8> {
    format!("AT%CMNG=0,{TAG},0,\"{CERT}\"\r").into_bytes()
}

fn client_ok(at: &mut AtClient) {
    black_box(at.command("AT").expect("AT"));
}

fn raw_ok(raw: &mut Raw) {
    black_box(raw.transact(b"AT\r"));
}

fn client_cert(at: &mut AtClient) {
    at.cmng_write(TAG, CredentialType::ROOT_CA, CERT)
        .expect("write");
    let listed = at
        .cmng_list(CmngFilter::TagType(TAG, CredentialType::ROOT_CA))
        .expect("list");
    assert_eq!(listed.len(), 1);
    at.cmng_delete(TAG, CredentialType::ROOT_CA)
        .expect("delete");
}

fn raw_cert(raw: &mut Raw, write: &[u8]) {
    raw.transact(write);
    let list = format!("AT%CMNG=1,{TAG},0\r");
    assert!(raw.transact(list.as_bytes()) > 70);
    let delete = format!("AT%CMNG=3,{TAG},0\r");
    raw.transact(delete.as_bytes());
}

fn criterion_benches(c: &mut Criterion, at: &mut AtClient, raw: &mut Raw) {
    let write = write_cmd();
    let mut group = c.benchmark_group("at_ok");
    group.bench_function("client", |b| b.iter(|| client_ok(at)));
    group.bench_function("raw", |b| b.iter(|| raw_ok(raw)));
    group.finish();

    let mut group = c.benchmark_group("cert_2k_write_list_delete");
    group.bench_function("client", |b| b.iter(|| client_cert(at)));
    group.bench_function("raw", |b| b.iter(|| raw_cert(raw, &write)));
    group.finish();
}

/// Mean time per iteration of `n` iterations.
fn time(n: u32, mut f: impl FnMut()) -> Duration {
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    t.elapsed() / n
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Short alternating blocks (order swapped every round) so load from other processes on the
/// machine hits both sides alike; the ratio is of the medians of the block means.
fn ratio_pass(at: &mut AtClient, raw: &mut Raw, rounds: usize, n_ok: u32, n_cert: u32) {
    let write = write_cmd();
    let (mut c_ok, mut r_ok, mut c_cert, mut r_cert) = (vec![], vec![], vec![], vec![]);
    for round in 0..rounds {
        let mut client_block = |c_ok: &mut Vec<Duration>, c_cert: &mut Vec<Duration>| {
            c_ok.push(time(n_ok, || client_ok(at)));
            c_cert.push(time(n_cert, || client_cert(at)));
            // keep the transcript from growing across the whole run
            drop(at.take_transcript());
        };
        let mut raw_block = |r_ok: &mut Vec<Duration>, r_cert: &mut Vec<Duration>| {
            r_ok.push(time(n_ok, || raw_ok(raw)));
            r_cert.push(time(n_cert, || raw_cert(raw, &write)));
        };
        if round % 2 == 0 {
            client_block(&mut c_ok, &mut c_cert);
            raw_block(&mut r_ok, &mut r_cert);
        } else {
            raw_block(&mut r_ok, &mut r_cert);
            client_block(&mut c_ok, &mut c_cert);
        }
    }
    println!(
        "\nclient vs raw write/read loop, same pty, fast timing (medians of {rounds} alternating blocks):"
    );
    for (name, c, r) in [
        ("AT -> OK", median(c_ok), median(r_ok)),
        (
            "2 KB cert write + list + delete",
            median(c_cert),
            median(r_cert),
        ),
    ] {
        println!(
            "  {name:<32} client {:>9.1} µs   raw {:>9.1} µs   ratio {:.3}",
            c.as_secs_f64() * 1e6,
            r.as_secs_f64() * 1e6,
            c.as_secs_f64() / r.as_secs_f64()
        );
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let rack = rack();
    let dut = &rack.duts()[0];
    let (mut at, mut raw) = pair(dut);
    at.set_cmee(1).expect("cmee");
    at.set_cfun(4).expect("cfun");
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    criterion_benches(&mut c, &mut at, &mut raw);
    c.final_summary();
    if quick {
        ratio_pass(&mut at, &mut raw, 2, 10, 2);
    } else {
        ratio_pass(&mut at, &mut raw, 41, 300, 40);
    }
}
