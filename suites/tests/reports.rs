//! End to end on the simulated rack: the suites that write private keys and PSKs run into a
//! report directory; the JUnit has one testsuite per DUT with the identity properties,
//! validates against the JUnit schema, and no key material appears in any report file.

use std::path::{Path, PathBuf};
use std::process::Command;

use hil_app::{Env, Frontend, RunRequest, Settings};
use hil_lab::{Lab, LabOptions, RackSource};
use hil_report::{ReportDir, ReporterOptions};
use hil_runner::Filter;
use hil_suites::fixtures::CLIENT_KEY;

/// The PSK `cmng::read_secrets` writes.
const PSK: &str = "000102030405060708090a0b0c0d0e0f";

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn reports_have_one_suite_per_dut_validate_and_hold_no_key_material() {
    let dir = tempfile::tempdir().unwrap();
    let opts = LabOptions {
        flash: false,
        artifacts_dir: Some(dir.path().join("artifacts")),
        ..LabOptions::default()
    };
    let lab = Lab::bring_up(&RackSource::Simulated, &opts).expect("lab up");
    let duts: Vec<String> = lab.boards.iter().map(|b| b.name().to_string()).collect();
    let settings = Settings::resolve(Frontend::Cli, RunRequest::default(), &Env::default())
        .expect("default settings");
    let run = hil_app::build_run(&lab, &settings).unwrap().with_filter(
        Filter::all()
            .pattern("::cmng::read_secrets")
            .pattern("::cmng::key_literal_newline_accepted")
            .pattern("::keygen::")
            .pattern("::identity::"),
    );
    let (boards, _guard) = lab.into_parts();
    let paths = ReportDir::new(dir.path());
    let out = run
        .execute(boards, paths.reporters(ReporterOptions::FILES_ONLY))
        .unwrap();
    assert!(out.summary.is_success(), "{:?}", out.summary);

    // One testsuite per DUT, carrying identity properties.
    let junit = std::fs::read_to_string(&paths.junit).unwrap();
    let report = quick_junit::Report::deserialize_from_str(&junit).expect("JUnit parses");
    let names: Vec<&str> = report.test_suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names.len(), duts.len(), "{names:?}");
    for suite in &report.test_suites {
        let props: Vec<&str> = suite.properties.iter().map(|p| p.name.as_str()).collect();
        for needed in ["modem_firmware", "hw_version", "imei_sha256"] {
            assert!(
                props.iter().any(|p| p.contains(needed)),
                "{}: {props:?}",
                suite.name.as_str()
            );
        }
    }

    // The schema check CI enforces (HIL_REQUIRE_XMLLINT=1).
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("../harness/report/schema/junit.xsd");
    match Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&paths.junit)
        .output()
    {
        Ok(o) => assert!(
            o.status.success(),
            "junit.xml does not validate: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(e) => assert!(
            std::env::var("HIL_REQUIRE_XMLLINT").as_deref() != Ok("1"),
            "xmllint required but not runnable: {e}"
        ),
    }

    // No private key or PSK text anywhere under the report directory.
    let key_lines: Vec<&str> = CLIENT_KEY
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let files = files_under(dir.path());
    assert!(files.len() > duts.len(), "reports written: {files:?}");
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
        for line in &key_lines {
            assert!(
                !text.contains(line),
                "{} holds private key text",
                file.display()
            );
        }
        assert!(!text.contains(PSK), "{} holds the PSK", file.display());
        assert!(
            !text.contains("BEGIN PRIVATE KEY-----\nMI"),
            "{} holds a PEM private key",
            file.display()
        );
    }
}
