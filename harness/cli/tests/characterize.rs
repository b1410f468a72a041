//! From a board to CI on the simulated rack, through the real command line: `hil characterize`
//! writes a profile into a directory, `hil run --profile-dir` starts a board from it, and that
//! board gives the same conformance results, trial for trial, as the board it was measured
//! from — for every bundled profile, and for a board whose OPEN-fact policies are not the
//! defaults (carried by the emitted profile's policy block alone).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Mutex;

use common::{hil, junit, output, text};

/// What a trial showed: every property but the measurements, which are compared by presence.
type Results = BTreeMap<String, BTreeMap<String, String>>;

/// What a case measures rather than concludes — latencies, trip and release voltages and their
/// offsets, hysteresis, currents and charges, reading counts, the CSR's size (an ECDSA
/// signature's DER length varies) — varies from run to run of the same board and with the load
/// on the machine (a warning URC later than a sweep step's dwell trips at the next step). Such
/// properties are compared by presence, and a number with a unit inside any other value
/// (`no final result within 2.287 s`, `the supply back at 3.160 V`) is masked. Everything else
/// — outcome, expected-failure signature, the answers a case records — must be equal.
fn shown(key: &str, value: &str) -> String {
    const QUANTITIES: [&str; 12] = [
        "latency",
        " ms",
        "volts",
        "offset",
        "hysteresis",
        "trip",
        "current",
        "_ma",
        "_uc",
        "over_active",
        "readings",
        "csr_bytes",
    ];
    if QUANTITIES.iter().any(|q| key.contains(q)) {
        return "(measured)".into();
    }
    const UNITS: [&str; 8] = ["s", "ms", "V", "mV", "mA", "µA", "µC", "readings"];
    let bare = |w: &str| {
        w.trim_start_matches('(')
            .trim_end_matches([',', ';', '.', ':', ')'])
            .to_string()
    };
    let words: Vec<&str> = value.split(' ').collect();
    let masked: Vec<&str> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let core = bare(w);
            let number = core.chars().any(|c| c.is_ascii_digit())
                && core
                    .chars()
                    .all(|c| c.is_ascii_digit() || ".+-–".contains(c));
            let unit = words
                .get(i + 1)
                .is_some_and(|n| UNITS.contains(&bare(n).as_str()));
            if number && unit { "#" } else { w }
        })
        .collect();
    masked.join(" ")
}

/// The results of a run's JUnit, by trial name.
fn results(report: &Path) -> Results {
    let mut out = Results::new();
    for suite in junit(&report.join("junit.xml")).test_suites {
        for case in suite.test_cases {
            let props = case
                .properties
                .iter()
                .map(|p| (p.name.to_string(), shown(p.name.as_str(), p.value.as_str())))
                .collect();
            out.insert(case.name.as_str().to_string(), props);
        }
    }
    out
}

