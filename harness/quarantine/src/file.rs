//! Reading a quarantine file: a YAML list of entries. Errors name the file, line and column and
//! the entry, like rack files: `quarantine.yaml:7:10: [1].until: `soon` is not a date …`.

use std::fmt;
use std::path::Path;

use crate::entry::Entry;
use crate::list::Quarantine;

/// A quarantine file could not be read or is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineError {
    /// The file (or the origin given to [`parse`]).
    pub origin: String,
    /// 1-based line and column of the offending value, when known.
    pub place: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for QuarantineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some((line, column)) = self.place {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for QuarantineError {}

/// Parses quarantine-file text; `origin` names it in errors. An empty file is an empty list.
pub fn parse(text: &str, origin: &str) -> Result<Quarantine, QuarantineError> {
    if text.trim().is_empty() {
        return Ok(Quarantine::new(Vec::new()));
    }
    serde_yaml_ng::from_str::<Vec<Entry>>(text)
        .map(Quarantine::new)
        .map_err(|e| located(origin, &e))
}

/// Reads and checks the quarantine file at `path`.
pub fn load(path: &Path) -> Result<Quarantine, QuarantineError> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| QuarantineError {
        origin: origin.clone(),
        place: None,
        message: format!("cannot read the quarantine file: {e}"),
    })?;
    parse(&text, &origin)
}

fn located(origin: &str, err: &serde_yaml_ng::Error) -> QuarantineError {
    let mut message = err.to_string();
    let place = err.location().map(|loc| {
        let suffix = format!(" at line {} column {}", loc.line(), loc.column());
        if message.ends_with(&suffix) {
            message.truncate(message.len() - suffix.len());
        }
        (loc.line(), loc.column())
    });
    if message.starts_with("invalid type") && place.is_none_or(|(l, _)| l <= 1) {
        message = format!("{message} (a quarantine file is a YAML list of entries)");
    }
    QuarantineError {
        origin: origin.to_string(),
        place,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
- trial: cmng::write_crlf
  mfw: nrf9160 >=1.3.0, <1.3.2
  reason: CRLF refused on this batch
  issue: https://example.invalid/12
  until: 2025-07-01
- trial: dk-2::pofwarn::threshold
  exact: true
  dut: dk-2
  reason: supply relay sticks
  until: 2025-06-15
";

    #[test]
    fn a_good_file_reads() {
        let q = parse(GOOD, "q.yaml").unwrap();
        assert_eq!(q.entries().len(), 2);
        assert!(q.entries()[1].exact);
        assert_eq!(q.entries()[0].until.to_string(), "2025-07-01");
    }

    fn error(text: &str) -> String {
        parse(text, "q.yaml").unwrap_err().to_string()
    }

    #[test]
    fn bad_entries_are_located() {
        let e = error("- trial: a\n  reason: r\n  until: soon\n");
        assert!(
            e.starts_with("q.yaml:3:") && e.contains("`soon` is not a date"),
            "{e}"
        );
        let e = error(
            "- trial: a\n  reason: r\n  until: 2025-01-01\n- trial: b\n  until: 2025-01-01\n",
        );
        assert!(
            e.starts_with("q.yaml:4:") && e.contains("missing field `reason`"),
            "{e}"
        );
        let e = error("- trial: a\n  reason: r\n  until: 2025-01-01\n  mfw: nrf9999 >=1\n");
        assert!(e.starts_with("q.yaml:4:") && e.contains("nrf9999"), "{e}");
        let e = error("- trial: a\n  reason: r\n  until: 2025-01-01\n  reson: typo\n");
        assert!(e.starts_with("q.yaml:4:") && e.contains("reson"), "{e}");
        let e = error("- trial: \"\"\n  reason: r\n  until: 2025-01-01\n");
        assert!(
            e.starts_with("q.yaml:1:") && e.contains("must not be empty"),
            "{e}"
        );
        let e = error("trial: a\n");
        assert!(e.contains("YAML list"), "{e}");
    }

    #[test]
    fn an_unreadable_file_is_named() {
        let e = load(Path::new("no/such/q.yaml")).unwrap_err().to_string();
        assert!(e.starts_with("no/such/q.yaml: cannot read"), "{e}");
    }
}
