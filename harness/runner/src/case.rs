//! What a conformance case is, what it records while it runs, and how it reports a problem.
//!
//! A [`Case`] runs against a DUT session `D` (in a real run the lab's board, `hil_lab::Board`:
//! AT client, supply, identity; see [`DutSession`](crate::DutSession)). It records into a [`CaseLog`] and returns `Ok(())` when the DUT behaved as the
//! case's *reference* behaviour says, or a [`Problem`] saying how it did not. Whether that is a
//! failure is decided later, against the per-firmware expectations (see `classify`).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// A case's identity: `<suite>::<name>`, e.g. `cmng::write_crlf_pem`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CaseId {
    /// The suite the case belongs to.
    pub suite: String,
    /// The case's name within its suite.
    pub name: String,
}

impl CaseId {
    /// The id `<suite>::<name>`.
    pub fn new(suite: impl Into<String>, name: impl Into<String>) -> Self {
        CaseId {
            suite: suite.into(),
            name: name.into(),
        }
    }

    /// Parses `<suite>::<name>` (the form used as keys in expectation data).
    pub fn parse(text: &str) -> Option<Self> {
        let (suite, name) = text.trim().split_once("::")?;
        if suite.is_empty() || name.is_empty() || name.contains("::") {
            return None;
        }
        Some(CaseId::new(suite, name))
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}::{}", self.suite, self.name)
    }
}

/// One conformance case, run against a DUT session `D`.
pub trait Case<D>: Send + Sync {
    /// `<suite>::<name>`; unique within a run.
    fn id(&self) -> CaseId;

    /// One line saying what the case checks (shown in reports).
    fn description(&self) -> &str;

    /// Ignored cases only run with `--ignored` / `--include-ignored` (e.g. slow POFWARN ramps).
    fn ignored(&self) -> bool {
        false
    }

    /// Runs the case. `Ok(())` means the reference behaviour was seen.
    fn run(&self, dut: &mut D, log: &mut CaseLog) -> Result<(), Problem>;
}

/// Why a case did not see its reference behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    /// The DUT behaved differently. `signature` is short and machine-comparable (it is matched
    /// against expectation data), e.g. `+CME ERROR: 527` or `no 528; write silently dropped`;
    /// `detail` is for humans.
    Deviation {
        /// Short and machine-comparable; matched against expectation data.
        signature: String,
        /// The explanation for humans.
        detail: String,
    },

    /// The case decided at run time that it does not apply (e.g. no supply on this DUT).
    NotApplicable(String),
    /// Infrastructure: port missing, no answer at all, supply or probe fault.
    Infra(String),
    /// The DUT stopped answering; the runner recovers it (power cycle) before going on.
    Hang(String),
}

impl Problem {
    /// A [`Problem::Deviation`].
    pub fn deviation(signature: impl Into<String>, detail: impl Into<String>) -> Self {
        Problem::Deviation {
            signature: signature.into(),
            detail: detail.into(),
        }
    }

    /// A [`Problem::NotApplicable`].
    pub fn not_applicable(reason: impl Into<String>) -> Self {
        Problem::NotApplicable(reason.into())
    }

    /// A [`Problem::Infra`].
    pub fn infra(message: impl Into<String>) -> Self {
        Problem::Infra(message.into())
    }

    /// A [`Problem::Hang`].
    pub fn hang(message: impl Into<String>) -> Self {
        Problem::Hang(message.into())
    }

    /// True for problems after which the DUT is in an unknown state and must be recovered.
    pub fn needs_recovery(&self) -> bool {
        matches!(self, Problem::Hang(_) | Problem::Infra(_))
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Deviation { signature, detail } if detail.is_empty() => {
                write!(f, "deviation: {signature}")
            }
            Problem::Deviation { signature, detail } => {
                write!(f, "deviation: {signature}: {detail}")
            }
            Problem::NotApplicable(reason) => write!(f, "not applicable: {reason}"),
            Problem::Infra(message) => write!(f, "infrastructure: {message}"),
            Problem::Hang(message) => write!(f, "hang: {message}"),
        }
    }
}

/// A file recorded with a result (full transcript, PSU trace CSV/SVG, modem trace).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// What it is, e.g. `psu trace`.
    pub label: String,
    /// Where the file is.
    pub path: PathBuf,
}

impl Attachment {
    /// An attachment called `label` at `path`.
    pub fn new(label: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        Attachment {
            label: label.into(),
            path: path.into(),
        }
    }

