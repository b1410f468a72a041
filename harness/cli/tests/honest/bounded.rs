//! A board that streams endless bytes keeps every report and every terminal line bounded.

use super::common::{junit, output, text};
use super::{babbling_rack, files, run_rack, validates, verdict};

#[test]
fn a_board_streaming_endless_bytes_keeps_every_report_under_2_mb() {
    let dir = tempfile::tempdir().unwrap();
    // The babbler floods its console from its 20th command on (bring-up sends fewer), through
    // every power cycle: its first case hangs, recovery fails, the board is lost.
    let rack = babbling_rack(dir.path(), "babbler", 20, "quiet");
    let report = dir.path().join("report");
    let out = output(run_rack(&rack, &report, &[]), 600);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{}", verdict(&out.stdout));
    assert!(
        out.stdout.len() + out.stderr.len() < 2_000_000,
        "terminal output: {} bytes",
        out.stdout.len() + out.stderr.len()
    );
    for file in files(&report) {
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size < 2_000_000, "{} is {size} bytes", file.display());
    }
    // The raw output is in the babbler's transcript file, up to its cap.
    let babbler = files(&report.join("transcripts/babbler"));
    let transcript = babbler
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .max_by_key(String::len)
        .unwrap();
    assert!(transcript.len() > 1_000_000, "{}", transcript.len());
    assert!(transcript.contains("the board streams endless output"));
    assert!(transcript.contains("bytes dropped"));

    let xml = junit(&report.join("junit.xml"));
    let lost: Vec<_> = xml
        .test_suites
        .iter()
        .flat_map(|s| &s.test_cases)
        .filter_map(|c| match &c.status {
            quick_junit::TestCaseStatus::NonSuccess {
                message: Some(m), ..
            } if m.as_str().starts_with("not run: the DUT is lost") => Some(m.as_str().len()),
            _ => None,
        })
        .collect();
    assert!(!lost.is_empty(), "{stderr}");
    assert!(
        lost.iter().all(|len| *len < 400),
        "the partial output is told once, not per case: {lost:?}"
    );
    if let Some((valid, messages)) = validates(&report.join("junit.xml")) {
        assert!(valid, "{messages}");
    }
}

/// A board that babbles from its first command faults at bring-up: every line on the terminal
/// stays short (the fault keeps its first and last bytes), the raw console output is in one
/// file of the report directory, and each of its cases says the board did not come up.
#[test]
fn a_board_babbling_at_bring_up_keeps_every_line_short() {
    let dir = tempfile::tempdir().unwrap();
    let rack = babbling_rack(dir.path(), "noisy", 0, "calm");
    let report = dir.path().join("report");
    let out = output(run_rack(&rack, &report, &["--filter", "identity::"]), 600);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "{}", verdict(&out.stdout));
    for line in stdout.lines().chain(stderr.lines()) {
        assert!(line.len() < 4096, "a line of {} bytes", line.len());
    }
    assert!(stderr.contains("noisy (?): FAULT"), "{stderr}");
    assert!(stderr.contains("bytes left out"), "{stderr}");
    for file in files(&report) {
        let size = std::fs::metadata(&file).unwrap().len();
        assert!(size < 2_000_000, "{} is {size} bytes", file.display());
    }
    let kept = report.join("artifacts/noisy/bring-up.transcript.txt");
    assert!(stderr.contains(&kept.display().to_string()), "{stderr}");
    let raw = std::fs::read_to_string(&kept).unwrap();
    assert!(raw.contains("the board streams endless output"));
    assert!(raw.contains("bytes dropped"), "capped: {} bytes", raw.len());

    let xml = junit(&report.join("junit.xml"));
    let noisy = xml
        .test_suites
        .iter()
        .find(|s| s.name.as_str().contains("noisy"))
        .expect("the noisy board's suite");
    assert!(!noisy.test_cases.is_empty());
    for case in &noisy.test_cases {
        let quick_junit::TestCaseStatus::NonSuccess {
            message: Some(m), ..
        } = &case.status
        else {
            panic!("{:?}", case.status);
        };
        assert!(
            m.as_str()
                .starts_with("not run: the board did not come up: the board does not answer"),
            "{}",
            m.as_str()
        );
        assert!(!m.as_str().contains("recovery"), "{}", m.as_str());
    }
}
