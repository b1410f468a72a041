//! Renders the page with maud: every interpolated value is escaped; the only raw text is the
//! crate's own stylesheet. No scripts, no external assets: `<details>` does the expanding.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use hil_runner::{Attempt, Counts, DutInfo, OutcomeKind, RunInfo, RunStatus, Summary, TrialResult};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::changes::{changes_section, strip};
use super::links::{PlotBudget, href};
use super::matrix::{Matrix, worst};
use super::power_plot;
use crate::marks::{RunMarks, Standing, Tally};
use crate::past::PastRuns;
use crate::text::xml_safe;
use crate::transcripts::{has_transcript_file, transcript_path};

const STYLE: &str = include_str!("style.css");

/// Everything the page shows.
pub struct Page<'a> {
    /// The run's metadata, once the run has started.
    pub run: Option<&'a RunInfo>,
    /// Each DUT with its result counts and, if it was lost, why.
    pub duts: &'a [(DutInfo, Counts, Option<String>)],
    /// The case results so far, in DUT order.
    pub results: &'a [TrialResult],
    /// The run's summary, once it has finished.
    pub finished: Option<&'a Summary>,
    /// Directory the page is written to (links are relative to it).
    pub page_dir: &'a Path,
    /// Root of the transcript files, when they are written.
    pub transcripts_root: Option<&'a PathBuf>,
    /// Earlier runs of the rack, from the run history (when known).
    pub past: Option<&'a PastRuns>,
    /// Quarantined trials and boards in maintenance.
    pub marks: &'a RunMarks,
    /// How much plot data the page may embed (the rest is linked).
    pub plots: PlotBudget,
}

/// The whole HTML document.
pub fn render_page(page: &Page<'_>) -> String {
    let title = match page.run {
        Some(run) => format!("nRF91 conformance: rack {}", run.rack),
        None => "nRF91 conformance".to_string(),
    };
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (clean(&title)) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (clean(&title)) }
                (header(page))
                @if let Some(past) = page.past {
                    (changes_section(past, page.results))
                }
                h2 { "Summary" }
                (summary_table(page))
                h2 { "Conformance matrix (modem firmware × case)" }
                (legend())
                (matrix(page))
                h2 { "Results" }
                @for (index, result) in page.results.iter().enumerate() {
                    (result_section(page, index, result))
                }
                @if page.plots.linked() > 0 {
                    p.budget {
                        (page.plots.linked()) " plots are linked from their results but not shown on this page: it would pass its size budget."
                    }
                }
            }
        }
    };
    markup.into_string()
}

/// Escaping happens in maud; this removes control characters browsers choke on.
pub(super) fn clean(text: &str) -> String {
    xml_safe(text)
}

pub(super) fn kind_class(prefix: &str, kind: OutcomeKind) -> String {
    format!("{prefix}-{}", kind.as_str())
}

