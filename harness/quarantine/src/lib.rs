//! The quarantine file: Twister's idea for a rack that runs every night. A known-flaky or
//! known-broken trial keeps running and keeps being reported, but its unexpected result does
//! not turn the nightly red — until its entry's `until` date passes, when it stops shielding
//! and the summary says so loudly.
//!
//! ```yaml
//! - trial: cmng::write_crlf          # a substring of <dut>::<suite>::<case>
//!   mfw: nrf9160 >=1.3.0, <1.3.2      # optional, the expectation files' range grammar
//!   dut: dk-1                         # optional
//!   reason: CRLF certificates refused on this batch
//!   issue: https://example.invalid/issues/12   # optional
//!   until: 2025-07-01                 # required: the last day the entry shields
//! - trial: dk-2::pofwarn::threshold
//!   exact: true                       # the whole trial name
//!   reason: supply relay sticks
//!   until: 2025-06-15
//! ```
//!
//! - [`entry`]: one entry, checked while it is read so errors carry its line;
//! - [`file`]: reading a file ([`load`], [`parse`]) with `file:line:column:` errors;
//! - [`list`]: which entry covers a trial on a board ([`Quarantine::lookup`]) and whether it
//!   has expired.

#![warn(missing_docs)]

pub mod entry;
pub mod file;
pub mod list;

pub use entry::Entry;
pub use file::{QuarantineError, load, parse};
pub use list::{Covered, Quarantine};
