//! What is known about one board's health: how many runs in a row had an infrastructure error
//! on it, the last such error, and whether it is in maintenance (since when, why, by whom).

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::key::BoardKey;

/// One board's health record (the JSON file in `<state>/health/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardHealth {
    /// The board's key (probe, port or supply).
    pub key: String,
    /// The board's name in the rack file that last touched the record.
    pub dut: String,
    /// Consecutive runs with an infrastructure error on this board (0 after a clean run).
    pub failed_runs: u32,
    /// The last infrastructure error, one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// When a run last reported on this board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_run: Option<DateTime<Utc>>,
    /// Set while the board is out of service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance: Option<Maintenance>,
}

/// A board out of service: runs do not touch it until it is returned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Maintenance {
    /// Since when.
    pub since: DateTime<Utc>,
    /// Who or what took it out.
    pub cause: MaintenanceCause,
    /// Why, one line.
    pub reason: String,
}

/// Who took a board out of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MaintenanceCause {
    /// The harness, after too many consecutive runs with an infrastructure error.
    Automatic,
    /// A person (`hil boards maintenance NAME --reason TEXT`).
    ByHand,
}

impl BoardHealth {
    /// A record for a board nothing is known about yet.
    pub fn new(key: &BoardKey, dut: impl Into<String>) -> Self {
        BoardHealth {
            key: key.as_str().to_string(),
            dut: dut.into(),
            failed_runs: 0,
            last_error: None,
            last_run: None,
            maintenance: None,
        }
    }

    /// Whether runs leave the board alone.
    pub fn in_maintenance(&self) -> bool {
        self.maintenance.is_some()
    }

    /// Takes the board out of service by hand.
    pub fn take_out(&mut self, reason: impl Into<String>, now: DateTime<Utc>) {
        self.maintenance = Some(Maintenance {
            since: now,
            cause: MaintenanceCause::ByHand,
            reason: reason.into(),
        });
    }

    /// Returns the board to service with a clean count; returns the maintenance it left.
    pub fn return_to_service(&mut self) -> Option<Maintenance> {
        self.failed_runs = 0;
        self.last_error = None;
        self.maintenance.take()
    }
}

impl Maintenance {
    /// `in maintenance since 2025-01-02T03:04:05Z (after 3 runs …): reason`, one line.
    pub fn describe(&self) -> String {
        let who = match self.cause {
            MaintenanceCause::Automatic => "taken out automatically",
            MaintenanceCause::ByHand => "taken out by hand",
        };
        format!(
            "in maintenance since {} ({who}): {}",
            self.since.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.reason
        )
    }

    /// Since when, RFC 3339 to the second.
    pub fn since_text(&self) -> String {
        self.since.to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}
