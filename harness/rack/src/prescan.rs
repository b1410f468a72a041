//! A cheap look at the rack-file text before the YAML parser sees it: refuse nesting past
//! [`MAX_DEPTH`] levels and a second YAML document, each at its line and column.
//!
//! The YAML parser takes time quadratic in the nesting depth of flow collections (a 400 KB
//! file of `[[[[…` took minutes) and cannot be interrupted, so depth is bounded here, in one
//! linear pass. The scan follows what decides depth — block indentation, `- ` entries, flow
//! brackets — and skips what cannot nest: quoted scalars, comments, block scalars (`|`, `>`)
//! and brackets inside plain scalars. It is deliberately lenient (a multi-line plain scalar
//! may count one level more); the parser checks everything else.

/// Nesting deeper than this is refused before parsing. A rack file needs about six levels
/// (`duts` → entry → `simulated` → `policy` → a knob's value).
pub const MAX_DEPTH: usize = 32;

/// Why the pre-scan refused the text: 1-based line and column, and the reason.
#[derive(Debug, PartialEq)]
pub(crate) struct Refusal {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Checks nesting depth and that the text holds one YAML document.
pub(crate) fn prescan(text: &str) -> Result<(), Refusal> {
    let mut scan = Scan::default();
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        scan.line(i + 1, line)?;
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Quote {
    Single,
    Double,
}

/// Where the document is, between lines.
#[derive(Default, PartialEq)]
enum Document {
    /// Nothing but comments, directives or a `---` so far.
    #[default]
    NotStarted,
    /// Content seen.
    Open,
    /// Ended by `...` on the given line.
    Ended(usize),
}

#[derive(Default)]
struct Scan {
    /// Indentation of the open block collections, innermost last.
    blocks: Vec<usize>,
    /// Open flow collections (`[`, `{`).
    flow: usize,
    /// A quoted scalar continues onto the next line.
    quote: Option<Quote>,
    /// Inside a block scalar whose header line had this indentation.
    block_scalar: Option<usize>,
    document: Document,
}

impl Scan {
    fn line(&mut self, no: usize, line: &str) -> Result<(), Refusal> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = &line[indent..];
        if let Some(header) = self.block_scalar {
            if rest.trim().is_empty() || indent > header {
                return Ok(());
            }
            self.block_scalar = None;
        }
        let mut start = indent;
        if self.quote.is_none() && self.flow == 0 {
            if rest.trim().is_empty() || rest.starts_with('#') {
                return Ok(());
            }
            if indent == 0 {
                match marker(line) {
                    Some(Marker::Directive) if self.document == Document::NotStarted => {
                        return Ok(());
                    }
                    Some(Marker::Start) => {
                        self.document_start(no)?;
                        let after = line[3..].trim_start();
                        if !after.is_empty() && !after.starts_with('#') {
                            self.content(no, 3)?;
                        }
                        start = 3;
                    }
                    Some(Marker::End) => {
                        self.document = Document::Ended(no);
                        return Ok(());
                    }
                    _ => {}
                }
            }
            if start == indent {
                self.content(no, indent)?;
                start = self.block_entries(no, line, indent)?;
            }
        }
        self.chars(no, line, start, indent)
    }

    fn document_start(&mut self, no: usize) -> Result<(), Refusal> {
        match self.document {
            Document::NotStarted => Ok(()),
            Document::Open | Document::Ended(_) => Err(second_document(no, 1)),
        }
    }

    fn content(&mut self, no: usize, column: usize) -> Result<(), Refusal> {
        match self.document {
            Document::Ended(end) => Err(Refusal {
                line: no,
                column: column + 1,
                message: format!(
                    "content after the end of the YAML document (`...` on line {end}); \
                     a rack file holds one document"
                ),
            }),
            _ => {
                self.document = Document::Open;
                Ok(())
            }
        }
    }

    /// Opens the block levels a content line starts at `indent`: the line itself and one per
    /// compact entry indicator (`- - x`). Returns where the scalar/flow part begins.
    fn block_entries(&mut self, no: usize, line: &str, indent: usize) -> Result<usize, Refusal> {
        while self.blocks.last().is_some_and(|&top| top > indent) {
            self.blocks.pop();
        }
        self.open_block(no, indent)?;
        let bytes = line.as_bytes();
        let mut col = indent;
        while matches!(bytes.get(col), Some(b'-' | b'?'))
            && matches!(bytes.get(col + 1), None | Some(b' ' | b'\t'))
        {
            col += 1;
            while matches!(bytes.get(col), Some(b' ' | b'\t')) {
                col += 1;
            }
            self.open_block(no, col)?;
        }
        Ok(col)
    }

    fn open_block(&mut self, no: usize, col: usize) -> Result<(), Refusal> {
        if self.blocks.last().is_none_or(|&top| top < col) {
            self.blocks.push(col);
            self.check_depth(no, col)?;
        }
        Ok(())
    }

    fn check_depth(&self, no: usize, col: usize) -> Result<(), Refusal> {
        if self.blocks.len() + self.flow > MAX_DEPTH {
            return Err(Refusal {
                line: no,
                column: col + 1,
                message: format!(
                    "nesting deeper than {MAX_DEPTH} levels; a rack file needs a handful \
                     (refused before parsing)"
                ),
            });
        }
        Ok(())
    }

    /// Scans a line's characters from `start` for quotes, comments, flow brackets and block
    /// scalar headers.
    fn chars(&mut self, no: usize, line: &str, start: usize, indent: usize) -> Result<(), Refusal> {
        let bytes = line.as_bytes();
        let mut token_start = true;
        let mut property = false;
        let mut i = start;
        while i < bytes.len() {
            let c = bytes[i];
            let was_start = token_start;
            if let Some(q) = self.quote {
                i += self.in_quote(q, bytes, i);
                token_start = false;
                continue;
            }
            let after_space = i == 0 || matches!(bytes[i - 1], b' ' | b'\t');
            match c {
                b'#' if after_space => return Ok(()),
                b'"' if token_start => self.quote = Some(Quote::Double),
                b'\'' if token_start => self.quote = Some(Quote::Single),
                b'[' | b'{' if token_start || self.flow > 0 => {
                    self.flow += 1;
                    self.check_depth(no, i)?;
                }
                b']' | b'}' if self.flow > 0 => self.flow -= 1,
                b'|' | b'>' if token_start && self.flow == 0 => {
                    self.block_scalar = Some(indent);
                    return Ok(());
                }
                b' ' | b'\t' => {
                    if property {
                        token_start = true;
                        property = false;
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            token_start = match c {
                b',' | b'[' | b'{' => self.flow > 0,
                b':' => self.flow > 0 || matches!(bytes.get(i + 1), None | Some(b' ' | b'\t')),
                b'-' | b'?' => was_start && matches!(bytes.get(i + 1), None | Some(b' ')),
                _ => false,
            };
            property = (was_start && matches!(c, b'&' | b'!')) || property;
            i += 1;
        }
        Ok(())
    }

    /// Consumes one character (or escape) inside a quoted scalar; returns how many bytes.
    fn in_quote(&mut self, q: Quote, bytes: &[u8], i: usize) -> usize {
        match (q, bytes[i], bytes.get(i + 1)) {
            (Quote::Double, b'\\', Some(_)) => 2,
            (Quote::Double, b'"', _) => {
                self.quote = None;
                1
            }
            (Quote::Single, b'\'', Some(b'\'')) => 2,
            (Quote::Single, b'\'', _) => {
                self.quote = None;
                1
            }
            _ => 1,
        }
    }
}

enum Marker {
    Directive,
    Start,
    End,
}

/// A document marker or directive at the start of a line (YAML 1.2 §9.1).
fn marker(line: &str) -> Option<Marker> {
    let ends = |s: &str| s.is_empty() || s.starts_with([' ', '\t']);
    if let Some(rest) = line.strip_prefix("---") {
        ends(rest).then_some(Marker::Start)
    } else if let Some(rest) = line.strip_prefix("...") {
        ends(rest).then_some(Marker::End)
    } else {
        line.starts_with('%').then_some(Marker::Directive)
    }
}

fn second_document(line: usize, column: usize) -> Refusal {
    Refusal {
        line,
        column,
        message: "a second YAML document starts here; a rack file holds one document \
                  (one rack per file)"
            .into(),
    }
}

#[cfg(test)]
mod tests;
