//! Conformance runner: cases, per-firmware expectations, outcome classification, per-DUT
//! scheduling with retries, and the events reporters consume.
//!
//! The pieces, one job each:
//! - [`bound`]: bounds on what one result carries (a board streaming endless bytes);
//! - [`case`]: what a conformance case is ([`Case`]) and what it records ([`CaseLog`], [`Problem`]);
//! - [`session`]: what the runner needs from a live DUT ([`DutSession`]);
//! - [`expectations`]: per-case, per-firmware expectations loaded from YAML data;
//! - [`outcome`] and [`classify`]: what a result *means* against its expectation;
//! - [`trial`]: execute one case on one DUT, with retries and recovery;
//! - [`run`]: the scheduler (one thread per DUT, cases sequential on a DUT);
//! - [`event`]: the events reporters receive on a single collector thread;
//! - [`filter`]: libtest-style name filters;
//! - [`held_out`]: boards a run does not touch (maintenance), reported instead of dropped;
//! - [`observations`]: two runs' observations of a trial compared (timing aside);
//! - [`flaky`]: flakiness across runs (pass/fail flips, infrastructure errors left out);
//! - [`libtest`]: the same execution behind `cargo test --test hil` (libtest-mimic).
//!
//! Trials are named `<dut>::<suite>::<case>`; that name is unique per run and is what filters,
//! JUnit and the HTML matrix use.

#![warn(missing_docs)]

pub mod bound;
pub mod case;
pub mod classify;
pub mod collector;
pub mod event;
pub mod expectations;
pub mod filter;
pub mod flaky;
pub mod held_out;
pub mod libtest;
pub mod observations;
pub mod outcome;
pub mod retain;
pub mod run;
pub mod session;
pub mod stop;
pub mod trial;

pub use case::{Attachment, Case, CaseId, CaseLog, FnCase, Problem};
pub use classify::{HANG_SIGNATURE, classify};
pub use event::{
    Collector, Counts, DutInfo, EventSink, IncompleteReport, Reporter, RunEvent, RunInfo,
    RunStatus, Summary, UnfinishedPart, incomplete_reports,
};
pub use expectations::{Expectation, ExpectationEntry, Expectations, ExpectationsError, Issue};
pub use filter::{Filter, IgnoredMode, Selection};
pub use held_out::{HEALTH_SUITE, HeldOut, MAINTENANCE_CASE};
pub use libtest::{LibtestOutput, run_libtest};
pub use outcome::{Attempt, Outcome, OutcomeKind, TrialId, TrialResult};
pub use retain::Retained;
pub use run::{Run, RunError, RunOutput};
pub use session::{DutSession, props};
pub use stop::StopFlag;
pub use trial::{MAX_RETRIES, TrialContext, TrialExecution, execute_trial};
