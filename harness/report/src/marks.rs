//! What a nightly run adds to its reports besides the results: trials under quarantine (their
//! unexpected results are shown but do not set the exit status while the entry lasts) and
//! boards held out in maintenance. Reports use it so a run that did not test everything says so
//! — in the first line of the summary, the `<testsuites>` properties, the testcase properties
//! and the HTML badges — rather than looking green.

use std::collections::{BTreeMap, BTreeSet};

use hil_runner::TrialResult;

/// A trial's quarantine entry, as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineMark {
    /// Why it is quarantined.
    pub reason: String,
    /// Where the problem is tracked.
    pub issue: Option<String>,
    /// The last day the entry shields, `YYYY-MM-DD`.
    pub until: String,
    /// The date has passed: the entry no longer shields.
    pub expired: bool,
    /// Which entry (for messages): `quarantine.yaml entry 3`.
    pub entry: String,
}

/// Everything beyond the results a run's reports must say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunMarks {
    /// Quarantine marks by trial name `<dut>::<suite>::<case>`.
    pub quarantined: BTreeMap<String, QuarantineMark>,
    /// Boards held out in maintenance: name and why (since when).
    pub held_out: Vec<(String, String)>,
}

/// How a result stands against the quarantine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing<'a> {
    /// Not quarantined.
    Plain,
    /// Quarantined and the entry lasts: an unexpected result is shielded.
    Shielded(&'a QuarantineMark),
    /// Quarantined, but the entry has expired: it counts like any other result.
    Expired(&'a QuarantineMark),
}

/// What the quarantine and maintenance did to a run's results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Unexpected results that do not set the exit status.
    pub shielded: usize,
    /// Unexpected results under an expired entry (they count).
    pub expired_unexpected: usize,
    /// Expired entries that named a trial of the run.
    pub expired_entries: BTreeSet<String>,
    /// Quarantined trials that passed (their entries may be removable).
    pub now_passing: Vec<String>,
}

impl RunMarks {
    /// Whether anything is marked (a plain run's reports stay exactly as they were).
    pub fn is_empty(&self) -> bool {
        self.quarantined.is_empty() && self.held_out.is_empty()
    }

    /// How `result` stands against the quarantine.
    pub fn standing(&self, result: &TrialResult) -> Standing<'_> {
        match self.quarantined.get(&result.id.to_string()) {
            None => Standing::Plain,
            Some(mark) if mark.expired => Standing::Expired(mark),
            Some(mark) => Standing::Shielded(mark),
        }
    }

    /// Whether `result` is unexpected and does not set the exit status.
    pub fn shields(&self, result: &TrialResult) -> bool {
        result.outcome.is_unexpected() && matches!(self.standing(result), Standing::Shielded(_))
    }

    /// Adds `result` to `tally`.
    pub fn count(&self, tally: &mut Tally, result: &TrialResult) {
        let unexpected = result.outcome.is_unexpected();
        match self.standing(result) {
            Standing::Plain => {}
            Standing::Shielded(_) if unexpected => tally.shielded += 1,
            Standing::Expired(mark) => {
                tally.expired_entries.insert(mark.entry.clone());
                if unexpected {
                    tally.expired_unexpected += 1;
                }
            }
            Standing::Shielded(_) => {}
        }
        if !unexpected && self.quarantined.contains_key(&result.id.to_string()) {
            tally.now_passing.push(result.id.to_string());
        }
    }

    /// The first line of the summary when the run did not simply test everything, e.g.
    /// `INCOMPLETE: 1 board in maintenance (dk-2, not tested); 2 unexpected results shielded by
    /// quarantine; QUARANTINE EXPIRED: 1 entry no longer shields`. `None` for a plain run.
    pub fn headline(&self, tally: &Tally) -> Option<String> {
        let mut parts = Vec::new();
        if !self.held_out.is_empty() {
            let names: Vec<&str> = self.held_out.iter().map(|(n, _)| n.as_str()).collect();
            parts.push(format!(
                "{} in maintenance ({}, not tested)",
                plural(names.len(), "board", "boards"),
                names.join(", ")
            ));
        }
        if tally.shielded > 0 {
            parts.push(format!(
                "{} shielded by quarantine (not counted in the exit status)",
                plural(tally.shielded, "unexpected result", "unexpected results")
            ));
        }
        if !tally.expired_entries.is_empty() {
            parts.push(format!(
                "QUARANTINE EXPIRED: {} no longer {} ({})",
                plural(tally.expired_entries.len(), "entry", "entries"),
                if tally.expired_entries.len() == 1 {
                    "shields"
                } else {
                    "shield"
                },
                tally
                    .expired_entries
                    .iter()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        (!parts.is_empty()).then(|| format!("NOT A FULL RESULT: {}", parts.join("; ")))
    }

    /// The `<testsuites>` properties: which boards were held out, how many results were
    /// shielded, which entries expired. Empty for a plain run.
    pub fn run_properties(&self, tally: &Tally) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if !self.held_out.is_empty() {
            let lines: Vec<String> = self
                .held_out
                .iter()
                .map(|(name, why)| format!("{name}: {why}"))
                .collect();
            out.push(("boards_in_maintenance".to_string(), lines.join("; ")));
        }
        if !self.quarantined.is_empty() {
            out.push((
                "quarantine_shielded".to_string(),
                tally.shielded.to_string(),
            ));
        }
        if !tally.expired_entries.is_empty() {
            let entries: Vec<String> = tally.expired_entries.iter().cloned().collect();
            out.push(("quarantine_expired".to_string(), entries.join("; ")));
        }
        out
    }
}

impl QuarantineMark {
    /// `quarantined until 2025-07-01: reason (issue)`, or `quarantine EXPIRED on …`.
    pub fn describe(&self) -> String {
        let issue = self
            .issue
            .as_ref()
            .map(|i| format!(" ({i})"))
            .unwrap_or_default();
        if self.expired {
            format!(
                "quarantine EXPIRED after {} ({}): {}{issue}",
                self.until, self.entry, self.reason
            )
        } else {
            format!("quarantined until {}: {}{issue}", self.until, self.reason)
        }
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
