//! The stored vocabulary: run ids, timestamps, how a run ended, trial keys and trial states.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
use hil_runner::OutcomeKind;
use serde::{Serialize, Serializer};

/// A recorded run's number in the history (increasing with every recorded run).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RunId(pub i64);

impl fmt::Display for RunId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A point in time stored as milliseconds since the Unix epoch; shown as RFC 3339 (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// The timestamp of `time` (times before 1970 clamp to the epoch).
    pub fn of(time: SystemTime) -> Self {
        let ms = time
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0);
        Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    fn utc(self) -> Option<DateTime<Utc>> {
        DateTime::<Utc>::from_timestamp_millis(self.0)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.utc() {
            Some(t) => f.write_str(&t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            None => write!(f, "@{}ms", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Milliseconds of a duration, saturating (for storage).
pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunEnd {
    /// Every planned trial ran (whatever the outcomes).
    Completed,
    /// Stopped on request (Ctrl-C) after finishing the current cases.
    Stopped,
    /// Aborted at once (a second Ctrl-C, a crash of the harness): results are partial.
    Aborted,
    /// The rack could not be used (bring-up failed, every trial an infrastructure error).
    InfrastructureError,
    /// A report could not be written completely (a full disk): the run's results are not all
    /// on record (schema version 2 on).
    Incomplete,
}

impl RunEnd {
    /// Every way a run can end.
    pub const ALL: [RunEnd; 5] = [
        RunEnd::Completed,
        RunEnd::Stopped,
        RunEnd::Aborted,
        RunEnd::InfrastructureError,
        RunEnd::Incomplete,
    ];

    /// The stored (and JSON) name: `completed`, `stopped`, `aborted`, `infrastructure_error`,
    /// `incomplete`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunEnd::Completed => "completed",
            RunEnd::Stopped => "stopped",
            RunEnd::Aborted => "aborted",
            RunEnd::InfrastructureError => "infrastructure_error",
            RunEnd::Incomplete => "incomplete",
        }
    }

    /// The run end stored as `text`, if it is one.
    pub fn parse(text: &str) -> Option<Self> {
        RunEnd::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

impl fmt::Display for RunEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome kind stored as `text` (`pass`, `fail`, …), if it is one.
pub fn parse_outcome(text: &str) -> Option<OutcomeKind> {
    OutcomeKind::ALL.into_iter().find(|k| k.as_str() == text)
}

/// A trial across runs: one case on one DUT (`<dut>::<suite>::<case>`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TrialKey {
    /// The DUT's name.
    pub dut: String,
    /// The suite's name.
    pub suite: String,
    /// The case's name.
    pub case: String,
}

impl fmt::Display for TrialKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}::{}", self.dut, self.suite, self.case)
    }
}

/// What one run recorded about one trial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrialState {
    /// The outcome.
    pub outcome: OutcomeKind,
    /// The deviation signature (failure, expected failure, characterization deviation).
    pub signature: Option<String>,
    /// The outcome's one-line message (empty for a plain pass).
    pub message: String,
    /// The modem firmware the DUT reported, if any.
    pub modem_firmware: Option<String>,
    /// How many attempts the trial took.
    pub attempts: u32,
    /// How long the trial took, in milliseconds.
    pub duration_ms: i64,
    /// Observations of a characterization case, sorted by key.
    pub observations: Vec<(String, String)>,
}

/// A recorded run with its outcome counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunRow {
    /// The run's id.
    pub id: RunId,
    /// The rack the run used.
    pub rack: String,
    /// The host the run ran on.
    pub host: String,
    /// The harness version that ran it.
    pub harness_version: String,
    /// The harness's git commit, if known.
    pub git_commit: Option<String>,
    /// The firmware-under-test id(s) the boards reported (distinct values, comma-separated).
    pub firmware_under_test: Option<String>,
    /// When the run started.
    pub started: Timestamp,
    /// How long the run took, in milliseconds.
    pub duration_ms: i64,
    /// How the run ended.
    pub ended: RunEnd,
    /// Planned trials that did not run (stopped or aborted runs).
    pub not_run: i64,
    /// Trials per outcome (of the trials the query selected); outcomes with none left out.
    /// JSON: `{"pass": 174, "fail": 2, …}`.
    pub counts: BTreeMap<OutcomeKind, i64>,
}

impl RunRow {
    /// Trials counted.
    pub fn trials(&self) -> i64 {
        self.counts.values().sum()
    }

    /// The count of one outcome.
    pub fn count(&self, kind: OutcomeKind) -> i64 {
        self.counts.get(&kind).copied().unwrap_or(0)
    }
}

/// A board of a run: what it reported at the start of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BoardRow {
    /// The board's name.
    pub dut: String,
    /// The modem firmware it reported.
    pub modem_firmware: Option<String>,
    /// The application firmware it reported.
    pub app_firmware: Option<String>,
    /// A hash of its IMEI (never the IMEI itself).
    pub imei_hash: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for end in RunEnd::ALL {
            assert_eq!(RunEnd::parse(end.as_str()), Some(end));
        }
        for kind in OutcomeKind::ALL {
            assert_eq!(parse_outcome(kind.as_str()), Some(kind));
        }
        assert_eq!(RunEnd::parse("finished"), None);
        assert_eq!(parse_outcome("PASS"), None);
    }

    #[test]
    fn timestamps_show_as_utc() {
        let t = Timestamp::of(UNIX_EPOCH + Duration::from_secs(86_400 + 61));
        assert_eq!(t.to_string(), "1970-01-02T00:01:01Z");
        assert_eq!(
            Timestamp::of(UNIX_EPOCH - Duration::from_secs(5)).millis(),
            0
        );
    }
}
