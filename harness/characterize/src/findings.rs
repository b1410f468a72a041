//! What a characterization found: every fact optional (unset = not measured, with the reason
//! in `unmeasured`), plus free-form observations (error codes and where they occurred).

use std::collections::BTreeMap;

use hil_model::policy::{ClearPolicy, OverwritePolicy, ParamErrorStyle, SecretReadPolicy};
use hil_sim::profile::{IdentityStrings, ListDigest, WarningNvm};

/// The measured facts of one board.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// The modem's identification strings.
    pub identity: Option<IdentityStrings>,
    /// A hash of the IMEI (never the IMEI itself).
    pub imei_hash: Option<String>,
    /// The `+CFUN` modes the firmware accepts.
    pub cfun_modes: Option<Vec<u8>>,
    /// The CFUN modes in which credential writes and deletes answer 518.
    pub active_cfun: Option<Vec<u8>>,
    /// Credential types that could be written, read back and deleted.
    pub cmng_types: Option<Vec<u8>>,
    /// Credential types that answer 514 to write but can be deleted.
    pub delete_only_types: Option<Vec<u8>>,
    /// Credential types whose write and delete were refused.
    pub refused_types: Option<Vec<u8>>,
    /// Credential types that were written but whose read answered 514.
    pub secret_types: Option<Vec<u8>>,
    /// What the `%CMNG` list shows as a credential's digest.
    pub list_digest: Option<ListDigest>,
    /// Types that answered 527 to invalid content (empty: no validation).
    pub content_check: Option<Vec<u8>>,
    /// Whether `%CMNG` answers 519 "already exists".
    pub has_519: Option<bool>,
    /// `%XPMNG` present (`Some(false)`: the command does not exist).
    pub xpmng: Option<bool>,
    /// The factory key `%XPMNG` reads back (`Some(None)`: it answered 513, none).
    pub xpmng_factory_key: Option<Option<String>>,
    /// Whether `AT%MDMEV` exists.
    pub mdmev: Option<bool>,
    /// Whether `AT%KEYGEN` exists.
    pub keygen: Option<bool>,
    /// Whether `AT%ATTESTTOKEN` exists.
    pub attesttoken: Option<bool>,
    /// Whether `AT%XPOFWARN` exists.
    pub pofwarn_command: Option<bool>,
    /// The `%XPOFWARN` level codes the modem accepts, each with its threshold in mV.
    pub pofwarn_levels: Option<BTreeMap<u32, u32>>,
    /// The warning threshold (mV) in force after a reset with no `%XPOFWARN` (`Some(None)`: no warning came).
    pub pofwarn_default_mv: Option<Option<u32>>,
    /// Whether the warning does not come a second time while still armed.
    pub pofwarn_one_shot: Option<bool>,
    /// What a credential write during an active warning does (`Some(None)`: neither a 528 nor a silent drop).
    pub pofwarn_nvm: Option<Option<WarningNvm>>,
    /// The supply voltage (mV) at which the built-in check fires (`Some(None)`: it did not).
    pub builtin_check_mv: Option<Option<u32>>,
    /// The median latency (ms) of ordinary commands.
    pub latency_default_ms: Option<u64>,
    /// Median latencies (ms) of commands that differ from the default, by command.
    pub latency: BTreeMap<String, u64>,
    /// The fastest run's latency (ms) of every timed command (`default` for ordinary ones):
    /// the estimate least disturbed by a busy host, next to the median the profile takes.
    pub latency_floor: BTreeMap<String, u64>,
    // policies
    /// What clears an active power-off warning.
    pub pofwarn_clear: Option<ClearPolicy>,
    /// The hysteresis (mV) above the threshold before a warning clears.
    pub hysteresis_mv: Option<u32>,
    /// Whether an active power-off warning also blocks credential reads.
    pub pofwarn_blocks_read: Option<bool>,
    /// Whether an active power-off warning blocks `%KEYGEN`.
    pub pofwarn_blocks_keygen: Option<bool>,
    /// Whether the built-in check also raises the `%XPOFWARN` warning.
    pub builtin_check_sets_warning: Option<bool>,
    /// What writing over an existing credential does.
    pub overwrite: Option<OverwritePolicy>,
    /// What writing over a protected or generated credential does.
    pub protected_overwrite: Option<OverwritePolicy>,
    /// What reading a secret credential type does.
    pub secret_read: Option<SecretReadPolicy>,
    /// Whether `+CMEE` survives `AT+CFUN=0`.
    pub cmee_survives_cfun: Option<bool>,
    /// The `+CMEE` value after a reset.
    pub cmee_boot: Option<u8>,
    /// How the modem renders a parameter error.
    pub param_error: Option<ParamErrorStyle>,
    /// Whether `AT%XPOFWARN?` is answered with `OK`.
    pub xpofwarn_read_form: Option<bool>,
    /// How many credentials could be stored before memory ran out.
    pub max_credentials: Option<usize>,
    /// Free-form observations: error codes and where they came, latency spreads.
    pub observed: BTreeMap<String, String>,
    /// Why a fact was not measured, by the profile path it would fill.
    pub unmeasured: BTreeMap<String, String>,
}

impl Findings {
    /// Records an observation.
    pub fn observe(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.observed.insert(key.into(), value.into());
    }

    /// Records that `path` could not be measured, and why.
    pub fn skip(&mut self, path: &str, why: impl Into<String>) {
        self.unmeasured.insert(path.to_string(), why.into());
    }
}