    /// True for SVG files (the HTML report embeds them).
    pub fn is_svg(&self) -> bool {
        has_extension(&self.path, "svg")
    }
}

fn has_extension(path: &Path, ext: &str) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case(ext))
}

/// What a case records while it runs. One per attempt.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLog {
    /// The redacted AT transcript text (key material already removed by the AT client).
    pub transcript: String,
    /// Files recorded with the result.
    pub attachments: Vec<Attachment>,
    /// Key/value pairs recorded with the result (e.g. identity).
    pub properties: Vec<(String, String)>,
    /// For characterization cases: what the modem did, as key/value facts.
    pub observations: Vec<(String, String)>,
    /// Free-form notes for humans.
    pub notes: Vec<String>,
}

impl CaseLog {
    /// An empty log.
    pub fn new() -> Self {
        CaseLog::default()
    }

    /// Appends transcript text (a line terminator is added when missing).
    pub fn transcript(&mut self, text: &str) {
        self.transcript.push_str(text);
        if !text.ends_with('\n') {
            self.transcript.push('\n');
        }
    }

    /// Records a file with the result.
    pub fn attach(&mut self, label: impl Into<String>, path: impl Into<PathBuf>) {
        self.attachments.push(Attachment::new(label, path));
    }

    /// Records a property; a later value for the same key replaces the earlier one.
    pub fn property(&mut self, key: impl Into<String>, value: impl Into<String>) {
        set_pair(&mut self.properties, key.into(), value.into());
    }

    /// Records an observation; a later value for the same key replaces the earlier one.
    pub fn observe(&mut self, key: impl Into<String>, value: impl Into<String>) {
        set_pair(&mut self.observations, key.into(), value.into());
    }

    /// Adds a note for humans.
    pub fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }
}

fn set_pair(pairs: &mut Vec<(String, String)>, key: String, value: String) {
    match pairs.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => pairs.push((key, value)),
    }
}

type CaseFn<D> = dyn Fn(&mut D, &mut CaseLog) -> Result<(), Problem> + Send + Sync;

/// A case built from a closure, for suites whose cases need no state of their own.
pub struct FnCase<D> {
    id: CaseId,
    description: String,
    ignored: bool,
    body: Box<CaseFn<D>>,
}

impl<D> FnCase<D> {
    /// A case `<suite>::<name>` that runs `body`.
    pub fn new(
        suite: impl Into<String>,
        name: impl Into<String>,
        description: impl Into<String>,
        body: impl Fn(&mut D, &mut CaseLog) -> Result<(), Problem> + Send + Sync + 'static,
    ) -> Self {
        FnCase {
            id: CaseId::new(suite, name),
            description: description.into(),
            ignored: false,
            body: Box::new(body),
        }
    }

    /// Marks the case as only running with `--ignored`.
    pub fn ignored(mut self) -> Self {
        self.ignored = true;
        self
    }
}

impl<D> Case<D> for FnCase<D> {
    fn id(&self) -> CaseId {
        self.id.clone()
    }
    fn description(&self) -> &str {
        &self.description
    }
    fn ignored(&self) -> bool {
        self.ignored
    }
    fn run(&self, dut: &mut D, log: &mut CaseLog) -> Result<(), Problem> {
        (self.body)(dut, log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_id_round_trips() {
        let id = CaseId::parse("cmng::write_crlf_pem").unwrap();
        assert_eq!(id, CaseId::new("cmng", "write_crlf_pem"));
        assert_eq!(id.to_string(), "cmng::write_crlf_pem");
        assert!(CaseId::parse("cmng").is_none());
        assert!(CaseId::parse("::x").is_none());
        assert!(CaseId::parse("a::b::c").is_none());
    }

    #[test]
    fn log_replaces_properties_and_terminates_lines() {
        let mut log = CaseLog::new();
        log.transcript("AT+CGMR");
        log.transcript("OK\n");
        log.property("imei", "1");
        log.property("imei", "2");
        log.observe("528", "yes");
        assert_eq!(log.transcript, "AT+CGMR\nOK\n");
        assert_eq!(log.properties, vec![("imei".into(), "2".into())]);
        assert_eq!(log.observations.len(), 1);
    }

    #[test]
    fn svg_attachments_are_recognised() {
        assert!(Attachment::new("trace", "a/b/trace.SVG").is_svg());
        assert!(!Attachment::new("trace", "a/b/trace.csv").is_svg());
    }
}
