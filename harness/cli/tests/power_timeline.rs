//! `hil run` of the power-off-warning suite on the default simulated rack: every case that ran
//! attaches a timeline of voltage and current with its AT commands, results and URCs marked,
//! the HTML report shows it, and headless Chromium renders the page to a non-trivial PNG
//! (skipped without Chromium unless `HIL_REQUIRE_CHROMIUM=1`, as in CI).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{hil, output, text};

/// The timeline SVGs under the report's artifacts, by file name.
fn timelines(report: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![report.join("artifacts")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with("-timeline.svg") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Results in the JUnit that ran (not skipped) for a case the `pofwarn` filter selects.
fn pofwarn_cases_that_ran(report: &Path) -> usize {
    common::junit(&report.join("junit.xml"))
        .test_suites
        .iter()
        .flat_map(|s| s.test_cases.iter())
        .filter(|c| c.name.as_str().contains("pofwarn"))
        .filter(|c| !matches!(c.status, quick_junit::TestCaseStatus::Skipped { .. }))
        .count()
}

/// `chromium --headless --screenshot` of `url` into `png`; `None` when Chromium is missing.
fn screenshot(url: &str, png: &Path) -> Option<std::process::Output> {
    for browser in ["chromium", "chromium-browser", "google-chrome"] {
        let run = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .arg(format!("--screenshot={}", png.display()))
            .arg("--window-size=1400,2000")
            .arg(url)
            .output();
        if let Ok(out) = run {
            return Some(out);
        }
    }
    None
}

#[test]
fn every_power_off_warning_case_shows_voltage_current_and_the_at_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report");
    let mut cmd = hil();
    cmd.args(["run", "--filter", "pofwarn", "--report-dir"])
        .arg(&report);
    let out = output(cmd, 600);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");

    let ran = pofwarn_cases_that_ran(&report);
    let svgs = timelines(&report);
    assert!(ran > 0, "no pofwarn case ran\n{stderr}");
    assert_eq!(svgs.len(), ran, "one timeline per case that ran: {svgs:?}");
    let mut warnings = 0;
    for svg in &svgs {
        let body = std::fs::read_to_string(svg).unwrap();
        let name = svg.display();
        assert!(body.starts_with("<svg"), "{name}");
        assert!(body.contains("class=\"volts\""), "{name}: voltage");
        assert!(body.contains("class=\"amps\""), "{name}: current");
        assert!(body.contains("class=\"ev ev-cmd\""), "{name}: AT commands");
        assert!(body.contains("class=\"ev ev-ok\""), "{name}: results");
        if body.contains("class=\"ev ev-urc\"><title>") && body.contains("+CGEV: ME BATTERY LOW") {
            warnings += 1;
        }
        let csv = svg
            .to_string_lossy()
            .replace("-timeline.svg", "-current.csv");
        assert!(
            Path::new(&csv).is_file(),
            "{name}: the current CSV beside it"
        );
    }
    assert!(warnings > 0, "no timeline marks a power-off warning URC");

    let html = std::fs::read_to_string(report.join("conformance.html")).unwrap();
    // Embedded, or linked once the page's plot budget is spent (a rack of many boards).
    let shown = html.matches("img class=\"trace timeline\"").count()
        + html.matches("a class=\"timeline-link\"").count();
    assert!(
        html.matches("img class=\"trace timeline\"").count() > 0,
        "no timeline embedded"
    );
    assert_eq!(shown, ran, "the HTML shows every timeline");

    let png = dir.path().join("report.png");
    let url = format!("file://{}", report.join("conformance.html").display());
    match screenshot(&url, &png) {
        Some(shot) => {
            let bytes = std::fs::read(&png).unwrap_or_else(|e| {
                panic!("no screenshot ({e}): {}", text(&shot.stderr));
            });
            assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
            // A blank 1400x2000 page compresses to a few kilobytes; text, tables and plots
            // do not.
            assert!(bytes.len() > 40_000, "{} bytes: a blank page?", bytes.len());
        }
        None => assert!(
            std::env::var("HIL_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "Chromium required (HIL_REQUIRE_CHROMIUM=1) but not runnable"
        ),
    }
}
