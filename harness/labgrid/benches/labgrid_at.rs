//! The AT client on a simulated board through a labgrid place — the exporter's ser2net over
//! RFC 2217, acquired through the real coordinator — against a board of the same profile on its
//! pty directly: `AT`→`OK` and a 2 KB certificate write + list + delete. Three paths: the pty,
//! a place served by the ser2net labgrid starts (stock: ser2net's `chardelay`), and a place on
//! an exporter with `ser2net-lowlatency` on its PATH (what the README tells exporter hosts).
//! Two board timings: `fast` (the board answers at once: the transport's cost alone) and
//! `realistic` (115200-baud wire time and the profile's processing time: what a real modem
//! costs). A final interleaved pass per timing prints each place/pty ratio (target in issue 13:
//! ≤ 1.5).
//!
//! Run: `cargo bench -p hil-labgrid --bench labgrid_at` (needs labgrid 26.0.x and ser2net on
//! PATH; skips without them).

use std::time::Duration;

use criterion::Criterion;
use hil_at::AtClient;
use hil_labgrid::testkit::{LabSetup, LabgridLab, Ser2net, available_or_skip};
use hil_labgrid::{HeldPlaces, PlaceSelection, board, place_resources};
use hil_sim::timing::Timing;

#[path = "../../at/benches/common/workload.rs"]
mod workload;
use workload::{cert, median, ok, time};

const PROFILE: &str = "mfw_nrf9160_1.3.6";

fn client(port: &str, baud: u32) -> AtClient {
    let mut at = AtClient::open(port, baud).unwrap_or_else(|e| panic!("open {port}: {e}"));
    at.set_timeout(Duration::from_secs(5));
    at.set_cmee(1).expect("cmee");
    at.set_cfun(4).expect("cfun");
    at
}

/// Acquires `lab`'s place `index` and opens the AT client on its console.
fn place_client(lab: &LabgridLab, index: usize) -> (HeldPlaces, AtClient) {
    let place = lab.places[index].name.clone();
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
    let held = hil_labgrid::acquire(lab.client("bench/hil"), &selection, &opts)
        .expect("acquire the place");
    let places = held.client().places().expect("places");
    let p = places.iter().find(|p| p.name == place).expect("place");
    let resources = held.client().resources();
    let b = board::translate(p, &place_resources(p, &resources)).expect("board");
    let serial = b.spec.serial.expect("console");
    let at = client(&serial.port.to_string_lossy(), serial.baud);
    (held, at)
}

/// Alternating blocks so machine load hits every path alike; prints medians and ratios.
fn ratio_pass(
    label: &str,
    clients: &mut [(&str, AtClient)],
    rounds: usize,
    n_ok: u32,
    n_cert: u32,
) {
    let n = clients.len();
    let mut ok_t = vec![Vec::new(); n];
    let mut cert_t = vec![Vec::new(); n];
    for round in 0..rounds {
        for j in 0..n {
            let i = (round + j) % n;
            ok_t[i].push(time(n_ok, &mut clients[i].1, ok));
            cert_t[i].push(time(n_cert, &mut clients[i].1, cert));
        }
    }
    println!("\n{label}: medians of {rounds} alternating blocks");
    for (what, times) in [("AT -> OK", ok_t), ("2 KB cert write+list+delete", cert_t)] {
        let medians: Vec<Duration> = times.into_iter().map(median).collect();
        let base = medians[0].as_secs_f64();
        let cells: Vec<String> = clients
            .iter()
            .zip(&medians)
            .map(|((name, _), m)| {
                format!(
                    "{name} {:.1} µs (×{:.2})",
                    m.as_secs_f64() * 1e6,
                    m.as_secs_f64() / base
                )
            })
            .collect();
        println!("  {what}: {}", cells.join(", "));
    }
}

fn bench_timing(c: &mut Criterion, timing: Timing, quick: bool) {
    let stock = LabgridLab::start_with(
        &["hostA"],
        2,
        &[PROFILE],
        LabSetup {
            ser2net: Ser2net::Stock,
            timing,
            ssh: None,
        },
    );
    let tuned = LabgridLab::start_with(
        &["hostB"],
        1,
        &[PROFILE],
        LabSetup {
            ser2net: Ser2net::LowLatency,
            timing,
            ssh: None,
        },
    );
    // Board 0 of the stock lab is used on its pty directly (its place stays unacquired).
    let direct = stock.sim().duts()[0].clone();
    let (held_stock, at_stock) = place_client(&stock, 1);
    let (held_tuned, at_tuned) = place_client(&tuned, 0);
    let mut clients = vec![
        ("pty", client(&direct.serial.to_string_lossy(), direct.baud)),
        ("labgrid-stock", at_stock),
        ("labgrid-lowlatency", at_tuned),
    ];
    let label = timing.to_string();
    let mut group = c.benchmark_group(format!("labgrid_at_ok/{label}"));
    for (name, at) in clients.iter_mut() {
        group.bench_function(*name, |b| b.iter(|| ok(at)));
    }
    group.finish();
    let mut group = c.benchmark_group(format!("labgrid_cert_2k_write_list_delete/{label}"));
    for (name, at) in clients.iter_mut() {
        group.bench_function(*name, |b| b.iter(|| cert(at)));
    }
    group.finish();
    let pass = format!("AT client, board timing {label}, pty vs labgrid places");
    if quick {
        ratio_pass(&pass, &mut clients, 2, 3, 1);
    } else {
        ratio_pass(&pass, &mut clients, 15, 60, 6);
    }
    drop(clients);
    drop((held_stock, held_tuned));
}

fn main() {
    if !available_or_skip("labgrid_at bench") {
        return;
    }
    let quick = std::env::args().any(|a| a == "--test");
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for timing in [Timing::Fast, Timing::Realistic] {
        bench_timing(&mut c, timing, quick);
    }
    c.final_summary();
}
