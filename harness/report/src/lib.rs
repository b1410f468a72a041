//! Reports from runner events: JUnit for CI dashboards, the HTML conformance matrix, per-trial
//! transcript files, a live progress display and the end-of-run summary table.
//!
//! Every report is a [`hil_runner::Reporter`]; [`ReportDir`] builds the standard set for a
//! report directory:
//!
//! ```text
//! <report-dir>/junit.xml                              one <testsuite> per DUT, rewritten atomically as results arrive
//! <report-dir>/conformance.html                       modem firmware × case matrix, self-contained
//! <report-dir>/transcripts/<dut>/<suite>.<case>.txt   full redacted AT transcript of every attempt
//! <report-dir>/events.jsonl                           every run event as a JSON line
//! <report-dir>/.hil-tmp/                              scratch for atomic writes, emptied at start
//! ```
//!
//! [`ReportDir::prepare`] checks the directory can be written before bring-up. A report that
//! cannot be written is reported by its reporter ([`hil_runner::Reporter::incomplete`]); the
//! run is then an infrastructure error. Every file stays under [`budget::FILE_CAP`].
//!
//! JUnit follows the conventions in `shared/reference/hil-anchors.md` §5: unique testcase names
//! (`<dut>::<suite>::<case>`), `<failure>` for DUT behaviour, `<error>` for infrastructure,
//! `<skipped>` for not applicable, one testcase per trial with `flaky*`/`rerun*` children plus
//! plain `FLAKY:`/`RERUN:` lines, `[[ATTACHMENT|…]]` lines for the files. The schema the output
//! is validated against in tests is `schema/junit.xsd`.

#![warn(missing_docs)]

pub mod atomic;
pub mod budget;
pub mod flush;
pub mod html;
pub mod jsonl;
pub mod junit;
pub mod marks;
pub mod merge;
pub mod past;
pub mod progress;
pub mod summary;
pub mod text;
pub mod transcripts;

mod report_dir;
mod write_log;

pub use flush::Flush;
pub use html::HtmlReporter;
pub use jsonl::JsonLinesReporter;
pub use junit::{JunitOptions, JunitReporter};
pub use marks::{QuarantineMark, RunMarks, Standing, Tally};
pub use merge::{MergeError, Merged, merge};
pub use past::{Observed, PastRuns};
pub use progress::ProgressReporter;
pub use report_dir::{LiveProgress, MARKER, ReportDir, ReportDirError, ReporterOptions};
pub use summary::{SummaryReporter, summary_table};
pub use transcripts::TranscriptWriter;
