//! The AT client on a simulated board's pty directly, versus through the real `ser2net` on
//! 127.0.0.1 (RFC 2217, and a raw TCP accepter): `AT`→`OK` and a 2 KB certificate
//! write + list + delete. Two boards of the same profile in fast timing (ser2net holds its
//! board's pty). Criterion measures each; a final interleaved pass prints the network/pty
//! ratio (target in issue 13: ≤ 1.5).
//!
//! Run: `cargo bench -p hil-at --bench at_network` (needs `ser2net`; skips without it).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use hil_at::{AtClient, CmngFilter};
use hil_model::CredentialType;
use hil_rfc2217::ser2net::{self, Accepter, Ser2net};
use hil_sim::rack::{SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;

const CERT: &str = include_str!("../tests/fixtures/cert-2k.pem");
const TAG: u32 = 4711;

fn rack() -> SimRack {
    SimRack::start(SimRackConfig {
        duts: ["pty", "rfc2217", "tcp"]
            .map(|name| SimDutConfig::new(name, "mfw_nrf9160_1.3.6"))
            .to_vec(),
        timing: Timing::Fast,
        profile_dirs: Vec::new(),
        link_dir: None,
    })
    .expect("simulated rack")
}

fn client(port: &str, baud: u32) -> AtClient {
    let mut at = AtClient::open(port, baud).unwrap_or_else(|e| panic!("open {port}: {e}"));
    at.set_timeout(Duration::from_secs(5));
    at.set_cmee(1).expect("cmee");
    at.set_cfun(4).expect("cfun");
    at
}

fn ok(at: &mut AtClient) {
    black_box(at.command("AT").expect("AT"));
}

fn cert(at: &mut AtClient) {
    at.cmng_write(TAG, CredentialType::ROOT_CA, CERT)
        .expect("write");
    let listed = at
        .cmng_list(CmngFilter::TagType(TAG, CredentialType::ROOT_CA))
        .expect("list");
    assert_eq!(listed.len(), 1);
    at.cmng_delete(TAG, CredentialType::ROOT_CA)
        .expect("delete");
    drop(at.take_transcript());
}

fn time(n: u32, at: &mut AtClient, f: fn(&mut AtClient)) -> Duration {
    let t = Instant::now();
    for _ in 0..n {
        f(at);
    }
    t.elapsed() / n
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Alternating blocks (order rotated every round) so machine load hits every transport alike.
fn ratio_pass(clients: &mut [(&str, AtClient)], rounds: usize, n_ok: u32, n_cert: u32) {
    let k = clients.len();
    let mut ok_t = vec![Vec::new(); k];
    let mut cert_t = vec![Vec::new(); k];
    for round in 0..rounds {
        for j in 0..k {
            let i = (round + j) % k;
            ok_t[i].push(time(n_ok, &mut clients[i].1, ok));
            cert_t[i].push(time(n_cert, &mut clients[i].1, cert));
        }
    }
    println!("\nAT client per transport, fast timing (medians of {rounds} alternating blocks):");
    let base_ok = median(ok_t[0].clone());
    let base_cert = median(cert_t[0].clone());
    for i in 0..k {
        let (o, c) = (median(ok_t[i].clone()), median(cert_t[i].clone()));
        println!(
            "  {:<8} AT -> OK {:>8.1} µs (×{:.2})   2 KB cert write+list+delete {:>8.1} µs (×{:.2})",
            clients[i].0,
            o.as_secs_f64() * 1e6,
            o.as_secs_f64() / base_ok.as_secs_f64(),
            c.as_secs_f64() * 1e6,
            c.as_secs_f64() / base_cert.as_secs_f64(),
        );
    }
}

fn main() {
    if !ser2net::available_or_skip("at_network bench") {
        return;
    }
    let quick = std::env::args().any(|a| a == "--test");
    let rack = rack();
    let duts = rack.duts();
    let rfc = Ser2net::start(&duts[1].serial, duts[1].baud, Accepter::Rfc2217).expect("ser2net");
    let raw = Ser2net::start(&duts[2].serial, duts[2].baud, Accepter::Raw).expect("ser2net");
    let mut clients = [
        (
            "pty",
            client(&duts[0].serial.to_string_lossy(), duts[0].baud),
        ),
        ("rfc2217", client(&rfc.url(), duts[1].baud)),
        ("tcp", client(&raw.url(), duts[2].baud)),
    ];
    let mut c = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = c.benchmark_group("network_at_ok");
    for (name, at) in clients.iter_mut() {
        group.bench_function(*name, |b| b.iter(|| ok(at)));
    }
    group.finish();
    let mut group = c.benchmark_group("network_cert_2k_write_list_delete");
    for (name, at) in clients.iter_mut() {
        group.bench_function(*name, |b| b.iter(|| cert(at)));
    }
    group.finish();
    c.final_summary();
    if quick {
        ratio_pass(&mut clients, 2, 10, 2);
    } else {
        ratio_pass(&mut clients, 31, 300, 30);
    }
}
