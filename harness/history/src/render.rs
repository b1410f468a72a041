//! Plain-text rendering of a history view and of a run diff (what `hil history` and
//! `hil diff` print without `--json`).

use std::fmt::Write as _;

use hil_runner::OutcomeKind;

use crate::diff::{RunDiff, TrialChange};
use crate::flaky::TrialHistory;
use crate::query::HistoryView;
use crate::types::{RunRow, TrialState};

/// One character per outcome for outcome strips: `P` pass, `F` fail, `x` expected failure,
/// `X` unexpected pass, `-` not applicable, `C` characterized, `E` error (`.`: not run).
pub fn symbol(kind: Option<OutcomeKind>) -> char {
    match kind {
        Some(OutcomeKind::Pass) => 'P',
        Some(OutcomeKind::Fail) => 'F',
        Some(OutcomeKind::ExpectedFail) => 'x',
        Some(OutcomeKind::UnexpectedPass) => 'X',
        Some(OutcomeKind::NotApplicable) => '-',
        Some(OutcomeKind::Characterized) => 'C',
        Some(OutcomeKind::Error) => 'E',
        None => '.',
    }
}

/// The runs, then the trials: all of them when `all_trials`, else only those whose outcome
/// changed over these runs.
pub fn history_text(view: &HistoryView, all_trials: bool) -> String {
    let mut out = String::new();
    if view.runs.is_empty() {
        out.push_str("no recorded run matches\n");
        return out;
    }
    out.push_str(&runs_table(&view.runs));
    let shown: Vec<&TrialHistory> = view
        .trials
        .iter()
        .filter(|t| all_trials || t.changes() > 0)
        .collect();
    let _ = writeln!(out, "\ntrials, most recent run first ({}):", legend());
    if shown.is_empty() {
        let _ = writeln!(
            out,
            "  no trial changed its outcome over these runs ({} trials)",
            view.trials.len()
        );
        return out;
    }
    let width = shown
        .iter()
        .map(|t| t.trial.to_string().len())
        .max()
        .unwrap_or(0);
    for trial in &shown {
        let strip: String = trial.outcomes.iter().map(|o| symbol(o.outcome)).collect();
        let flaky = if trial.is_flaky() { "  flaky" } else { "" };
        let changes = match trial.changes() {
            1 => "1 change".to_string(),
            n => format!("{n} changes"),
        };
        let _ = writeln!(
            out,
            "  {:width$}  {strip}  {changes}{flaky}",
            trial.trial.to_string()
        );
    }
    if !all_trials && shown.len() < view.trials.len() {
        let _ = writeln!(
            out,
            "  ({} trials did not change; --case or --dut shows every matching trial)",
            view.trials.len() - shown.len()
        );
    }
    out
}

fn legend() -> &'static str {
    "P pass, F fail, x xfail, X xpass, - n/a, C characterized, E error, . not run"
}

fn runs_table(runs: &[RunRow]) -> String {
    let mut rows = vec![
        [
            "run", "started", "rack", "host", "ended", "time", "trials", "pass", "fail", "xfail",
            "xpass", "n/a", "char", "error",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for run in runs {
        let mut row = vec![
            run.id.to_string(),
            run.started.to_string(),
            run.rack.clone(),
            run.host.clone(),
            run.ended.to_string(),
            format!("{:.1}s", run.duration_ms as f64 / 1000.0),
            run.trials().to_string(),
        ];
        row.extend(OutcomeKind::ALL.iter().map(|k| run.count(*k).to_string()));
        rows.push(row);
    }
    aligned(&rows)
}

/// Left-aligned columns separated by two spaces.
fn aligned(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(cell, w)| format!("{cell:w$}"))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The diff, group by group (empty groups left out).
pub fn diff_text(diff: &RunDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "from {}\n  to {}",
        run_line(&diff.from),
        run_line(&diff.to)
    );
    if diff.is_empty() {
        out.push_str("no trial changed\n");
        return out;
    }
    for (title, changes) in diff.outcome_groups() {
        section(&mut out, title, changes.len());
        for change in changes {
            let _ = writeln!(out, "  {}  {}", change.trial, transition(change));
        }
    }
    section(
        &mut out,
        "changed observations",
        diff.changed_observations.len(),
    );
    for change in &diff.changed_observations {
        let _ = writeln!(out, "  {}", change.trial);
        for value in &change.changes {
            let _ = writeln!(
                out,
                "      {}: {} -> {}",
                value.key,
                shown(&value.before),
                shown(&value.after)
            );
        }
    }
    for (title, trials) in [
        ("appeared", &diff.appeared),
        ("disappeared", &diff.disappeared),
    ] {
        section(&mut out, title, trials.len());
        for t in trials {
            let _ = writeln!(out, "  {}  {}", t.trial, state_text(&t.state));
        }
    }
    section(
        &mut out,
        "modem firmware changed",
        diff.firmware_changes.len(),
    );
    for change in &diff.firmware_changes {
        let _ = writeln!(
            out,
            "  {}: {} -> {}",
            change.dut,
            shown(&change.before),
            shown(&change.after)
        );
    }
    out
}

fn section(out: &mut String, title: &str, count: usize) {
    if count > 0 {
        let _ = writeln!(out, "\n{title} ({count}):");
    }
}

fn run_line(run: &RunRow) -> String {
    format!(
        "run {} ({}, {}, {}, {})",
        run.id, run.rack, run.host, run.started, run.ended
    )
}

fn transition(change: &TrialChange) -> String {
    let (before, after) = (&change.before, &change.after);
    let mut text = format!("{} -> {}", before.outcome.label(), after.outcome.label());
    if !after.message.is_empty() {
        let _ = write!(text, ": {}", after.message);
    } else if !before.message.is_empty() {
        let _ = write!(text, " (was: {})", before.message);
    }
    if before.modem_firmware != after.modem_firmware {
        let _ = write!(
            text,
            " [{} -> {}]",
            shown(&before.modem_firmware),
            shown(&after.modem_firmware)
        );
    }
    text
}

fn state_text(state: &TrialState) -> String {
    let mut text = state.outcome.label().to_string();
    if !state.message.is_empty() {
        let _ = write!(text, " ({})", state.message);
    }
    if let Some(mfw) = &state.modem_firmware {
        let _ = write!(text, " [{mfw}]");
    }
    text
}

fn shown(value: &Option<String>) -> String {
    match value {
        Some(v) => format!("{v:?}"),
        None => "(none)".to_string(),
    }
}
