//! Trial name filters with libtest semantics.
//!
//! Patterns are matched against the full trial name `<dut>::<suite>::<case>`: as substrings, or
//! whole names with `exact`; several patterns are OR-ed; `skip` patterns remove matches.
//! Ignored cases are not run unless `--ignored` (only them) or `--include-ignored` (all).

/// How ignored cases are treated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IgnoredMode {
    /// Default: ignored cases are not run.
    #[default]
    Exclude,
    /// `--ignored`: only ignored cases run.
    Only,
    /// `--include-ignored`: everything runs.
    Include,
}

/// What a filter decides for one trial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// The trial runs.
    Run,
    /// Matched by name but the case is ignored and ignored cases are not selected.
    Ignored,
    /// No pattern selects the trial, or a skip pattern deselects it.
    FilteredOut,
}

/// A libtest-style filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Any of these selects a trial (none: every trial).
    pub patterns: Vec<String>,
    /// Any of these deselects a trial.
    pub skip: Vec<String>,
    /// Patterns must equal the whole name.
    pub exact: bool,
    /// Whether ignored cases are left out, included or run alone.
    pub ignored: IgnoredMode,
}

impl Filter {
    /// Selects every non-ignored trial.
    pub fn all() -> Self {
        Filter::default()
    }

    /// Adds a pattern that selects trials.
    pub fn pattern(mut self, pattern: impl Into<String>) -> Self {
        self.patterns.push(pattern.into());
        self
    }

    /// Adds a pattern that deselects trials.
    pub fn skip(mut self, pattern: impl Into<String>) -> Self {
        self.skip.push(pattern.into());
        self
    }

    /// Sets whether patterns must equal the whole name.
    pub fn exact(mut self, exact: bool) -> Self {
        self.exact = exact;
        self
    }

    /// Sets how ignored cases are treated.
    pub fn ignored(mut self, mode: IgnoredMode) -> Self {
        self.ignored = mode;
        self
    }

    fn hits(&self, pattern: &str, name: &str) -> bool {
        if self.exact {
            name == pattern
        } else {
            name.contains(pattern)
        }
    }

    /// True when the name passes the patterns and skips (ignoring the ignored flag).
    pub fn matches_name(&self, name: &str) -> bool {
        (self.patterns.is_empty() || self.patterns.iter().any(|p| self.hits(p, name)))
            && !self.skip.iter().any(|p| self.hits(p, name))
    }

    /// The decision for a trial named `name` whose case is `ignored` or not.
    pub fn select(&self, name: &str, ignored: bool) -> Selection {
        if !self.matches_name(name) {
            return Selection::FilteredOut;
        }
        match (self.ignored, ignored) {
            (IgnoredMode::Only, false) => Selection::FilteredOut,
            (IgnoredMode::Exclude, true) => Selection::Ignored,
            _ => Selection::Run,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "dut1::cmng::write";
    const B: &str = "dut2::cmng::write_crlf";

    #[test]
    fn substring_and_exact() {
        let f = Filter::all().pattern("cmng::write");
        assert!(f.matches_name(A) && f.matches_name(B));
        let f = Filter::all().pattern(A).exact(true);
        assert!(f.matches_name(A) && !f.matches_name(B));
        let f = Filter::all().pattern("dut2::").pattern("::write");
        assert!(f.matches_name(A) && f.matches_name(B));
        let f = Filter::all().skip("crlf");
        assert!(f.matches_name(A) && !f.matches_name(B));
    }

    #[test]
    fn ignored_modes() {
        let f = Filter::all();
        assert_eq!(f.select(A, false), Selection::Run);
        assert_eq!(f.select(A, true), Selection::Ignored);
        let f = Filter::all().ignored(IgnoredMode::Only);
        assert_eq!(f.select(A, false), Selection::FilteredOut);
        assert_eq!(f.select(A, true), Selection::Run);
        let f = Filter::all().ignored(IgnoredMode::Include);
        assert_eq!(f.select(A, true), Selection::Run);
        let f = Filter::all().pattern("nope");
        assert_eq!(f.select(A, true), Selection::FilteredOut);
    }
}
