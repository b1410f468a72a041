//! Per-firmware expectations: data, not code.
//!
//! A YAML file maps each case id to an ordered list of entries; the first entry whose `range`
//! contains the DUT's modem firmware applies, and a case with no matching entry is expected to
//! show its reference behaviour (pass).
//!
//! ```yaml
//! cmng::write_crlf_pem:
//!   - range: "nrf91x1 >=2.0.2"
//!     xfail:
//!       signature: "+CME ERROR: 527"
//!       reason: "MFW >= 2.0.2 validates certificate content (ref §1.3 [C3][F5])"
//!   - range: "nrf9160 <1.3.0"
//!     skip: "CMNG types 6/7 do not exist before 1.3.0"
//! pofwarn::clear_policy:
//!   - range: any
//!     characterize: "OPEN: what clears the warning (ref §4.4)"
//! ```
//!
//! Loading validates syntax, ranges and entry shape (each problem with file and line);
//! [`Expectations::check_case_ids`] reports ids that name no known case.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::Path;

use hil_model::{MfwRange, MfwVersion};
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::case::CaseId;

/// What a matching entry says about a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    /// The DUT is known to deviate with exactly this signature, for this reason.
    XFail {
        /// The expected deviation signature.
        signature: String,
        /// The reason the expectations file gives.
        reason: String,
    },
    /// The case does not apply to this firmware; it is not run.
    Skip {
        /// The reason the expectations file gives.
        reason: String,
    },
    /// The case measures an open fact: its observations are recorded, it passes unless
    /// infrastructure fails.
    Characterize {
        /// The open fact the case measures.
        fact: String,
    },
}

/// One `{ range, xfail | skip | characterize }` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectationEntry {
    /// The firmware versions the entry applies to.
    pub range: MfwRange,
    /// What it says about the case on those versions.
    pub expect: Expectation,
}

#[derive(Debug, Clone)]
struct CaseEntries {
    /// The file the case id is in (expectations merged from several files keep their own).
    origin: String,
    /// Line of the case id key in that file (1-based), when found.
    line: Option<usize>,
    entries: Vec<ExpectationEntry>,
}

/// All expectations of a run, keyed by case id.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    origin: String,
    cases: BTreeMap<CaseId, CaseEntries>,
}

/// One problem found in an expectations file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The expectations file.
    pub file: String,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// The 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Issue {
    /// `file`, `file:line` or `file:line:column`.
    pub fn location(&self) -> String {
        location(&self.file, self.line, self.column)
    }
}

fn location(file: &str, line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("{file}:{line}:{column}"),
        (Some(line), None) => format!("{file}:{line}"),
        (None, _) => file.to_string(),
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

/// Everything wrong with an expectations file, one [`Issue`] per line of the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ExpectationsError {
    /// Every problem found.
    pub issues: Vec<Issue>,
}

impl fmt::Display for ExpectationsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, issue) in self.issues.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{issue}")?;
        }
        Ok(())
    }
}

impl Expectations {
    /// No expectations: every case is expected to pass.
    pub fn empty() -> Self {
        Expectations {
            origin: "<none>".to_string(),
            cases: BTreeMap::new(),
        }
    }

