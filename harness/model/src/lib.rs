//! Domain vocabulary shared by the simulated rack and the harness.
//!
//! Owns the things both sides must agree on and nothing else: how a modem firmware (MFW)
//! version string is parsed and ordered, how version ranges in expectation and profile data are
//! written, the `+CME ERROR` codes of the credential commands, the `%CMNG` credential types, and
//! the SHA-256 digest the modem prints in a `%CMNG` list.
//!
//! Facts come from `shared/reference/nrf91-modem-keymgmt.md` (cited as "ref §n").

pub mod cme;
pub mod credential;
pub mod digest;
pub mod mfw;

pub use cme::CmeCode;
pub use credential::CredentialType;
pub use digest::sha256_upper_hex;
pub use mfw::{Family, MfwRange, MfwVersion, VersionError};
