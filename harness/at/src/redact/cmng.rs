//! `%CMNG` parameter lists read field by field, failing closed. In a write
//! (`%CMNG=<opcode>,<sec_tag>,<type>,<content>[,<passwd>]`, ref §1.1) and in a read response
//! (`%CMNG: <sec_tag>,<type>,"<sha>","<content>"`, ref §1.4) every field after the type is
//! secret — content and PKCS#8 passphrase alike, quoted or not — unless the type is certainly a
//! public one (a bare number in [`PUBLIC_TYPES`]); a response's digest stays readable.
//!
//! A list that may hold a secret and stops parsing (a quote inside an unquoted field, text right
//! after a closing quote, doubled quotes) is redacted from that field to the end of the text
//! (a public type's list just ends there), and after a
//! secret the text is shown again only where a new command evidently starts (`AT`, `+`, `%`,
//! `#`): a stray `"` or `;` cannot make the rest of a secret look like plain text.

/// `%CMNG` types whose content is not secret: 0 root CA, 1 client certificate, 4 PSK identity,
/// 5 public key, 6 device identity public key, 10 Nordic identity root CA, 11 Nordic public key
/// (ref §1.2). 2 private key, 3 PSK, 8 endorsement key, 9 ownership key and anything else are
/// secret.
const PUBLIC_TYPES: &[u8] = &[0, 1, 4, 5, 6, 10, 11];

/// What the redaction writes in place of text it already replaced: a field holding only this
/// was redacted by an earlier pass (an error message quoting a redacted command).
const MARKER_START: &str = "[REDACTED";

const BLANKS: [char; 2] = [' ', '\t'];

/// Whether a type field is certainly public: a bare number (blanks around it allowed; no
/// quotes, no sign) in [`PUBLIC_TYPES`].
fn is_public_type(field: &str) -> bool {
    let t = field.trim_matches(BLANKS);
    !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit())
        && t.parse::<u8>().is_ok_and(|t| PUBLIC_TYPES.contains(&t))
}

/// Which `%CMNG` text a parameter list belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `%CMNG=<opcode>,<sec_tag>,<type>,…`: the type is field 2.
    Write,
    /// `%CMNG: <sec_tag>,<type>,"<sha>",…`: the type is field 1, the digest field 2.
    Response,
}

/// Where a scan stands in one command's parameter list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fields {
    layout: Layout,
    /// Index of the next field.
    next: usize,
    /// The type field was read and is certainly public.
    public: bool,
    /// A field of this list was redacted.
    redacted: bool,
}

impl Fields {
    fn new(layout: Layout) -> Self {
        Fields {
            layout,
            next: 0,
            public: false,
            redacted: false,
        }
    }

    /// The list of a write whose (secret) quoted field just closed: the line-by-line
    /// redactor resumes there on the line holding the closing quote.
    pub(super) fn after_secret(self) -> Self {
        Fields {
            redacted: true,
            ..self
        }
    }

    fn type_index(&self) -> usize {
        match self.layout {
            Layout::Write => 2,
            Layout::Response => 1,
        }
    }

    /// Whether field `index` (its text `value`, `quoted` and closed or not) is secret.
    fn is_secret(&self, index: usize, value: &str, closed_quote: bool) -> bool {
        if index <= self.type_index() || self.public {
            return false;
        }
        let digest = self.layout == Layout::Response
            && index == self.type_index() + 1
            && closed_quote
            && !value.is_empty()
            && value.bytes().all(|b| b.is_ascii_hexdigit());
        !digest
    }
}

/// How the text ended, for a caller that redacts line by line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Ending {
    /// Nothing left open.
    Closed,
    /// Inside a secret quoted field: the output ends with its opening quote and the field's
    /// `len` bytes in this text are left out; the caller writes the marker.
    OpenSecret {
        /// Where the list stands.
        fields: Fields,
        /// Bytes of the field in this text.
        len: usize,
    },
    /// A list stopped parsing and was redacted to the end, where an odd number of quotes
    /// leaves a quoted string open (what follows is inside it).
    MalformedOpenQuote(Fields),
}