    /// Reads and validates a file.
    pub fn load(path: &Path) -> Result<Self, ExpectationsError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ExpectationsError {
            issues: vec![Issue {
                file: origin.clone(),
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
            }],
        })?;
        Expectations::from_yaml(&text, &origin)
    }

    /// Parses and validates YAML text; `origin` names it in errors (usually the file path).
    pub fn from_yaml(text: &str, origin: &str) -> Result<Self, ExpectationsError> {
        let issue = |line, column, message: String| Issue {
            file: origin.to_string(),
            line,
            column,
            message,
        };
        let raw: RawFile = if text.trim().is_empty() {
            RawFile(Vec::new())
        } else {
            serde_yaml_ng::from_str(text).map_err(|e| {
                let at = e.location();
                ExpectationsError {
                    issues: vec![issue(
                        at.as_ref().map(|l| l.line()),
                        at.as_ref().map(|l| l.column()),
                        strip_location(&e.to_string()),
                    )],
                }
            })?
        };

        let mut issues = Vec::new();
        let mut cases = BTreeMap::new();
        for (key, entries) in raw.0 {
            let line = find_key_line(text, &key);
            let Some(id) = CaseId::parse(&key) else {
                issues.push(issue(
                    line,
                    None,
                    format!("`{key}` is not a case id (expected `<suite>::<case>`)"),
                ));
                continue;
            };
            let mut catch_all_seen = false;
            for (i, entry) in entries.iter().enumerate() {
                if catch_all_seen {
                    issues.push(issue(
                        line,
                        None,
                        format!(
                            "`{key}` entry {} (range `{}`) can never match: an earlier entry \
                             covers every firmware",
                            i + 1,
                            entry.range
                        ),
                    ));
                }
                if matches!(entry.range.as_str(), "any" | "*") {
                    catch_all_seen = true;
                }
            }
            let origin = origin.to_string();
            cases.insert(
                id,
                CaseEntries {
                    origin,
                    line,
                    entries,
                },
            );
        }
        if issues.is_empty() {
            Ok(Expectations {
                origin: origin.to_string(),
                cases,
            })
        } else {
            Err(ExpectationsError { issues })
        }
    }

    /// Adds the cases of `other` (another file) to these; each case keeps the file and line it
    /// came from. A case id present in both is refused, naming both places.
    pub fn merge(mut self, other: Expectations) -> Result<Self, ExpectationsError> {
        let mut issues = Vec::new();
        for (id, entries) in other.cases {
            if let Some(first) = self.cases.get(&id) {
                issues.push(Issue {
                    file: entries.origin.clone(),
                    line: entries.line,
                    column: None,
                    message: format!(
                        "duplicate case id `{id}`: also in {}",
                        location(&first.origin, first.line, None)
                    ),
                });
                continue;
            }
            self.cases.insert(id, entries);
        }
        if !issues.is_empty() {
            return Err(ExpectationsError { issues });
        }
        self.origin = if self.origin == Expectations::empty().origin {
            other.origin
        } else {
            format!("{}, {}", self.origin, other.origin)
        };
        Ok(self)
    }

    /// Reports expectation keys that name no known case (typos, renamed cases), each with the
    /// file and line it is in.
    pub fn check_case_ids<'a>(
        &self,
        known: impl IntoIterator<Item = &'a CaseId>,
    ) -> Result<(), ExpectationsError> {
        let known: HashSet<&CaseId> = known.into_iter().collect();
        let issues: Vec<Issue> = self
            .cases
            .iter()
            .filter(|(id, _)| !known.contains(id))
            .map(|(id, entries)| Issue {
                file: entries.origin.clone(),
                line: entries.line,
                column: None,
                message: format!("unknown case id `{id}`: no case has this id"),
            })
            .collect();
        if issues.is_empty() {
            Ok(())
        } else {
            Err(ExpectationsError { issues })
        }
    }

    /// The first entry for `case` whose range contains `mfw`. With no firmware, nothing matches.
    pub fn lookup(&self, case: &CaseId, mfw: Option<&MfwVersion>) -> Option<&ExpectationEntry> {
        let mfw = mfw?;
        self.cases
            .get(case)?
            .entries
            .iter()
            .find(|entry| entry.range.contains(mfw))
    }

    /// All entries for `case`, in file order.
    pub fn entries(&self, case: &CaseId) -> &[ExpectationEntry] {
        self.cases
            .get(case)
            .map(|c| c.entries.as_slice())
            .unwrap_or(&[])
    }

    /// The case ids that have entries.
    pub fn case_ids(&self) -> impl Iterator<Item = &CaseId> {
        self.cases.keys()
    }

    /// Where the expectations came from (file path; merged files: their paths, comma-separated),
    /// for messages.
    pub fn origin(&self) -> &str {
        &self.origin
    }
}

