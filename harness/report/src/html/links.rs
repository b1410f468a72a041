//! Links and embedded files for the self-contained HTML page: relative hrefs for files under
//! the report directory, `file://` URLs otherwise, and SVG traces as base64 data URIs (an SVG
//! shown through `<img>` cannot run scripts).

use std::cell::Cell;
use std::path::{Component, Path, PathBuf};

/// Largest SVG embedded inline.
pub const MAX_EMBEDDED_SVG: u64 = 4 * 1024 * 1024;

/// An href for `target` from a page in `page_dir`: relative when `target` is under it,
/// otherwise an absolute `file://` URL. Every segment is percent-encoded, so a file name can
/// never become a `javascript:` URL.
pub fn href(page_dir: &Path, target: &Path) -> String {
    let page_dir = std::path::absolute(page_dir).unwrap_or_else(|_| page_dir.to_path_buf());
    let target = std::path::absolute(target).unwrap_or_else(|_| target.to_path_buf());
    let target = normalize(&target);
    match target.strip_prefix(normalize(&page_dir)) {
        Ok(relative) => {
            let segments: Vec<String> = relative
                .components()
                .map(|c| encode(&c.as_os_str().to_string_lossy()))
                .collect();
            format!("./{}", segments.join("/"))
        }
        Err(_) => {
            let segments: Vec<String> = target
                .components()
                .filter_map(|c| match c {
                    Component::Normal(s) => Some(encode(&s.to_string_lossy())),
                    _ => None,
                })
                .collect();
            format!("file:///{}", segments.join("/"))
        }
    }
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn encode(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const SVG_URI_PREFIX: &str = "data:image/svg+xml;base64,";

/// `data:image/svg+xml;base64,…` for an SVG file, or `None` when unreadable or too large.
pub fn svg_data_uri(path: &Path) -> Option<String> {
    let size = std::fs::metadata(path).ok()?.len();
    if size > MAX_EMBEDDED_SVG {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    Some(format!("{SVG_URI_PREFIX}{}", base64(&bytes)))
}

/// The bytes of embedded plots a page may still hold. Plots past it are only linked: a page
/// of a rack of dozens of boards would otherwise carry every board's plots inline (37 MB for
/// 64 boards) and be built in memory on every rewrite.
#[derive(Debug)]
pub struct PlotBudget {
    left: Cell<usize>,
    linked: Cell<usize>,
}

impl PlotBudget {
    /// A page that may embed `bytes` of plot data URIs.
    pub fn new(bytes: usize) -> Self {
        PlotBudget {
            left: Cell::new(bytes),
            linked: Cell::new(0),
        }
    }

    /// The data URI of the SVG at `path` when it fits in what is left of the budget (which
    /// it then uses up); `None` when the file is unreadable or too large, or the budget is
    /// spent (the plot is then counted as [`PlotBudget::linked`]).
    pub fn embed(&self, path: &Path) -> Option<String> {
        let size = std::fs::metadata(path).ok()?.len();
        let need = usize::try_from(size.div_ceil(3) * 4)
            .unwrap_or(usize::MAX)
            .saturating_add(SVG_URI_PREFIX.len());
        if need > self.left.get() {
            self.linked.set(self.linked.get() + 1);
            return None;
        }
        let uri = svg_data_uri(path)?;
        self.left.set(self.left.get().saturating_sub(uri.len()));
        Some(uri)
    }

    /// Plots that were left out for the budget (their files are still linked).
    pub fn linked(&self) -> usize {
        self.linked.get()
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let sextet = |shift: u32| ALPHABET[((n >> shift) & 63) as usize] as char;
        out.push(sextet(18));
        out.push(sextet(12));
        out.push(if chunk.len() > 1 { sextet(6) } else { '=' });
        out.push(if chunk.len() > 2 { sextet(0) } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        let cases = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn hrefs_are_relative_under_the_page_and_never_a_scheme() {
        let page = Path::new("/r");
        assert_eq!(
            href(page, Path::new("/r/transcripts/dut 1/cmng.a.txt")),
            "./transcripts/dut%201/cmng.a.txt"
        );
        assert_eq!(
            href(page, Path::new("/r/javascript:alert(1)")),
            "./javascript%3Aalert%281%29"
        );
        assert_eq!(
            href(page, Path::new("/elsewhere/t.svg")),
            "file:///elsewhere/t.svg"
        );
        assert_eq!(href(page, Path::new("/r/../x.csv")), "file:///x.csv");
    }

    #[test]
    fn a_plot_budget_embeds_until_spent_then_counts_what_it_links() {
        let dir = tempfile::tempdir().unwrap();
        let plot = |name: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("<svg>{}</svg>", "x".repeat(989))).unwrap();
            path
        };
        let (a, b, c) = (plot("a.svg"), plot("b.svg"), plot("c.svg"));
        let one = svg_data_uri(&a).unwrap().len();
        let budget = PlotBudget::new(2 * one + one / 2);
        assert_eq!(budget.embed(&a).map(|u| u.len()), Some(one));
        assert!(budget.embed(&b).is_some());
        assert_eq!(budget.embed(&c), None, "half a plot left");
        assert_eq!(budget.linked(), 1);
        assert_eq!(budget.embed(&dir.path().join("missing.svg")), None);
        assert_eq!(budget.linked(), 1, "a missing file is not a plot left out");
        assert_eq!(PlotBudget::new(0).embed(&a), None);
    }
}
