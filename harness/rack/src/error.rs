//! The error of reading a rack file: which file, where in it (line, column, field path) and
//! what is wrong, rendered `rack.yaml:12:7: duts[1].limits: min_volts 4.2 is not below ...`.

use std::fmt;

/// A rack file could not be read or is invalid.
#[derive(Debug)]
pub struct RackError {
    /// The file (or the origin given to [`crate::parse`]).
    pub origin: String,
    /// 1-based line of the offending value, when known.
    pub line: Option<usize>,
    /// 1-based column of the offending value, when known.
    pub column: Option<usize>,
    /// Path of the offending value, e.g. `duts[1].limits`; `None` at the top level.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    source: Option<std::io::Error>,
}

impl RackError {
    pub(crate) fn io(origin: String, source: std::io::Error) -> Self {
        RackError {
            origin,
            line: None,
            column: None,
            field: None,
            message: format!("cannot read the rack file: {source}"),
            source: Some(source),
        }
    }

    /// An error at a 1-based (line, column) of `origin`, with no field path.
    pub(crate) fn at(
        origin: &str,
        position: Option<(usize, usize)>,
        message: impl Into<String>,
    ) -> Self {
        RackError {
            origin: origin.to_string(),
            line: position.map(|p| p.0),
            column: position.map(|p| p.1),
            field: None,
            message: message.into(),
            source: None,
        }
    }

    /// Splits a `serde_yaml_ng` error into location, field path and message.
    pub(crate) fn from_yaml(origin: String, err: &serde_yaml_ng::Error) -> Self {
        let mut text = err.to_string();
        let (line, column) = match err.location() {
            Some(loc) => {
                let suffix = format!(" at line {} column {}", loc.line(), loc.column());
                if text.ends_with(&suffix) {
                    text.truncate(text.len() - suffix.len());
                }
                (Some(loc.line()), Some(loc.column()))
            }
            None => (None, None),
        };
        // Messages with a location start with the value's path, `duts[1].limits: ...`.
        let (field, message) = match text.split_once(": ") {
            Some((path, rest)) if line.is_some() && looks_like_path(path) => {
                (Some(path.to_string()), rest.to_string())
            }
            _ => (None, text),
        };
        RackError {
            origin,
            line,
            column,
            field,
            message,
            source: None,
        }
    }
}

fn looks_like_path(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']' | '?'))
}

impl fmt::Display for RackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
