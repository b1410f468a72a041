//! What a characterization found: every fact optional (unset = not measured, with the reason
//! in `unmeasured`), plus free-form observations (error codes and where they occurred).

use std::collections::BTreeMap;

use hil_model::policy::{ClearPolicy, OverwritePolicy, ParamErrorStyle, SecretReadPolicy};
use hil_sim::profile::{IdentityStrings, ListDigest, WarningNvm};

/// The measured facts of one board.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub identity: Option<IdentityStrings>,
    pub imei_hash: Option<String>,
    pub cfun_modes: Option<Vec<u8>>,
    pub active_cfun: Option<Vec<u8>>,
    pub cmng_types: Option<Vec<u8>>,
    pub delete_only_types: Option<Vec<u8>>,
    pub refused_types: Option<Vec<u8>>,
    pub secret_types: Option<Vec<u8>>,
    pub list_digest: Option<ListDigest>,
    /// Types that answered 527 to invalid content (empty: no validation).
    pub content_check: Option<Vec<u8>>,
    pub has_519: Option<bool>,
    /// `%XPMNG` present (`Some(false)`: the command does not exist).
    pub xpmng: Option<bool>,
    pub xpmng_factory_key: Option<Option<String>>,
    pub mdmev: Option<bool>,
    pub keygen: Option<bool>,
    pub attesttoken: Option<bool>,
    pub pofwarn_command: Option<bool>,
    pub pofwarn_levels: Option<BTreeMap<u32, u32>>,
    pub pofwarn_default_mv: Option<Option<u32>>,
    pub pofwarn_one_shot: Option<bool>,
    pub pofwarn_nvm: Option<Option<WarningNvm>>,
    pub builtin_check_mv: Option<Option<u32>>,
    pub latency_default_ms: Option<u64>,
    pub latency: BTreeMap<String, u64>,
    // policies
    pub pofwarn_clear: Option<ClearPolicy>,
    pub hysteresis_mv: Option<u32>,
    pub pofwarn_blocks_read: Option<bool>,
    pub pofwarn_blocks_keygen: Option<bool>,
    pub builtin_check_sets_warning: Option<bool>,
    pub overwrite: Option<OverwritePolicy>,
    pub protected_overwrite: Option<OverwritePolicy>,
    pub secret_read: Option<SecretReadPolicy>,
    pub cmee_survives_cfun: Option<bool>,
    pub cmee_boot: Option<u8>,
    pub param_error: Option<ParamErrorStyle>,
    pub xpofwarn_read_form: Option<bool>,
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
