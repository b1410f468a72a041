//! The power timeline of a result (voltage and current against time with the AT commands,
//! results and URCs marked, drawn by the case framework as an SVG attachment labelled
//! [`TIMELINE_LABEL`]): shown open, above the other plots, with its CSV linked beside it.

use maud::{Markup, html};

use hil_runner::Attachment;

use super::links::href;
use super::render::Page;

/// The attachment label the suites give the timeline plot.
pub const TIMELINE_LABEL: &str = "power timeline";

/// True for the timeline plot (shown by [`timeline`], not with the other SVGs).
pub fn is_timeline(a: &Attachment) -> bool {
    a.is_svg() && a.label == TIMELINE_LABEL
}

/// The timeline plots of `attachments`, open, each with a link to the file.
pub fn timeline(page: &Page<'_>, attachments: &[Attachment]) -> Markup {
    html! {
        @for a in attachments.iter().filter(|a| is_timeline(a)) {
            @if let Some(uri) = page.plots.embed(&a.path) {
                details.power-timeline open {
                    summary { "voltage and current with the AT timeline (" a href=(href(page.page_dir, &a.path)) { "SVG" } ")" }
                    img.trace.timeline src=(uri) alt="voltage and current against time, AT commands and URCs marked";
                }
            } @else {
                p.power-timeline {
                    "voltage and current with the AT timeline: "
                    a.timeline-link href=(href(page.page_dir, &a.path)) { "SVG" }
                    " (linked, not embedded: the page's plot budget is spent)"
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::html::links::PlotBudget;
    use crate::marks::RunMarks;

    fn page<'a>(dir: &'a Path, marks: &'a RunMarks, budget: usize) -> Page<'a> {
        Page {
            run: None,
            duts: &[],
            results: &[],
            finished: None,
            page_dir: dir,
            transcripts_root: None,
            past: None,
            marks,
            plots: PlotBudget::new(budget),
        }
    }

    #[test]
    fn a_timeline_past_the_plot_budget_is_linked_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let svg = dir.path().join("t-timeline.svg");
        std::fs::write(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
        let attachments = [Attachment::new(TIMELINE_LABEL, &svg)];
        let marks = RunMarks::default();

        let embedded = timeline(&page(dir.path(), &marks, 1 << 20), &attachments).into_string();
        assert!(
            embedded.contains("img class=\"trace timeline\""),
            "{embedded}"
        );

        let spent = page(dir.path(), &marks, 0);
        let linked = timeline(&spent, &attachments).into_string();
        assert!(!linked.contains("<img"), "{linked}");
        assert!(
            linked.contains("a class=\"timeline-link\" href=\"./t-timeline.svg\""),
            "{linked}"
        );
        assert_eq!(spent.plots.linked(), 1);
    }
}