/// serde_yaml_ng appends " at line L column C" to messages; the issue carries those already.
fn strip_location(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Finds the 1-based line of a top-level key (`key:`, `"key":` or `'key':` at column 0).
fn find_key_line(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let rest = if let Some(r) = line.strip_prefix('"') {
                r.strip_prefix(key).and_then(|r| r.strip_prefix('"'))
            } else if let Some(r) = line.strip_prefix('\'') {
                r.strip_prefix(key).and_then(|r| r.strip_prefix('\''))
            } else {
                line.strip_prefix(key)
            };
            rest.is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map(|i| i + 1)
}

/// The top-level mapping, in file order, refusing duplicate keys.
struct RawFile(Vec<(String, Vec<ExpectationEntry>)>);

impl<'de> Deserialize<'de> for RawFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct FileVisitor;
        impl<'de> Visitor<'de> for FileVisitor {
            type Value = RawFile;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping from case id (`<suite>::<case>`) to a list of entries")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFile, A::Error> {
                let mut out: Vec<(String, Vec<ExpectationEntry>)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if out.iter().any(|(k, _)| *k == key) {
                        return Err(de::Error::custom(format!("duplicate case id `{key}`")));
                    }
                    let entries: Option<Vec<ExpectationEntry>> = map.next_value()?;
                    out.push((key, entries.unwrap_or_default()));
                }
                Ok(RawFile(out))
            }
        }
        d.deserialize_map(FileVisitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawXFail {
    /// The expected deviation signature.
    signature: String,
    /// The reason the expectations file gives.
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    range: MfwRange,
    #[serde(default)]
    xfail: Option<RawXFail>,
    #[serde(default)]
    skip: Option<String>,
    #[serde(default)]
    characterize: Option<String>,
}

impl<'de> Deserialize<'de> for ExpectationEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawEntry::deserialize(d)?;
        let range = raw.range;
        let nonempty = |what: &str, text: String| -> Result<String, D::Error> {
            let text = text.trim().to_string();
            if text.is_empty() {
                Err(de::Error::custom(format!(
                    "entry for `{range}`: {what} must not be empty"
                )))
            } else {
                Ok(text)
            }
        };
        let expect = match (raw.xfail, raw.skip, raw.characterize) {
            (Some(x), None, None) => Expectation::XFail {
                signature: nonempty("xfail.signature", x.signature)?,
                reason: nonempty("xfail.reason", x.reason)?,
            },
            (None, Some(reason), None) => Expectation::Skip {
                reason: nonempty("skip reason", reason)?,
            },
            (None, None, Some(fact)) => Expectation::Characterize {
                fact: nonempty("characterize fact", fact)?,
            },
            _ => {
                return Err(de::Error::custom(format!(
                    "entry for `{range}` must have exactly one of `xfail`, `skip`, `characterize`"
                )));
            }
        };
        Ok(ExpectationEntry { range, expect })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
# comment
cmng::write_crlf_pem:
  - range: "nrf91x1 >=2.0.2"
    xfail:
      signature: "+CME ERROR: 527"
      reason: "MFW >= 2.0.2 validates certificate content"
  - range: "nrf9160 <1.3.0"
    skip: "not on old firmware"
"pofwarn::clear_policy":
  - range: any
    characterize: "what clears the warning"
"#;

    fn v(text: &str) -> MfwVersion {
        MfwVersion::parse(text).unwrap()
    }

    #[test]
    fn first_matching_entry_wins() {
        let e = Expectations::from_yaml(GOOD, "exp.yaml").unwrap();
        let id = CaseId::new("cmng", "write_crlf_pem");
        let hit = e.lookup(&id, Some(&v("mfw_nrf91x1_2.0.2"))).unwrap();
        assert!(
            matches!(&hit.expect, Expectation::XFail { signature, .. } if signature == "+CME ERROR: 527")
        );
        let hit = e.lookup(&id, Some(&v("mfw_nrf9160_1.2.3"))).unwrap();
        assert!(matches!(hit.expect, Expectation::Skip { .. }));
        assert!(e.lookup(&id, Some(&v("mfw_nrf9160_1.3.6"))).is_none());
        assert!(e.lookup(&id, None).is_none());
        let pof = CaseId::new("pofwarn", "clear_policy");
        assert!(matches!(
            e.lookup(&pof, Some(&v("mfw_nrf9160_1.3.6")))
                .unwrap()
                .expect,
            Expectation::Characterize { .. }
        ));
    }

    #[test]
    fn unknown_case_ids_are_reported_with_line() {
        let e = Expectations::from_yaml(GOOD, "exp.yaml").unwrap();
        let known = [CaseId::new("cmng", "write_crlf_pem")];
        let err = e.check_case_ids(known.iter()).unwrap_err();
        assert_eq!(err.issues.len(), 1);
        assert_eq!(err.issues[0].line, Some(10));
        assert_eq!(
            err.to_string(),
            "exp.yaml:10: unknown case id `pofwarn::clear_policy`: no case has this id"
        );
    }

    #[test]
    fn merged_files_report_unknown_ids_at_their_own_file_and_line() {
        let first = "cmng::a:\n  - range: any\n    skip: x\n";
        let second = "# second file\n\ncmng::b: []\ncmng::typo:\n  - range: any\n    skip: y\n";
        let merged = Expectations::from_yaml(first, "suites/expectations/one.yaml")
            .unwrap()
            .merge(Expectations::from_yaml(second, "suites/expectations/two.yaml").unwrap())
            .unwrap();
        assert_eq!(merged.case_ids().count(), 3);
        let known = [CaseId::new("cmng", "a"), CaseId::new("cmng", "b")];
        let err = merged.check_case_ids(known.iter()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "suites/expectations/two.yaml:4: unknown case id `cmng::typo`: no case has this id"
        );
        assert_eq!(
            merged.origin(),
            "suites/expectations/one.yaml, suites/expectations/two.yaml"
        );
    }

    #[test]
    fn a_case_in_two_merged_files_names_both() {
        let a = Expectations::from_yaml("cmng::a: []\n", "one.yaml").unwrap();
        let b = Expectations::from_yaml("cmng::b: []\ncmng::a: []\n", "two.yaml").unwrap();
        let err = Expectations::empty()
            .merge(a)
            .unwrap()
            .merge(b)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "two.yaml:2: duplicate case id `cmng::a`: also in one.yaml:1"
        );
    }

    #[test]
    fn bad_range_is_reported_with_location() {
        let text = "cmng::a:\n  - range: \"nrf9999 >=1\"\n    skip: x\n";
        let err = Expectations::from_yaml(text, "exp.yaml").unwrap_err();
        let issue = &err.issues[0];
        assert_eq!(issue.line, Some(2), "{err}");
        assert!(issue.message.contains("nrf9999"), "{err}");
    }

    #[test]
    fn entry_needs_exactly_one_kind() {
        let text = "cmng::a:\n  - range: any\n    skip: x\n    characterize: y\n";
        let err = Expectations::from_yaml(text, "exp.yaml").unwrap_err();
        assert!(err.to_string().contains("exactly one of"), "{err}");
        assert!(err.issues[0].line.is_some(), "{err}");
        let text = "cmng::a:\n  - range: any\n";
        assert!(Expectations::from_yaml(text, "exp.yaml").is_err());
    }

    #[test]
    fn unknown_fields_and_empty_reasons_are_refused() {
        let text = "cmng::a:\n  - range: any\n    xfial: x\n";
        let err = Expectations::from_yaml(text, "exp.yaml").unwrap_err();
        assert!(err.to_string().contains("xfial"), "{err}");
        let text = "cmng::a:\n  - range: any\n    skip: \"  \"\n";
        assert!(Expectations::from_yaml(text, "exp.yaml").is_err());
    }

    #[test]
    fn bad_keys_duplicates_and_unreachable_entries_are_refused() {
        let err = Expectations::from_yaml("cmng:\n  - range: any\n    skip: x\n", "f").unwrap_err();
        assert_eq!(err.issues[0].line, Some(1), "{err}");

        let text = "cmng::a:\n  - range: any\n    skip: x\ncmng::a: []\n";
        let err = Expectations::from_yaml(text, "f").unwrap_err();
        assert!(err.to_string().contains("duplicate case id"), "{err}");

        let text = "cmng::a:\n  - range: any\n    skip: x\n  - range: nrf9160\n    skip: y\n";
        let err = Expectations::from_yaml(text, "f").unwrap_err();
        assert!(err.to_string().contains("can never match"), "{err}");
    }

    #[test]
    fn empty_file_and_empty_lists_are_fine() {
        assert_eq!(
            Expectations::from_yaml("", "f").unwrap().case_ids().count(),
            0
        );
        let e = Expectations::from_yaml("cmng::a: []\ncmng::b:\n", "f").unwrap();
        assert!(e.entries(&CaseId::new("cmng", "a")).is_empty());
    }
}
