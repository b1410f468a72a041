//! Test support shared by the harness crates' tests (a dev-dependency only): a fake DUT session
//! with fake cases ([`FakeDut`], [`case`]), a reporter that records every event ([`Recorder`]),
//! a `Write` the test can read back ([`SharedBuf`]), polling with a deadline ([`wait_for`]) and
//! JUnit schema validation ([`validates_junit_schema`]).

#![warn(missing_docs)]

mod buf;
mod dut;
mod recorder;
mod wait;
mod xmllint;

pub use buf::SharedBuf;
pub use dut::{FakeDut, Lab, Span, case, passing};
pub use recorder::Recorder;
pub use wait::{poll_until, wait_for};
pub use xmllint::validates_junit_schema;