/// The redacted text (`None`: nothing to redact) and how it ended.
pub(super) fn redact(text: &str, resume: Option<Fields>) -> (Option<String>, Ending) {
    let mut scan = Scan {
        text,
        out: String::new(),
        copied: 0,
    };
    let ending = scan.all(resume);
    let out = (scan.copied > 0).then(|| {
        scan.out.push_str(&text[scan.copied..]);
        scan.out
    });
    (out, ending)
}

/// What follows a field.
enum After {
    /// A `,` at this index: another field follows.
    Comma(usize),
    /// The list ends at this index (a terminator or the end of the text).
    End(usize),
    /// Something that cannot follow a field.
    Garbage,
}

/// Where a field ended.
enum FieldEnd {
    /// At this index; `marker` when the field was a marker of an earlier pass.
    At { end: usize, marker: bool },
    /// The text ended inside the field.
    Text(Ending),
}

/// How one list ended.
enum ListEnd {
    /// The list ended at this index; scanning goes on from there.
    At(usize),
    /// The text ended inside or after the list.
    Text(Ending),
}

struct Scan<'t> {
    text: &'t str,
    out: String,
    /// Bytes of `text` already accounted for in `out`.
    copied: usize,
}

impl Scan<'_> {
    fn all(&mut self, resume: Option<Fields>) -> Ending {
        let mut pos = 0;
        if let Some(fields) = resume {
            match self.list(0, fields, true) {
                ListEnd::At(next) => pos = next,
                ListEnd::Text(ending) => return ending,
            }
        }
        while let Some(found) = find_ci(self.text, "%CMNG", pos) {
            let at = found + 5 + blanks(&self.text[found + 5..]);
            let layout = match self.text.as_bytes().get(at) {
                Some(b'=') => Layout::Write,
                Some(b':') => Layout::Response,
                _ => {
                    pos = at;
                    continue;
                }
            };
            match self.list(at + 1, Fields::new(layout), false) {
                ListEnd::At(next) => pos = next,
                ListEnd::Text(ending) => return ending,
            }
        }
        Ending::Closed
    }

    /// Reads the fields of a list from `pos`; `resumed`: `pos` is right after a secret field
    /// (the line-by-line redactor found its closing quote).
    fn list(&mut self, mut pos: usize, mut fields: Fields, resumed: bool) -> ListEnd {
        let mut ended = resumed.then_some((pos, pos, false));
        loop {
            // What the output was before the field, for garbage after it.
            let before = (self.out.len(), self.copied);
            let (end, field_start, marker) = match ended.take() {
                Some(ended) => ended,
                None => {
                    let start = pos + blanks(&self.text[pos..]);
                    match self.field(start, &mut fields) {
                        FieldEnd::At { end, marker } => (end, start, marker),
                        FieldEnd::Text(ending) => return ListEnd::Text(ending),
                    }
                }
            };
            // After the field: the next one, the end of the list, or garbage — redacted from
            // the field's start, unless nothing in the list can be secret (a public type) or
            // the field was an earlier pass's marker: then it ends the list (e.g. the prose of
            // an error message quoting the command).
            return match self.follows(end) {
                After::Comma(comma) => {
                    pos = comma + 1;
                    continue;
                }
                After::End(end) if end == self.text.len() => ListEnd::Text(Ending::Closed),
                After::End(end) if !fields.redacted || command_follows(&self.text[end + 1..]) => {
                    ListEnd::At(end + 1)
                }
                After::End(end) => self.malformed(end + 1, fields),
                After::Garbage if marker || fields.public => ListEnd::At(end),
                After::Garbage => {
                    (self.copied, fields.redacted) = (before.1, true);
                    self.out.truncate(before.0);
                    self.malformed(field_start, fields)
                }
            };
        }
    }

    /// Reads (and redacts, when secret) the field starting at `start`.
    fn field(&mut self, start: usize, fields: &mut Fields) -> FieldEnd {
        let index = fields.next;
        fields.next += 1;
        let quoted = self.text[start..].starts_with('"');
        let value_start = start + usize::from(quoted);
        if let Some(end) = self.earlier_marker(value_start) {
            let end = end + usize::from(quoted && self.text[end..].starts_with('"'));
            return FieldEnd::At { end, marker: true };
        }
        if !quoted {
            let run = self.text[start..]
                .find(['"', ',', ';', '\r', '\n'])
                .map_or(self.text.len(), |e| start + e);
            let value = self.text[start..run].trim_end_matches(BLANKS);
            let end = start + value.len();
            if index == fields.type_index() {
                fields.public = is_public_type(value);
            }
            if !value.is_empty() && fields.is_secret(index, value, false) {
                self.replace(start, end, format!("[REDACTED {} bytes]", value.len()));
                fields.redacted = true;
            }
            return FieldEnd::At { end, marker: false };
        }
        let Some(close) = self.text[value_start..].find('"').map(|q| value_start + q) else {
            // An unterminated quoted field runs to the end of the text.
            let value = &self.text[value_start..];
            if !fields.is_secret(index, value, false) {
                return FieldEnd::Text(Ending::Closed);
            }
            self.keep(value_start);
            self.copied = self.text.len();
            fields.redacted = true;
            return FieldEnd::Text(Ending::OpenSecret {
                fields: *fields,
                len: value.len(),
            });
        };
        let value = &self.text[value_start..close];
        if fields.is_secret(index, value, true) {
            self.replace(
                value_start,
                close,
                format!("[REDACTED {} bytes]", value.len()),
            );
            fields.redacted = true;
        }
        FieldEnd::At {
            end: close + 1,
            marker: false,
        }
    }

    fn follows(&self, pos: usize) -> After {
        let at = pos + blanks(&self.text[pos..]);
        match self.text.as_bytes().get(at) {
            Some(b',') => After::Comma(at),
            None | Some(b';' | b'\r' | b'\n') => After::End(at),
            Some(_) => After::Garbage,
        }
    }

    /// Redacts everything from `from` to the end of the text.
    fn malformed(&mut self, from: usize, fields: Fields) -> ListEnd {
        let rest = &self.text[from..];
        if rest.is_empty() {
            return ListEnd::Text(Ending::Closed);
        }
        let open_quote = rest.bytes().filter(|&b| b == b'"').count() % 2 == 1;
        let len = rest.len();
        self.replace(
            from,
            self.text.len(),
            format!("[REDACTED {len} bytes, malformed]"),
        );
        ListEnd::Text(if open_quote {
            Ending::MalformedOpenQuote(fields.after_secret())
        } else {
            Ending::Closed
        })
    }

    /// The end of a redaction marker of an earlier pass starting at `at`, if one does.
    fn earlier_marker(&self, at: usize) -> Option<usize> {
        let rest = &self.text[at..];
        if !rest.starts_with(MARKER_START) {
            return None;
        }
        let end = rest.find(']')?;
        // A marker holds no quote or line break (it is one of ours).
        (!rest[..end].contains(['"', '\r', '\n'])).then_some(at + end + 1)
    }

    /// Copies the text up to `to` into the output.
    fn keep(&mut self, to: usize) {
        self.out.push_str(&self.text[self.copied..to]);
        self.copied = to;
    }

    /// Writes `marker` in place of `from..to`.
    fn replace(&mut self, from: usize, to: usize, marker: String) {
        self.keep(from);
        self.out.push_str(&marker);
        self.copied = to;
    }
}

/// Whether the text after a list's terminator is empty or evidently starts a new command.
fn command_follows(rest: &str) -> bool {
    let r = rest.trim_start_matches([' ', '\t', '\r', '\n', ';']);
    r.is_empty()
        || r.starts_with(['+', '%', '#'])
        || r.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("AT"))
}

/// The length of the run of spaces and tabs `text` starts with.
fn blanks(text: &str) -> usize {
    text.len() - text.trim_start_matches(BLANKS).len()
}

/// The first case-insensitive occurrence of `needle` in `hay` at or after `from`.
fn find_ci(hay: &str, needle: &str, from: usize) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if h.len() < n.len() {
        return None;
    }
    (from..=h.len() - n.len()).find(|&i| h[i..i + n.len()].eq_ignore_ascii_case(n))
}
