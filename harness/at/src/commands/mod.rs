//! Typed helpers for the commands the conformance suites use, as methods on
//! [`crate::AtClient`], plus the pure parsers behind them (unit-tested on their own).
//!
//! Helpers that change state require `OK` and return [`crate::AtError::Rejected`] otherwise,
//! so `err.cme()` gives the `+CME ERROR` code a test asserts on.

pub mod cfun;
pub mod cmee;
pub mod cmng;
pub mod firmware;
pub mod identity;
pub mod keygen;
pub mod xpmng;
pub mod xpofwarn;
pub mod xvbat;

/// Parses an unsigned decimal field (blanks around it allowed).
pub(crate) fn number<T: std::str::FromStr>(field: &str) -> Option<T> {
    let f = field.trim();
    if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    f.parse().ok()
}
