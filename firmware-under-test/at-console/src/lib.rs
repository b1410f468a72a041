//! AT console of the firmware-under-test, sans-IO and `no_std` (no alloc).
//!
//! The firmware's async main loop and the simulator's synchronous DUT thread feed the *same*
//! [`Console`] state machine one byte at a time and act on the [`Step`] it returns; the harness
//! uses [`final_result`] and the [`response`] renderers/parsers to talk to either of them.
//!
//! Module map (one job each):
//! - [`line`]: [`LineBuffer`], the framer (firmware.md §4 rules 1–7).
//! - [`console`]: [`Console`], framer + echo + local commands → [`Step`].
//! - [`local`]: [`LocalCommand`] and its case-insensitive classifier.
//! - [`result`]: [`FinalResult`] parsing (`OK`, `ERROR`, `+CME ERROR: n`, …) and rendering.
//! - [`response`]: the firmware's own wire texts (banner, `#XFWVER`, `#XFWERR`, `#XFWPANIC`) and
//!   the firmware-identity encoding shared with the ELF symbol `HIL_FW_ID`.
//!
//! Typical driver loop (any I/O, any clock):
//! ```
//! use at_console::{Action, Console, response};
//! let mut console: Console = Console::new();
//! let mut out = Vec::new();
//! for &b in b"AT+CGMR\r" {
//!     let step = console.push(b);
//!     out.extend_from_slice(step.echo.as_bytes()); // always write the echo first
//!     match step.action {
//!         Action::Nothing => {}
//!         Action::Forward(cmd) => assert_eq!(cmd, b"AT+CGMR"), // send to the modem
//!         Action::Local(_cmd) => { /* version / reset: see LocalCommand */ }
//!         Action::Reply(text) => out.extend_from_slice(text.as_bytes()),
//!     }
//! }
//! # let _ = response::OK;
//! ```

#![warn(missing_docs)]
#![no_std]

#[cfg(test)]
extern crate std;

pub mod console;
pub mod line;
pub mod local;
pub mod response;
pub mod result;

pub use console::{Action, Console, Echo, Step};
pub use line::{DEFAULT_MAX_LINE, Event, LineBuffer};
pub use local::{LocalCommand, classify};
pub use result::{FinalResult, RenderedResult, final_result};

/// Silence mid-line after which the caller should call [`Console::idle_timeout`] (firmware.md §4 rule 6).
pub const IDLE_TIMEOUT_MS: u32 = 10_000;

/// How long the firmware waits for the modem to answer a forwarded command before replying
/// [`response::ERR_TIMEOUT`] (firmware.md §3).
pub const MODEM_TIMEOUT_MS: u32 = 60_000;
