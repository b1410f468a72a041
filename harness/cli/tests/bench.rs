//! `hil bench --only rack`: the boards are served by a `hil sim` process of their own, the
//! measured `hil run` reaches them through a rack file like hardware, and both processes are
//! measured. Only what the run did is asserted, never how fast (timing is a benchmark's
//! business, not a test's).

mod common;

use common::{hil, output, text};

#[test]
fn the_rack_host_part_measures_the_harness_apart_from_its_hil_sim_process() {
    let mut cmd = hil();
    cmd.args([
        "bench",
        "--only",
        "rack",
        "--rack-boards",
        "2,1",
        "--filter",
        "identity",
        "--json",
    ]);
    let out = output(cmd, 600);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let runs = report["runs"].as_array().unwrap();
    let boards: Vec<u64> = runs.iter().map(|r| r["duts"].as_u64().unwrap()).collect();
    assert_eq!(boards, [1, 2], "ascending sizes, each once");
    for run in runs {
        assert_eq!(run["setup"], "hil-sim", "{run}");
        assert_eq!(run["clean"], true, "{run}");
        assert_eq!(run["exit"], "exit 0", "{run}");
        assert!(run["peak_rss_mb"].as_f64().unwrap() > 0.0, "{run}");
        assert!(run["sim"]["peak_rss_mb"].as_f64().unwrap() > 0.0, "{run}");
        let rack = run["rack"].as_str().unwrap();
        assert!(rack.starts_with("rack-host-"), "{rack}");
    }

    let targets = report["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 2, "{targets:?}");
    for target in targets {
        assert!(target["measured"].is_number(), "{target}");
        assert!(target["pass"].is_boolean(), "{target}");
    }
    assert!(
        stderr.contains("hil sim:"),
        "the simulator's own usage is shown: {stderr}"
    );
}
