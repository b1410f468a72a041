//! Where each field of a profile comes from: measured on a board (`hil characterize`), carried
//! from a base profile (the reference), or a default where nothing could tell. Optional: the
//! hand-written bundled profiles cite the reference inline instead.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The provenance block of a characterized profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The measurement the `measured` fields come from.
    pub measured: Measurement,
    /// The profile unmeasured fields were carried from (`--base`), if any.
    #[serde(default)]
    pub base: Option<String>,
    /// Source of every field, by dotted path (`cmng.types`, `policy.pofwarn_clear`).
    pub fields: BTreeMap<String, Source>,
    /// What could not be measured on this board (and why), by dotted path.
    #[serde(default)]
    pub unmeasured: BTreeMap<String, String>,
    /// What else was seen: error codes and where they occurred, latency spreads, trip volts.
    #[serde(default)]
    pub observed: BTreeMap<String, String>,
}

/// One characterization run.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measurement {
    /// UTC date and time, RFC 3339.
    pub date: String,
    /// The DUT's name in the rack.
    pub board: String,
    /// First 16 hex digits of the SHA-256 of the IMEI (never the IMEI itself).
    pub imei_hash: String,
    /// `hil` version that measured.
    pub harness_version: String,
    /// The supply (`describe()` of the instrument), or `none`.
    pub supply: String,
    /// Simulated timing when the board was simulated (`fast` adds no latency).
    #[serde(default)]
    pub timing: Option<String>,
}

/// Where one field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Measured on the board.
    Measured,
    /// Carried from the base profile.
    Carried,
    /// Neither measured nor in a base: the schema's default.
    Default,
}
