//! The AT client on a simulated board's pty directly, versus through the network on 127.0.0.1:
//! the real `ser2net` with our config (RFC 2217, and a raw TCP accepter), ser2net started the
//! way a labgrid exporter starts it (stock, and through the `ser2net-lowlatency` wrapper), and
//! a minimal relay (two threads copying between a socket and the pty: the floor for any server
//! in the path). `AT`→`OK` and a 2 KB certificate write + list + delete, one board per
//! transport, all of the same profile in fast timing (with NVM current pulses of 0 ms, see
//! [`profile_dir`]). Criterion measures each; a final
//! interleaved pass prints the network/pty ratio (target in issue 13: ≤ 1.5).
//!
//! Run: `cargo bench -p hil-at --bench at_network` (needs `ser2net`; skips without it).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::Criterion;
use hil_at::AtClient;
use hil_rfc2217::ser2net::{self, Accepter, Ser2net};
use hil_sim::rack::{SimDutConfig, SimRack, SimRackConfig};
use hil_sim::timing::Timing;

mod common {
    pub mod workload;
}
use common::workload::{cert, median, ok, time};

const PROFILE: &str = include_str!("../../sim/profiles/mfw_nrf9160_1.3.6.yaml");
const NVM_PULSE: &str = "nvm_write: {ma: 6.0, ms: 40}";
const TRANSPORTS: [&str; 6] = ["pty", "rfc2217", "tcp", "relay", "labgrid", "lg+wrap"];

/// The board's profile with credential writes drawing no pulse of current. The simulated
/// current model queues each NVM write's 40 ms pulse behind the previous one, so thousands of
/// back-to-back writes (far faster than real NVM) pile up minutes of pending pulses whose cost
/// the board pays on every command: later blocks would measure the pile, not the transport.
fn profile_dir() -> PathBuf {
    assert!(PROFILE.contains(NVM_PULSE), "the profile's NVM pulse moved");
    let dir = std::env::temp_dir().join(format!("hil-at-network-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("profile directory");
    let profile = PROFILE.replace(NVM_PULSE, "nvm_write: {ma: 6.0, ms: 0}");
    std::fs::write(dir.join("mfw_nrf9160_1.3.6.yaml"), profile).expect("profile");
    dir
}

fn rack(profiles: &Path) -> SimRack {
    SimRack::start(SimRackConfig {
        duts: (0..TRANSPORTS.len())
            .map(|i| SimDutConfig::new(format!("dut{i}"), "mfw_nrf9160_1.3.6"))
            .collect(),
        timing: Timing::Fast,
        profile_dirs: vec![profiles.to_path_buf()],
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

/// Serves `device` on a loopback port with two copying threads; returns `tcp://…`.
fn relay(device: &Path, baud: u32) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("tcp://{}", listener.local_addr().expect("address"));
    let mut tty = serialport::new(device.to_string_lossy(), baud)
        .timeout(Duration::from_secs(3600))
        .open_native()
        .expect("open the pty");
    std::thread::spawn(move || {
        let (socket, _) = listener.accept().expect("accept");
        socket.set_nodelay(true).expect("nodelay");
        let (mut net_in, mut net_out) = (socket.try_clone().expect("clone"), socket);
        let mut dev_out = tty.try_clone_native().expect("clone the pty");
        std::thread::spawn(move || copy(&mut net_in, &mut dev_out));
        copy(&mut tty, &mut net_out);
    });
    url
}

fn copy(from: &mut impl Read, to: &mut impl Write) {
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = from.read(&mut buf) {
        if to.write_all(&buf[..n]).is_err() {
            return;
        }
    }
}

/// Alternating blocks (order rotated every round) so machine load hits every transport alike.
/// Prints each transport's median block and its fastest block (the one load disturbed least).
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
    for (label, pick) in [
        ("medians", median as fn(Vec<Duration>) -> Duration),
        ("fastest", fastest),
    ] {
        println!(
            "\nAT client per transport, fast timing ({label} of {rounds} alternating blocks):"
        );
        let base_ok = pick(ok_t[0].clone());
        let base_cert = pick(cert_t[0].clone());
        for i in 0..k {
            let (o, c) = (pick(ok_t[i].clone()), pick(cert_t[i].clone()));
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
}

fn fastest(v: Vec<Duration>) -> Duration {
    v.into_iter().min().unwrap_or_default()
}

fn main() {
    if !ser2net::available_or_skip("at_network bench") {
        return;
    }
    let quick = std::env::args().any(|a| a == "--test");
    let profiles = profile_dir();
    let rack = rack(&profiles);
    let d = rack.duts();
    let servers = [
        Ser2net::start(&d[1].serial, d[1].baud, Accepter::Rfc2217),
        Ser2net::start(&d[2].serial, d[2].baud, Accepter::Raw),
        Ser2net::start_labgrid(&d[4].serial, d[4].baud, false),
        Ser2net::start_labgrid(&d[5].serial, d[5].baud, true),
    ]
    .map(|s| s.expect("ser2net"));
    let urls = [
        d[0].serial.to_string_lossy().into_owned(),
        servers[0].url(),
        servers[1].url(),
        relay(&d[3].serial, d[3].baud),
        servers[2].url(),
        servers[3].url(),
    ];
    let mut clients: Vec<(&str, AtClient)> = TRANSPORTS
        .iter()
        .zip(&urls)
        .zip(d)
        .map(|((name, url), dut)| (*name, client(url, dut.baud)))
        .collect();
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
    drop(clients);
    drop(servers);
    drop(rack);
    let _ = std::fs::remove_dir_all(profiles);
}