/// The differences between two runs, one line per property.
fn differences(a: &Results, b: &Results) -> Vec<String> {
    let mut out = Vec::new();
    for name in a.keys().chain(b.keys()) {
        let (pa, pb) = (a.get(name), b.get(name));
        let (Some(pa), Some(pb)) = (pa, pb) else {
            out.push(format!("{name}: only in one run"));
            continue;
        };
        for key in pa.keys().chain(pb.keys()) {
            if pa.get(key) != pb.get(key) {
                out.push(format!(
                    "{name} {key}: {:?} | {:?}",
                    pa.get(key),
                    pb.get(key)
                ));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `simulated_profile_source` of every testsuite, by DUT.
fn profile_sources(report: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for suite in junit(&report.join("junit.xml")).test_suites {
        let prop = |name: &str| {
            suite
                .properties
                .iter()
                .find(|p| p.name.as_str() == name)
                .map(|p| p.value.as_str().to_string())
        };
        if let (Some(dut), Some(source)) = (prop("dut"), prop("simulated_profile_source")) {
            out.insert(dut, source);
        }
    }
    out
}

/// One `hil run` at a time from this file: two racks at once on a 2-core machine would only
/// add load to what is compared.
static ONE_RUN: Mutex<()> = Mutex::new(());

fn run(dir: &Path, report: &str, args: &[&str]) -> std::process::Output {
    let _one = ONE_RUN.lock().unwrap_or_else(|p| p.into_inner());
    let mut cmd = hil();
    cmd.current_dir(dir)
        .args(["run", "--no-flash", "--report-dir", report])
        .args(args);
    let out = output(cmd, 600);
    assert_eq!(
        out.status.code(),
        Some(0),
        "hil run {args:?}\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

fn characterize(dir: &Path, args: &[&str]) {
    let mut cmd = hil();
    cmd.current_dir(dir).arg("characterize").args(args);
    let out = output(cmd, 300);
    assert_eq!(
        out.status.code(),
        Some(0),
        "hil characterize {args:?}\n{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

/// The DUTs of the default simulated rack (one per bundled profile) and their profiles.
fn default_rack() -> Vec<(String, String)> {
    let rack = hil_sim::rack::SimRackConfig::default_rack(hil_sim::timing::Timing::Fast);
    rack.duts.into_iter().map(|d| (d.name, d.profile)).collect()
}

#[test]
fn every_bundled_profile_characterized_runs_like_the_board_it_was_measured_from() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("profiles")).unwrap();
    for (dut, profile) in default_rack() {
        let out = format!("profiles/{profile}.yaml");
        characterize(dir, &["--dut", &dut, "--base", &profile, "--out", &out]);
    }
    run(dir, "original", &[]);
    let stdout = text(&run(dir, "emitted", &["--profile-dir", "profiles"]).stdout);

    let sources = profile_sources(&dir.join("emitted"));
    assert_eq!(sources.len(), default_rack().len(), "{sources:?}");
    for (dut, profile) in default_rack() {
        let file = format!("profiles/{profile}.yaml");
        assert_eq!(
            sources.get(&dut),
            Some(&file),
            "{dut} ran the emitted profile"
        );
        assert!(stdout.contains(&format!("{dut} {file}")), "{stdout}");
    }
    let original = profile_sources(&dir.join("original"));
    assert!(
        original.values().all(|s| s.starts_with("bundled:")),
        "{original:?}"
    );

    let (a, b) = (
        results(&dir.join("original")),
        results(&dir.join("emitted")),
    );
    assert!(a.len() > 100, "a full run: {} trials", a.len());
    let diff = differences(&a, &b);
    assert!(diff.is_empty(), "{diff:#?}");
}

#[test]
fn measured_policies_travel_in_the_profile_and_give_the_same_results() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("profiles")).unwrap();
    let board = "name: r\nduts:\n  - name: b\n    simulated:\n      profile: mfw_nrf9160_1.3.6\n";
    std::fs::write(
        dir.join("measured.yaml"),
        format!(
            "{board}      policy: {{ pofwarn_clear: level, hysteresis_mv: 60, \
             overwrite: already_exists_519, protected_overwrite: replace, secret_read: allow, \
             cmee_boot: 1, cmee_survives_cfun: true }}\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("plain.yaml"), board).unwrap();
    characterize(
        dir,
        &[
            "--rack",
            "measured.yaml",
            "--dut",
            "b",
            "--base",
            "mfw_nrf9160_1.3.6",
            "--out",
            "profiles/mfw_nrf9160_1.3.6.yaml",
        ],
    );
    run(dir, "measured", &["--rack", "measured.yaml"]);
    // The same rack entry without a policy: bundled (defaults), then from the emitted profile.
    run(dir, "bundled", &["--rack", "plain.yaml"]);
    let args = ["--rack", "plain.yaml", "--profile-dir", "profiles"];
    run(dir, "emitted", &args);

    let sources = profile_sources(&dir.join("emitted"));
    assert_eq!(
        sources.get("b").map(String::as_str),
        Some("profiles/mfw_nrf9160_1.3.6.yaml")
    );
    let measured = results(&dir.join("measured"));
    let bundled = differences(&measured, &results(&dir.join("bundled")));
    assert!(
        bundled.iter().any(|d| d.contains("cmng::overwrite")),
        "the policies show in the results (else this test could not fail): {bundled:#?}"
    );
    let emitted = differences(&measured, &results(&dir.join("emitted")));
    assert!(emitted.is_empty(), "{emitted:#?}");
}
