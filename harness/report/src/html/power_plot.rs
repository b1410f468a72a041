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
            }
        }
    }
}
