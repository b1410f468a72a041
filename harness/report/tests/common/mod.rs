//! A fixture run for the report tests: two fake DUTs on different modem firmware, cases that
//! produce every outcome (with retries, attachments and hostile transcript text), driven
//! through the real `hil_runner::Run` so reporters see real event sequences.
#![allow(dead_code)]

pub mod browser;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use hil_runner::{Case, CaseLog, Expectations, FnCase, Problem, Reporter, Run, RunInfo, RunOutput};
use hil_testkit::{FakeDut, Lab};

/// A fixture DUT; its properties carry markup, which reports must escape.
fn dut(name: &str, mfw: &str, lab: &Lab) -> FakeDut {
    let imei_sha256 = format!("sha256-of-{name}");
    FakeDut::new(name, mfw, lab).with_properties(&[
        ("app_firmware", "0.1.0+abc123"),
        ("imei_sha256", &imei_sha256),
        ("hw_version", "nRF9160 SICA <b>B1A</b>"),
    ])
}

/// Text a modem (or a broken console) could put in a transcript: markup, CDATA end, terminal
/// escapes and characters XML cannot carry.
pub const HOSTILE: &str = "AT%CMNG=1\r\n%CMNG: 16842753,0,\"ABC\"\r\nOK\r\n\u{1b}[31mred\u{1b}[0m \u{0}\u{8}\u{fffe}</pre><script>alert(1)</script>]]><!-- & \"q\" 'a'\r\n";

pub const EXPECTATIONS: &str = r#"
cmng::crlf:
  - range: "nrf91x1 >=2.0.2"
    xfail:
      signature: "+CME ERROR: 527"
      reason: "MFW >= 2.0.2 validates certificate content"
cmng::types:
  - range: "nrf9160"
    skip: "no types 6/7 on this firmware (test data)"
  - range: "nrf91x1"
    xfail:
      signature: "+CME ERROR: 514"
      reason: "read of type 2 refused (test data)"
pofwarn::clear:
  - range: any
    characterize: "what clears the warning (ref §4.4)"
"#;

type Body = dyn Fn(&mut FakeDut, &mut CaseLog) -> Result<(), Problem> + Send + Sync;

fn case(
    name: &str,
    body: impl Fn(&mut FakeDut, &mut CaseLog) -> Result<(), Problem> + Send + Sync + 'static,
) -> Arc<dyn Case<FakeDut>> {
    let suite = if name == "clear" { "pofwarn" } else { "cmng" };
    let body: Box<Body> = Box::new(body);
    Arc::new(FnCase::new(
        suite,
        name,
        format!("{name}: <i>described</i> & checked"),
        move |dut: &mut FakeDut, log: &mut CaseLog| body(dut, log),
    ))
}

/// Writes the fixture attachments (a hostile SVG trace and a CSV) into `dir`.
pub fn attachments(dir: &Path) -> (PathBuf, PathBuf) {
    let svg = dir.join("psu-trace.svg");
    let csv = dir.join("psu trace.csv");
    std::fs::write(
        &svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>"#,
    )
    .unwrap();
    std::fs::write(&csv, "t,v\n0,3.7\n").unwrap();
    (svg, csv)
}

/// The fixture's cases; `files` are attached by the characterization case.
pub fn cases(files: (PathBuf, PathBuf)) -> Vec<Arc<dyn Case<FakeDut>>> {
    let attempts: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    vec![
        case("list", |_, log| {
            log.transcript(HOSTILE);
            log.property("identity", "mfw <ok>");
            Ok(())
        }),
        case("crlf", |_, log| {
            log.transcript(
                "AT%CMNG=0,16842753,0,\"<redacted PEM, 1200 bytes>\"\r\n+CME ERROR: 527",
            );
            Err(Problem::deviation("+CME ERROR: 527", "CRLF PEM refused"))
        }),
        case("flaky", move |dut, log| {
            let mut map = attempts.lock().unwrap();
            let n = map.entry(dut.name.clone()).or_insert(0);
            *n += 1;
            log.transcript(&format!("attempt {n}"));
            if *n == 1 {
                Err(Problem::deviation("+CME ERROR: 518", "first write refused"))
            } else {
                Ok(())
            }
        }),
        case("broken", |_, log| {
            log.transcript("AT+CFUN?");
            Err(Problem::infra("serial port vanished"))
        }),
        case("types", |_, log| {
            log.transcript("AT%CMNG=2,16842753,2\r\nOK");
            Ok(())
        }),
        case("clear", move |_, log| {
            log.observe("cleared by", "CFUN=1 after VDD > 3.3 V");
            log.note("warning latched for 2.1 s");
            log.attach("PSU trace", &files.0);
            log.attach("PSU samples", &files.1);
            Err(Problem::deviation(
                "no 528",
                "write accepted while the warning was active",
            ))
        }),
        case("no_supply", |_, _| {
            Err(Problem::not_applicable("no supply on this DUT"))
        }),
    ]
}

/// Runs the fixture with `reporters`; two DUTs, `--retries 2`.
pub fn run_fixture(dir: &Path, reporters: Vec<Box<dyn Reporter>>) -> RunOutput<FakeDut> {
    let files = attachments(dir);
    // Host and harness version fixed, so snapshots hold on every machine and release.
    let mut info = RunInfo::new("rack-<1>")
        .with_git_commit("0123abcd")
        .with_harness_version("0.0.0-test");
    info.host = "lab-host".to_string();
    let run = Run::new(
        info,
        cases(files),
        Expectations::from_yaml(EXPECTATIONS, "expectations.yaml").unwrap(),
    )
    .unwrap()
    .with_retries(2);
    let lab = Lab::default();
    let duts = vec![
        dut("dut1", "mfw_nrf9160_1.3.6", &lab),
        dut("dut2", "mfw_nrf91x1_2.0.2", &lab),
    ];
    run.execute(duts, reporters).unwrap()
}

/// Snapshot settings of the report tests: time stamps and durations (which differ on every
/// run) replaced by placeholders. Run the assertion inside `settings().bind(|| ...)`.
pub fn settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})",
        "[timestamp]",
    );
    settings.add_filter(r#"time="[0-9.]+""#, r#"time="[duration]""#);
    settings.add_filter(r"<dd>[0-9.]+ s</dd>", "<dd>[duration] s</dd>");
    settings.add_filter(r"(?m) in [0-9.]+ s$", " in [duration] s");
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// `text` with the fixture's temporary directory (absolute attachment paths) as `[dir]`.
pub fn without_dir(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "[dir]")
}
