//! What the page shows from the run history: the "Changes since the previous run" section and
//! each trial's strip of recent outcomes with its flakiness figure.

use std::collections::BTreeMap;

use hil_runner::TrialResult;
use maud::{Markup, html};

use super::render::{clean, kind_class};
use crate::past::{Change, ChangeGroup, PastRuns};

/// The section at the top of the page: every trial whose outcome differs from the previous
/// run's, grouped like `hil diff`, each linked to its result.
pub(super) fn changes_section(past: &PastRuns, results: &[TrialResult]) -> Markup {
    let changes = past.changes(results);
    let mut groups: BTreeMap<ChangeGroup, Vec<(usize, Change<'_>)>> = BTreeMap::new();
    // The changes come in the order of `results`: one pass finds each one's index (a search
    // from the start for each would be quadratic in a rack's thousands of results).
    let mut cursor = 0;
    for change in changes {
        let index = match results[cursor..]
            .iter()
            .position(|r| std::ptr::eq(r, change.result))
        {
            Some(i) => cursor + i,
            None => 0,
        };
        cursor = index;
        groups
            .entry(change.group)
            .or_default()
            .push((index, change));
    }
    html! {
        section.changes id="changes" {
            h2 { "Changes since the previous run" }
            p.meta { "Compared with " (clean(&past.previous)) " of this rack (outcomes; `hil diff` also compares observations)." }
            @if groups.is_empty() {
                p { "No trial's outcome changed." }
            }
            @for (group, entries) in &groups {
                h3 { (group.title()) " (" (entries.len()) ")" }
                ul {
                    @for (index, change) in entries {
                        li { (change_line(*index, change)) }
                    }
                }
            }
        }
    }
}

fn change_line(index: usize, change: &Change<'_>) -> Markup {
    let after = change.result.outcome.kind();
    let message = change.result.outcome.message();
    html! {
        a href=(format!("#r-{index}")) { code { (clean(&change.result.id.to_string())) } }
        " "
        @match change.before {
            Some(before) => span.badge.(kind_class("k", before)) { (before.label()) },
            None => span.badge.k-not_applicable { "—" },
        }
        " → "
        span.badge.(kind_class("k", after)) { (after.label()) }
        @if !message.is_empty() { " " (clean(&message)) }
    }
}

/// A trial's last outcomes, oldest first, with the number of outcome changes; `FLAKY` when it
/// went between passing and failing more than once.
pub(super) fn strip(past: &PastRuns, result: &TrialResult) -> Markup {
    let strip = past.strip(&result.id.to_string(), result.outcome.kind());
    let labels: Vec<&str> = strip
        .outcomes
        .iter()
        .map(|o| o.map_or("not run", |k| k.as_str()))
        .collect();
    let title = format!(
        "last {} runs, oldest first: {}",
        strip.outcomes.len(),
        labels.join(", ")
    );
    let changes = strip.changes();
    html! {
        span.strip title=(title) {
            @for outcome in &strip.outcomes {
                @match outcome {
                    Some(kind) => i.(kind_class("k", *kind)) {},
                    None => i.none {},
                }
            }
            " " (changes) @if changes == 1 { " change" } @else { " changes" }
            @if strip.is_flaky() { " " strong.flaky { "FLAKY" } }
        }
    }
}
