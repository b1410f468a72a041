//! AT console client for nRF91 DUTs: checked transactions over a serial port, URC
//! demultiplexing, redacted transcripts and typed helpers.
//!
//! ```no_run
//! use std::time::Duration;
//! use hil_at::{AtClient, CmngFilter};
//! use hil_model::{CmeCode, CredentialType};
//!
//! let mut at = AtClient::open("/dev/ttyACM0", 115_200)?;
//! at.set_cfun(4)?;
//! at.set_cmee(1)?;
//! at.cmng_write(42, CredentialType::ROOT_CA, "-----BEGIN CERTIFICATE-----\n...\n")?;
//! let listed = at.cmng_list(CmngFilter::Tag(42))?;
//! match at.cmng_delete(42, CredentialType::ROOT_CA) {
//!     Err(e) if e.cme() == Some(CmeCode::POWER_OFF_WARNING) => { /* 528 */ }
//!     other => { other?; }
//! }
//! let urc = at.wait_urc("%MDMEV:", Duration::from_secs(5))?;
//! println!("{}", at.transcript().to_text());
//! # Ok::<(), hil_at::AtError>(())
//! ```
//!
//! Modules, one job each:
//! - [`port`]: opening the port (exclusive, DTR best effort, input flushed);
//! - [`line`]: bytes → lines (lossy UTF-8, capped length);
//! - [`response`]: [`Response`] and the classification of lines during a transaction;
//! - [`urc`]: known URC prefixes and the time-stamped [`Urc`];
//! - [`client`]: [`AtClient`] — transactions with deadlines, URC queue, raw escape hatch;
//! - [`redact`]: key-material removal applied before anything is recorded;
//! - [`transcript`]: the structured [`Transcript`] and its text / JSON-lines export;
//! - [`commands`]: typed helpers (`%CMNG`, `+CFUN`, `+CMEE`, identity, `%XPOFWARN`,
//!   `%XPMNG`, `%KEYGEN`, `%XVBAT`, the firmware's `#X` commands and the boot wait);
//! - [`error`]: the error type, [`AtError`].

#![warn(missing_docs)]

pub mod client;
pub mod commands;
pub mod error;
pub mod line;
pub mod port;
pub mod redact;
pub mod response;
pub mod transcript;
pub mod urc;

pub use at_console::FinalResult;
pub use client::{AtClient, ClientConfig, ESC};
pub use commands::cmng::{CmngEntry, CmngFilter, CmngItem};
pub use commands::firmware::BootError;
pub use commands::identity::Identity;
pub use commands::keygen::{KeygenOutput, KeygenResponse};
pub use error::AtError;
pub use response::Response;
pub use transcript::{Entry, EntryKind, Exchange, Outcome, Transcript};
pub use urc::{Urc, UrcKind};