fn rfc3339(t: std::time::SystemTime) -> String {
    DateTime::<Utc>::from(t).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn header(page: &Page<'_>) -> Markup {
    let status = match page.finished {
        None => ("running (partial results)".to_string(), "status-bad"),
        Some(s) if !s.incomplete_reports.is_empty() => (
            format!(
                "incomplete: {} report(s) could not be written ({})",
                s.incomplete_reports.len(),
                s.incomplete_reports
                    .iter()
                    .map(|r| r.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            "status-bad",
        ),
        Some(s) if s.status() == RunStatus::Unfinished => (
            format!(
                "unfinished: {}",
                s.unfinished_parts
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            "status-bad",
        ),
        Some(s) if s.not_run > 0 => (
            format!("stopped: {} planned trials not run", s.not_run),
            "status-bad",
        ),
        Some(s) if s.total.unexpected() > 0 => (
            format!("finished: {} unexpected results", s.total.unexpected()),
            "status-bad",
        ),
        Some(_) => ("finished: no unexpected results".to_string(), "status-ok"),
    };
    let mut tally = Tally::default();
    for result in page.results {
        page.marks.count(&mut tally, result);
    }
    let headline = page.marks.headline(&tally);
    html! {
        @if let Some(run) = page.run {
            p.meta {
                "host " code { (clean(&run.host)) }
                " · harness " code { (clean(&run.harness_version)) }
                " · commit " code { (clean(run.git_commit.as_deref().unwrap_or("unknown"))) }
                " · started " (rfc3339(run.started))
            }
        }
        p { "Status: " span.(status.1) { (status.0) } }
        @if let Some(headline) = headline {
            p { strong.status-bad { (clean(&headline)) } }
            @for (name, why) in &page.marks.held_out {
                p { "Board " code { (clean(name)) } ": " (clean(why)) }
            }
        }
    }
}

fn summary_table(page: &Page<'_>) -> Markup {
    let mut total = Counts::default();
    for (_, counts, _) in page.duts {
        total.merge(counts);
    }
    let columns = [
        OutcomeKind::Pass,
        OutcomeKind::Fail,
        OutcomeKind::ExpectedFail,
        OutcomeKind::UnexpectedPass,
        OutcomeKind::NotApplicable,
        OutcomeKind::Characterized,
        OutcomeKind::Error,
    ];
    html! {
        table {
            thead { tr {
                th { "DUT" } th { "modem firmware" }
                @for kind in columns { th { span.badge.(kind_class("k", kind)) { (kind.label()) } } }
                th { "flaky" } th { "DUT properties" }
            } }
            tbody {
                @for (dut, counts, lost) in page.duts {
                    tr {
                        td { code { (clean(&dut.name)) } }
                        td { (clean(&dut.firmware.as_ref().map(|m| m.to_string()).unwrap_or_else(|| "unknown".into()))) }
                        @for kind in columns { td.num { (counts.get(kind)) } }
                        td.num { (counts.flaky) }
                        td {
                            @if let Some(why) = lost { strong { "LOST: " (clean(why)) } }
                            @if !dut.properties.is_empty() {
                                details {
                                    summary { (dut.properties.len()) " properties" }
                                    (pairs_table("", &dut.properties))
                                }
                            }
                        }
                    }
                }
                tr {
                    th { "total" } th {}
                    @for kind in columns { th.num { (total.get(kind)) } }
                    th.num { (total.flaky) } th {}
                }
            }
        }
    }
}

fn legend() -> Markup {
    html! {
        p.legend {
            @for kind in OutcomeKind::ALL {
                span { span.badge.(kind_class("k", kind)) { (kind.label()) } " " (kind_meaning(kind)) }
            }
        }
    }
}

fn kind_meaning(kind: OutcomeKind) -> &'static str {
    match kind {
        OutcomeKind::Pass => "reference behaviour",
        OutcomeKind::Fail => "unexpected deviation",
        OutcomeKind::ExpectedFail => "known deviation for this firmware",
        OutcomeKind::UnexpectedPass => "passed where a deviation was expected",
        OutcomeKind::NotApplicable => "not applicable",
        OutcomeKind::Characterized => "open fact measured",
        OutcomeKind::Error => "infrastructure error",
    }
}

fn matrix(page: &Page<'_>) -> Markup {
    let m = Matrix::build(page.results);
    html! {
        @if m.rows.is_empty() {
            p { "No results yet." }
        } @else {
            table.matrix {
                thead { tr {
                    th { "case" }
                    @for column in &m.columns { th { (clean(&column.label)) } }
                } }
                tbody {
                    @for row in &m.rows {
                        tr {
                            th {
                                code { (clean(&row.case.to_string())) }
                                br;
                                small { (clean(&row.description)) }
                            }
                            @for cell in &row.cells {
                                @let w = worst(cell.iter().map(|i| page.results[*i].outcome.kind()));
                                @match w {
                                    None => td.cell { "—" },
                                    Some(w) => td.cell.(kind_class("w", w)) {
                                        @for i in cell {
                                            @let r = &page.results[*i];
                                            a.badge.(kind_class("k", r.outcome.kind()))
                                                href=(format!("#r-{i}"))
                                                title=(clean(&r.outcome.message())) {
                                                (clean(&r.id.dut)) " " (r.outcome.kind().label())
                                                @if r.is_flaky() { " (flaky)" }
                                                @if !matches!(page.marks.standing(r), Standing::Plain) { " (quarantined)" }
                                            }
                                            @if let Some(past) = page.past {
                                                (strip(past, r))
                                            }
                                        }
                                    },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn result_section(page: &Page<'_>, index: usize, r: &TrialResult) -> Markup {
    let kind = r.outcome.kind();
    let message = r.outcome.message();
    let log = r.log();
    let attempts = r.attempts.len();
    let transcript_file = page
        .transcripts_root
        .filter(|_| has_transcript_file(r))
        .map(|root| transcript_path(root, &r.id));
    html! {
        article.result.(kind_class("r", kind)) id=(format!("r-{index}")) {
            h3 {
                span.badge.(kind_class("k", kind)) { (kind.label()) } " " code { (clean(&r.id.to_string())) }
                (quarantine_badge(page.marks, r))
            }
            @if !message.is_empty() { p.message { (clean(&message)) } }
            @if let Standing::Shielded(mark) | Standing::Expired(mark) = page.marks.standing(r) {
                p.quarantine { (clean(&mark.describe())) }
            }
            @if r.is_flaky() {
                p.flaky { "FLAKY: passed on attempt " (attempts) "/" (r.max_attempts) }
            } @else if attempts > 1 {
                p.flaky { "RERUN: failed " (attempts) "/" (r.max_attempts) " attempts" }
            }
            dl.facts {
                dt { "case" } dd { (clean(&r.description)) }
                dt { "modem firmware" } dd { (clean(&r.mfw.as_ref().map(|m| m.to_string()).unwrap_or_else(|| "unknown".into()))) }
                dt { "started" } dd { (rfc3339(r.started)) }
                dt { "duration" } dd { (format!("{:.3} s", r.duration.as_secs_f64())) }
                dt { "attempts" } dd { (attempts) " of " (r.max_attempts) }
            }
            @if !log.observations.is_empty() {
                (pairs_table("observations", &log.observations))
            }
            @if !log.notes.is_empty() {
                ul { @for note in &log.notes { li { (clean(note)) } } }
            }
            @if !log.properties.is_empty() {
                details { summary { "properties" } (pairs_table("", &log.properties)) }
            }
            @if !log.transcript.is_empty() {
                details open[kind.is_unexpected()] {
                    summary { "AT transcript (" (log.transcript.lines().count()) " lines, redacted)" }
                    pre { (clean(&log.transcript)) }
                }
            }
            @if let Some(file) = &transcript_file {
                p { "Full transcript of every attempt: " a href=(href(page.page_dir, file)) { (clean(&file.display().to_string())) } }
            }
            @for attempt in r.earlier_attempts() {
                (earlier_attempt(attempt, r.max_attempts))
            }
            @if !log.attachments.is_empty() {
                ul {
                    @for attachment in &log.attachments {
                        li {
                            (clean(&attachment.label)) ": "
                            a href=(href(page.page_dir, &attachment.path)) { (clean(&attachment.path.display().to_string())) }
                        }
                    }
                }
                (power_plot::timeline(page, &log.attachments))
                @for attachment in log.attachments.iter().filter(|a| a.is_svg() && !power_plot::is_timeline(a)) {
                    @if let Some(uri) = page.plots.embed(&attachment.path) {
                        details open[kind.is_unexpected()] {
                            summary { (clean(&attachment.label)) " (SVG)" }
                            img.trace src=(uri) alt=(clean(&attachment.label));
                        }
                    }
                }
            }
        }
    }
}

/// ` QUARANTINED` (shielded) or ` QUARANTINE EXPIRED` after a result's heading.
fn quarantine_badge(marks: &RunMarks, r: &TrialResult) -> Markup {
    html! {
        @match marks.standing(r) {
            Standing::Plain => {},
            Standing::Shielded(mark) => {
                " " span.badge.quarantined title=(clean(&mark.describe())) { "QUARANTINED" }
            },
            Standing::Expired(mark) => {
                " " span.badge.quarantine-expired title=(clean(&mark.describe())) { "QUARANTINE EXPIRED" }
            },
        }
    }
}

fn earlier_attempt(attempt: &Attempt, max: u32) -> Markup {
    html! {
        details {
            summary {
                "attempt " (attempt.number) "/" (max) ": "
                span.badge.(kind_class("k", attempt.outcome.kind())) { (attempt.outcome.kind().label()) }
                " " (clean(&attempt.outcome.message()))
            }
            @if !attempt.log.transcript.is_empty() { pre { (clean(&attempt.log.transcript)) } }
            @match &attempt.recovery {
                Some(Ok(())) => p { "DUT recovered after this attempt." },
                Some(Err(why)) => p { "Recovery FAILED: " (clean(why)) },
                None => {},
            }
        }
    }
}

fn pairs_table(caption: &str, pairs: &[(String, String)]) -> Markup {
    html! {
        table {
            @if !caption.is_empty() { caption { (caption) } }
            @for (k, v) in pairs { tr { th { (clean(k)) } td { (clean(v)) } } }
        }
    }
}
