//! Runner results built without a rack, for tests and the benchmark: single results of any
//! outcome, and a run the size of the default simulated rack (6 DUTs × 31 cases) whose outcomes
//! vary from night to night.

use std::time::{Duration, SystemTime};

use hil_model::MfwVersion;
use hil_runner::{
    Attempt, CaseId, CaseLog, Counts, DutInfo, Outcome, RunInfo, Summary, TrialId, TrialResult,
    props,
};

/// Run info for `rack` on host `bench-host`, harness 0.1.0, commit `abc123`.
pub fn run_info(rack: &str, started: SystemTime) -> RunInfo {
    RunInfo {
        rack: rack.to_string(),
        host: "bench-host".to_string(),
        harness_version: "0.1.0".to_string(),
        git_commit: Some("abc123".to_string()),
        started,
    }
}

/// A DUT with modem firmware `mfw` (e.g. `mfw_nrf9160_1.3.6`), an app firmware id and an
/// IMEI hash. Panics on a malformed `mfw` (test input).
pub fn dut(name: &str, mfw: &str) -> DutInfo {
    DutInfo {
        name: name.to_string(),
        firmware: Some(MfwVersion::parse(mfw).expect("a valid MFW name")),
        properties: vec![
            (
                props::APP_FIRMWARE.to_string(),
                "at-console 0.1.0+abc123".to_string(),
            ),
            (props::IMEI_HASH.to_string(), format!("sha256-of-{name}")),
        ],
    }
}

/// A result of `suite::case` on `dut` with one attempt of 10 ms ending in `outcome`
/// (no attempt for not-applicable results).
pub fn result(dut: &DutInfo, suite: &str, case: &str, outcome: Outcome) -> TrialResult {
    let started = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
    let attempts = match outcome {
        Outcome::NotApplicable { .. } => Vec::new(),
        _ => vec![Attempt {
            number: 1,
            outcome: outcome.clone(),
            started,
            duration: Duration::from_millis(10),
            log: CaseLog::default(),
            recovery: None,
        }],
    };
    TrialResult {
        id: TrialId::new(dut.name.clone(), CaseId::new(suite, case)),
        description: format!("{suite} {case}"),
        mfw: dut.firmware.clone(),
        outcome,
        attempts,
        max_attempts: 1,
        started,
        duration: Duration::from_millis(10),
    }
}

/// `result` with an observation recorded in its last attempt.
pub fn observed(mut result: TrialResult, key: &str, value: &str) -> TrialResult {
    if let Some(attempt) = result.attempts.last_mut() {
        attempt.log.observe(key, value);
    }
    result
}

/// A failure with signature `seen`.
pub fn fail(seen: &str) -> Outcome {
    Outcome::Fail {
        seen: seen.to_string(),
        detail: String::new(),
        expected: None,
    }
}

/// An expected failure with `signature`.
pub fn xfail(signature: &str) -> Outcome {
    Outcome::ExpectedFail {
        signature: signature.to_string(),
        reason: "documented".to_string(),
        detail: String::new(),
    }
}

/// An unexpected pass of an expected `signature`.
pub fn xpass(signature: &str) -> Outcome {
    Outcome::UnexpectedPass {
        signature: signature.to_string(),
        reason: "documented".to_string(),
    }
}

/// A characterization result.
pub fn characterized(fact: &str) -> Outcome {
    Outcome::Characterized {
        fact: fact.to_string(),
        deviation: None,
    }
}

/// The summary the runner would give for these results.
pub fn summary(duts: &[DutInfo], results: &[TrialResult], duration: Duration) -> Summary {
    let mut total = Counts::default();
    let per_dut = duts
        .iter()
        .map(|d| {
            let mut counts = Counts::default();
            for r in results.iter().filter(|r| r.id.dut == d.name) {
                counts.add(r);
            }
            total.merge(&counts);
            (d.clone(), counts)
        })
        .collect();
    Summary {
        per_dut,
        total,
        duration,
        stopped: false,
        not_run: 0,
        not_run_trials: Vec::new(),
        incomplete_reports: Vec::new(),
        unfinished_parts: Vec::new(),
    }
}

/// One run's worth of runner output.
#[derive(Debug, Clone)]
pub struct SampleRun {
    /// The run's metadata.
    pub info: RunInfo,
    /// The boards of the run.
    pub duts: Vec<DutInfo>,
    /// The trial results.
    pub results: Vec<TrialResult>,
    /// The run's summary.
    pub summary: Summary,
}

/// The default simulated rack's boards (one per bundled modem-firmware profile).
pub const DEFAULT_RACK: [(&str, &str); 6] = [
    ("sim-9160-0.7.0", "mfw_nrf9160_0.7.0-29.alpha"),
    ("sim-9160-1.2.3", "mfw_nrf9160_1.2.3"),
    ("sim-9160-1.3.1", "mfw_nrf9160_1.3.1"),
    ("sim-9160-1.3.6", "mfw_nrf9160_1.3.6"),
    ("sim-91x1-2.0.0", "mfw_nrf91x1_2.0.0"),
    ("sim-91x1-2.0.2", "mfw_nrf91x1_2.0.2"),
];

/// Cases per DUT in [`default_rack_run`].
pub const CASES: usize = 31;

/// Night `night`'s run of a default-rack-sized result set (6 DUTs × 31 cases): mostly passes,
/// expected failures on some boards, characterization cases with observations, and a few
/// cases whose outcome changes from night to night.
pub fn default_rack_run(rack: &str, night: u32) -> SampleRun {
    let started =
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000 + 86_400 * night as u64);
    let duts: Vec<DutInfo> = DEFAULT_RACK.iter().map(|(n, m)| dut(n, m)).collect();
    let mut results = Vec::new();
    for (d, dut_info) in duts.iter().enumerate() {
        for c in 0..CASES {
            let (suite, case) = case_name(c);
            results.push(sample_result(dut_info, &suite, &case, d, c, night));
        }
    }
    let summary = summary(&duts, &results, Duration::from_secs(6));
    SampleRun {
        info: run_info(rack, started),
        duts,
        results,
        summary,
    }
}

fn case_name(c: usize) -> (String, String) {
    let suite = ["cmng", "xpmng", "keygen", "pofwarn", "console"][c % 5];
    (suite.to_string(), format!("case_{c:02}"))
}

fn sample_result(
    dut: &DutInfo,
    suite: &str,
    case: &str,
    d: usize,
    c: usize,
    night: u32,
) -> TrialResult {
    let n = night as usize;
    match c {
        0 if d >= 4 => result(dut, suite, case, xfail("+CME ERROR: 527")),
        1 if d == 3 => result(dut, suite, case, xfail("+CME ERROR: 528")),
        2 if (n + d).is_multiple_of(3) => result(dut, suite, case, fail("+CME ERROR: 518")),
        3 => observed(
            result(dut, suite, case, characterized("pofwarn clears")),
            "pofwarn_clears_on",
            if (n + d).is_multiple_of(4) {
                "cfun-cycle"
            } else {
                "reboot"
            },
        ),
        4 if d == 0 => result(
            dut,
            suite,
            case,
            Outcome::NotApplicable {
                reason: "no supply".to_string(),
            },
        ),
        5 if d == 0 && n.is_multiple_of(5) => result(
            dut,
            suite,
            case,
            Outcome::Error {
                message: "no answer to AT within 5 s".to_string(),
            },
        ),
        _ => result(dut, suite, case, Outcome::Pass),
    }
}
