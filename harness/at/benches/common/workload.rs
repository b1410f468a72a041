//! The two AT workloads the network benchmarks time on every transport (`at_network` here,
//! `labgrid_at` in hil-labgrid, which includes this file): one `AT` round trip, and a 2 KB
//! certificate write, list and delete.

use std::hint::black_box;
use std::time::{Duration, Instant};

use hil_at::{AtClient, CmngFilter};
use hil_model::CredentialType;

/// The certificate of the write workload.
pub const CERT: &str = include_str!("../../tests/fixtures/cert-2k.pem");
/// Its security tag.
pub const TAG: u32 = 4711;

/// One `AT` → `OK`.
pub fn ok(at: &mut AtClient) {
    black_box(at.command("AT").expect("AT"));
}

/// Write, list and delete the 2 KB certificate.
pub fn cert(at: &mut AtClient) {
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

/// Mean time of `n` runs of `f`.
pub fn time(n: u32, at: &mut AtClient, f: fn(&mut AtClient)) -> Duration {
    let t = Instant::now();
    for _ in 0..n {
        f(at);
    }
    t.elapsed() / n
}

/// The median of `v`.
pub fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}
