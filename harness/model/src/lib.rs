//! Domain vocabulary shared by the simulated rack and the harness.
//!
//! Owns the things both sides must agree on and nothing else: how a modem firmware (MFW)
//! version string is parsed and ordered, how version ranges in expectation and profile data are
//! written, the `+CME ERROR` codes of the credential commands, the `%CMNG` credential types, the
//! SHA-256 digest the modem prints in a `%CMNG` list, the bench-supply vocabulary (models,
//! SCPI dialects, drivers; [`supply`]) and the simulator policies for the modem behaviours the
//! reference leaves OPEN ([`policy`]), and how a simulated probe is named ([`probe`]).
//!
//! Facts come from `shared/reference/nrf91-modem-keymgmt.md` (cited as "ref §n").

#![warn(missing_docs)]

pub mod cme;
pub mod credential;
pub mod digest;
pub mod mfw;
mod named;
pub mod policy;
pub mod probe;
pub mod supply;

pub use cme::CmeCode;
pub use credential::CredentialType;
pub use digest::sha256_upper_hex;
pub use mfw::{Family, MfwRange, MfwVersion, VersionError};
pub use named::UnknownName;
pub use probe::SIM_PROBE_PREFIX;
pub use supply::{ScpiLink, ScpiModel, SupplyDriver, SupplyModel};
