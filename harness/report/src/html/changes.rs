//! What the page shows from the run history: the "Changes since the previous run" section and
//! each trial's strip of recent outcomes with its flakiness figure.

use std::collections::BTreeMap;

use hil_runner::TrialResult;
use hil_runner::observations::ValueChange;
use maud::{Markup, html};

use super::render::{clean, kind_class};
use crate::past::{Change, ChangeGroup, Difference, ObservationChange, PastRuns};

/// The section at the top of the page, grouped like `hil diff`: every trial whose outcome
/// differs from the previous run's (or whose deviation signature does under the same outcome),
/// then every trial whose observations differ; each linked to its result.
pub(super) fn changes_section(past: &PastRuns, results: &[TrialResult]) -> Markup {
    // Indexed as the page's `#r-N` anchors are: by position in `results`.
    let mut groups: BTreeMap<ChangeGroup, Vec<(usize, Change<'_>)>> = BTreeMap::new();
    let mut observed: Vec<(usize, ObservationChange<'_>)> = Vec::new();
    for (index, result) in results.iter().enumerate() {
        if let Some(change) = past.change(result) {
            groups
                .entry(change.group)
                .or_default()
                .push((index, change));
        }
        if let Some(change) = past.observation_change(result) {
            observed.push((index, change));
        }
    }
    html! {
        section.changes id="changes" {
            h2 { "Changes since the previous run" }
            p.meta { "Compared with " (clean(&past.previous)) " of this rack: " (compared(past)) }
            @if groups.is_empty() && observed.is_empty() {
                p { "No trial's outcome or observations changed." }
            }
            @for (group, entries) in &groups {
                h3 { (group.title()) " (" (entries.len()) ")" }
                ul {
                    @for (index, change) in entries {
                        li { (change_line(*index, change)) }
                    }
                }
            }
            @if !observed.is_empty() {
                h3 { "changed observations (" (observed.len()) ")" }
                ul {
                    @for (index, change) in &observed {
                        li { (observation_lines(*index, change)) }
                    }
                }
            }
        }
    }
}

/// What the section compares, said honestly when the history gave outcomes only.
fn compared(past: &PastRuns) -> &'static str {
    if past.observed.is_empty() {
        "outcomes only (the run history gave no signatures or observations of that run)."
    } else {
        "outcomes, deviation signatures and observations (timing and measured amounts aside), \
         as `hil diff` compares them."
    }
}

fn trial_link(index: usize, result: &TrialResult) -> Markup {
    html! { a href=(format!("#r-{index}")) { code { (clean(&result.id.to_string())) } } }
}

fn change_line(index: usize, change: &Change<'_>) -> Markup {
    let after = change.result.outcome.kind();
    let message = change.result.outcome.message();
    html! {
        (trial_link(index, change.result))
        " "
        @match change.before {
            Some(before) => span.badge.(kind_class("k", before)) { (before.label()) },
            None => span.badge.k-not_applicable { "—" },
        }
        " → "
        span.badge.(kind_class("k", after)) { (after.label()) }
        @if let Difference::Signature { before } = &change.difference {
            " signature " (value(before.as_deref())) " → " (value(change.result.outcome.signature()))
        }
        @if !message.is_empty() { " " (clean(&message)) }
    }
}

fn observation_lines(index: usize, change: &ObservationChange<'_>) -> Markup {
    let kind = change.result.outcome.kind();
    html! {
        (trial_link(index, change.result))
        " "
        span.badge.(kind_class("k", kind)) { (kind.label()) }
        ul.values {
            @for value in &change.changes {
                li { (value_change(value)) }
            }
        }
    }
}

fn value_change(change: &ValueChange) -> Markup {
    html! {
        (clean(&change.key)) ": " (value(change.before.as_deref())) " → " (value(change.after.as_deref()))
    }
}

/// A value as the page shows it; `(none)` when it was not there.
fn value(text: Option<&str>) -> Markup {
    match text {
        Some(text) => html! { code { (clean(text)) } },
        None => html! { em { "(none)" } },
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
