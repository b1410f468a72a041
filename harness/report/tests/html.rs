//! The HTML conformance matrix: self-contained, escaped, matrix cells linking to results,
//! transcripts and SVG traces embedded, written after each DUT and at the end.

mod common;

use std::path::Path;

use common::{HOSTILE, run_fixture, settings, without_dir};
use hil_report::{HtmlReporter, TranscriptWriter};
use hil_runner::{Reporter, RunEvent};

fn page(dir: &Path) -> String {
    let reporters: Vec<Box<dyn Reporter>> = vec![
        Box::new(TranscriptWriter::new(dir)),
        Box::new(HtmlReporter::new(
            dir.join("conformance.html"),
            Some(dir.join("transcripts")),
        )),
    ];
    run_fixture(dir, reporters);
    std::fs::read_to_string(dir.join("conformance.html")).unwrap()
}

#[test]
fn hostile_text_is_escaped_and_the_page_has_no_scripts_or_external_assets() {
    let dir = tempfile::tempdir().unwrap();
    let html = page(dir.path());
    assert!(!html.contains("<script"), "a script element got through");
    assert!(html.contains(
        "&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;]]&gt;&lt;!-- &amp; &quot;q&quot;"
    ));
    assert!(html.contains("&lt;i&gt;described&lt;/i&gt; &amp; checked"));
    assert!(html.contains("rack rack-&lt;1&gt;"));
    for bad in ['\u{0}', '\u{8}', '\u{1b}', '\u{fffe}'] {
        assert!(!html.contains(bad), "{bad:?} left in the page");
    }
    assert!(!HOSTILE.is_empty());
    for external in ["<link", "src=\"http", "href=\"http", "@import", "url("] {
        assert!(!html.contains(external), "external asset: {external}");
    }
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"));
}

#[test]
fn the_matrix_has_a_column_per_firmware_and_cells_link_to_results() {
    let dir = tempfile::tempdir().unwrap();
    let html = page(dir.path());
    let matrix_start = html.find("<table class=\"matrix\">").unwrap();
    let matrix = &html[matrix_start..html[matrix_start..].find("</table>").unwrap() + matrix_start];
    // A column per firmware (mfw_nrf9160_1.3.6, mfw_nrf91x1_2.0.2), a row per case, each cell
    // coloured by its worst outcome (fail, expected_fail, unexpected_pass, ...).
    settings().bind(|| insta::assert_snapshot!("matrix", one_tag_a_line(matrix)));
    // Every link in the matrix points at a result section on the page.
    for part in matrix.split("href=\"#").skip(1) {
        let target = &part[..part.find('"').unwrap()];
        assert!(
            html.contains(&format!("id=\"{target}\"")),
            "dangling #{target}"
        );
    }
    assert_eq!(html.matches("<article class=\"result").count(), 14);
}

#[test]
fn transcripts_are_expandable_and_linked_and_svg_traces_are_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let html = page(dir.path());
    // The whole page without its style sheet: unexpected results' transcripts open
    // (`<details open>`), transcript files linked relatively, the SVG trace embedded as a data
    // URI, attachment links percent-encoded (`psu%20trace.csv`), the FLAKY and RERUN lines and
    // the characterization's observations.
    let style_end = html.find("</style>").unwrap();
    let body = &html[style_end..];
    settings().bind(|| {
        insta::assert_snapshot!("page", one_tag_a_line(&without_dir(body, dir.path())));
    });
}

/// The page with a line break between adjacent tags, so a snapshot diff shows what changed.
fn one_tag_a_line(html: &str) -> String {
    html.replace("><", ">\n<")
}

/// Checks the page exists after each DUT finishes, before the run ends.
struct PageAfterDut {
    inner: HtmlReporter,
    seen: Vec<(String, bool)>,
    out: std::sync::Arc<std::sync::Mutex<Vec<(String, bool)>>>,
}

impl Reporter for PageAfterDut {
    fn on_event(&mut self, event: &RunEvent) {
        self.inner.on_event(event);
        if let RunEvent::DutFinished { dut, .. } = event {
            let html = std::fs::read_to_string(self.inner.path()).unwrap_or_default();
            let has = html.contains(&format!("<code>{}::cmng::list</code>", dut.name));
            self.seen.push((dut.name.clone(), has));
            self.out.lock().unwrap().push((dut.name.clone(), has));
        }
    }
}

#[test]
fn the_page_is_written_after_each_dut_and_at_the_end() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let reporter = PageAfterDut {
        inner: HtmlReporter::new(dir.path().join("m.html"), None),
        seen: Vec::new(),
        out: out.clone(),
    };
    run_fixture(dir.path(), vec![Box::new(reporter)]);
    let seen = out.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|(_, has)| *has), "{seen:?}");
    let html = std::fs::read_to_string(dir.path().join("m.html")).unwrap();
    assert!(html.contains("finished: 4 unexpected results"));
}
