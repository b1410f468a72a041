//! The AT client on a simulated board through a labgrid place — the exporter's ser2net over
//! RFC 2217, acquired through the real coordinator — against a board of the same profile on its
//! pty directly: `AT`→`OK` and a 2 KB certificate write + list + delete. A final interleaved
//! pass prints the labgrid/pty ratio (target in issue 13: ≤ 1.5).
//!
//! Run: `cargo bench -p hil-labgrid --bench labgrid_at` (needs labgrid 26.0.x and ser2net on
//! PATH; skips without them).

use std::time::Duration;

use criterion::Criterion;
use hil_at::AtClient;
use hil_labgrid::testkit::{LabgridLab, available_or_skip};
use hil_labgrid::{PlaceSelection, board, place_resources};

#[path = "../../at/benches/common/workload.rs"]
mod workload;
use workload::{cert, median, ok, time};

fn client(port: &str, baud: u32) -> AtClient {
    let mut at = AtClient::open(port, baud).unwrap_or_else(|e| panic!("open {port}: {e}"));
    at.set_timeout(Duration::from_secs(5));
    at.set_cmee(1).expect("cmee");
    at.set_cfun(4).expect("cfun");
    at
}

/// Alternating blocks so machine load hits both paths alike.
fn ratio_pass(clients: &mut [(&str, AtClient); 2], rounds: usize, n_ok: u32, n_cert: u32) {
    let mut ok_t = [Vec::new(), Vec::new()];
    let mut cert_t = [Vec::new(), Vec::new()];
    for round in 0..rounds {
        for j in 0..2 {
            let i = (round + j) % 2;
            ok_t[i].push(time(n_ok, &mut clients[i].1, ok));
            cert_t[i].push(time(n_cert, &mut clients[i].1, cert));
        }
    }
    let (o0, c0) = (median(ok_t[0].clone()), median(cert_t[0].clone()));
    let (o1, c1) = (median(ok_t[1].clone()), median(cert_t[1].clone()));
    println!("\nAT client, pty vs labgrid place (medians of {rounds} alternating blocks):");
    println!(
        "  AT -> OK: pty {:.1} µs, labgrid {:.1} µs (×{:.2})",
        o0.as_secs_f64() * 1e6,
        o1.as_secs_f64() * 1e6,
        o1.as_secs_f64() / o0.as_secs_f64()
    );
    println!(
        "  2 KB cert write+list+delete: pty {:.1} µs, labgrid {:.1} µs (×{:.2})",
        c0.as_secs_f64() * 1e6,
        c1.as_secs_f64() * 1e6,
        c1.as_secs_f64() / c0.as_secs_f64()
    );
}

fn main() {
    if !available_or_skip("labgrid_at bench") {
        return;
    }
    let quick = std::env::args().any(|a| a == "--test");
    let lab = LabgridLab::start(&["hostA"], 2, &["mfw_nrf9160_1.3.6"]);
    let direct = lab.sim().duts()[0].clone();
    let place = lab.places[1].name.clone();
    let session = lab.client("bench/hil");
    let selection = PlaceSelection {
        names: vec![place.clone()],
        ..PlaceSelection::default()
    };
    let opts = hil_labgrid::AcquireOptions {
        state_dir: std::env::temp_dir().join("hil-labgrid-bench"),
        holder: hil_lease::Holder::this_process("labgrid_at bench", None),
        wait: None,
        on_wait: std::sync::Arc::new(|_| {}),
        on_note: std::sync::Arc::new(|_| {}),
        interrupt: hil_lease::Interrupt::default(),
    };
    let held = hil_labgrid::acquire(session, &selection, &opts).expect("acquire the place");
    let places = held.client().places().expect("places");
    let p = places.iter().find(|p| p.name == place).expect("place");
    let resources = held.client().resources();
    let b = board::translate(p, &place_resources(p, &resources)).expect("board");
    let serial = b.spec.serial.expect("console");
    let mut clients = [
        ("pty", client(&direct.serial.to_string_lossy(), direct.baud)),
        (
            "labgrid",
            client(&serial.port.to_string_lossy(), serial.baud),
        ),
    ];
    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = c.benchmark_group("labgrid_at_ok");
    for (name, at) in clients.iter_mut() {
        group.bench_function(*name, |b| b.iter(|| ok(at)));
    }
    group.finish();
    let mut group = c.benchmark_group("labgrid_cert_2k_write_list_delete");
    for (name, at) in clients.iter_mut() {
        group.bench_function(*name, |b| b.iter(|| cert(at)));
    }
    group.finish();
    c.final_summary();
    if quick {
        ratio_pass(&mut clients, 2, 5, 2);
    } else {
        ratio_pass(&mut clients, 15, 100, 10);
    }
    drop(clients);
    drop(held);
}
