//! Modem firmware profiles: what one MFW version does, as data.
//!
//! One YAML file per modem firmware under `harness/sim/profiles/` (every `*.yaml` there is
//! bundled into the binary by `build.rs`, see [`bundled_profiles`]) or in any directory loaded at
//! run time with [`load_profile_dir`]. Adding a firmware version is adding a file: no code, no
//! list to edit; the default simulated rack gets a board for it. Every behaviour
//! difference carries a `cite` naming the section and source tag of
//! `shared/reference/nrf91-modem-keymgmt.md` it comes from (e.g. `ref §1.3 [F5]`).
//! Facts that are OPEN are not profile data; they are [`Policy`](crate::modem::Policy) knobs.

pub mod current;
#[cfg(test)]
mod declared;
mod files;
mod load;
mod locate;
pub mod provenance;

use std::collections::BTreeMap;
use std::time::Duration;

use hil_model::MfwVersion;
use hil_model::policy::Policy;
use serde::{Deserialize, Serialize};

pub use current::{CurrentFigures, DrawState, Pulse};
pub use load::{
    BUNDLE_DIR, ProfileError, bundled_names, bundled_profile, bundled_profiles, load_profile,
    load_profile_dir, load_profile_files, unbundled_successor,
};
pub use provenance::{Measurement, Provenance, Source};

/// One modem firmware version's behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The firmware, as `AT+CGMR` prints it; also the profile's name and file stem.
    pub mfw: MfwVersion,
    /// Free text: what this profile is, where its facts come from.
    #[serde(default)]
    pub description: String,
    /// What the modem answers to the identification commands.
    pub identity: IdentityStrings,
    /// `+CFUN` modes the firmware accepts (ref §3, §10.4).
    pub cfun_modes: Vec<u8>,
    /// How `%CMNG` behaves.
    pub cmng: Cmng,
    #[serde(default)]
    /// How `%XPMNG` behaves; `None` when the firmware lacks the command.
    pub xpmng: Option<Xpmng>,
    /// How the power-off warning behaves.
    pub pofwarn: Pofwarn,
    /// Which optional commands the firmware has.
    pub commands: Commands,
    /// Items present from the factory, e.g. modem-reserved tags > 2147483647 (ref §1.1 [D1][D2]).
    #[serde(default)]
    pub preinstalled: Vec<Preinstalled>,
    /// How long commands take in realistic timing.
    pub latency: Latency,
    /// Current drawn per state, for the simulated PPK2 (defaults INFERRED, see [`current`]).
    #[serde(default)]
    pub current: CurrentFigures,
    /// OPEN-fact policies measured on hardware for this firmware (`hil characterize`): a board
    /// running the profile starts with them unless its own configuration sets a policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Policy>,
    /// Where each field comes from (characterized profiles only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Identification strings (ref §6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityStrings {
    /// `AT+CGMR` line.
    pub cgmr: String,
    /// `%SHORTSWVER:` value.
    pub shortswver: String,
    /// `%HWVERSION:` value.
    pub hwversion: String,
    /// `AT+CGMM` line.
    pub cgmm: String,
    /// `AT+CGMI` line.
    pub cgmi: String,
    /// Device type number in the `%ATTESTTOKEN` body (nRF Cloud utils' table).
    #[serde(default)]
    pub attest_device_type: u32,
    #[serde(default)]
    /// Where these facts come from (reference citation).
    pub cite: String,
}

/// How the list prints digests (ref §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListDigest {
    /// Upper-case SHA-256 of the stored bytes.
    Sha256,
    /// `<type><type>…` repeated 32 times (`000…0`, `0101…01`, `0202…02`; 0.7.0-29.alpha [F2]).
    Placeholder,
}

/// Content validation of certificate writes (527, ref §1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentCheck {
    /// Types validated (0 and 1 on nRF91x1 ≥ 2.0.2).
    pub types: Vec<u8>,
    #[serde(default)]
    /// Where these facts come from (reference citation).
    pub cite: String,
}

/// `%CMNG` behaviour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cmng {
    /// Types that can be written, read and deleted (ref §1.2).
    pub types: Vec<u8>,
    /// Types that can only be deleted (type 5 before 1.3, ref §1.2 [D3]); write/read → 514.
    #[serde(default)]
    pub delete_only_types: Vec<u8>,
    /// Types whose read is governed by `Policy::secret_read` (ref §1.4).
    pub secret_types: Vec<u8>,
    /// CFUN modes in which write/delete answer 518 (ref §3 [D1]).
    pub active_cfun: Vec<u8>,
    /// What the `%CMNG` list shows as a credential's digest.
    pub list_digest: ListDigest,
    /// 527 validation, if the firmware has it.
    #[serde(default)]
    pub content_check: Option<ContentCheck>,
    /// Whether 519 "already exists" exists for `%CMNG` on this firmware (ref §8).
    pub has_519: bool,
    #[serde(default)]
    /// Where these facts come from (reference citation).
    pub cite: String,
}

/// `%XPMNG` behaviour (ref §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Xpmng {
    /// Highest `<sec_tag>` (9 in the 1.3 doc [D4], 2147483647 in the early doc [D5]).
    pub max_sec_tag: u32,
    /// Public keys present from the factory: `sec_tag → PEM` (0.7.0-29.alpha [F2]).
    #[serde(default)]
    pub factory_keys: BTreeMap<u32, String>,
    /// Code for a write to an occupied slot: 519 seen on 0.7.0-29.alpha [F2] and documented
    /// from 1.3 [D4]; the early doc listed 520 [D5].
    #[serde(default = "default_xpmng_exists")]
    pub exists_code: u16,
    #[serde(default)]
    /// Where these facts come from (reference citation).
    pub cite: String,
}

fn default_xpmng_exists() -> u16 {
    519
}

/// What an active warning does to NVM updates (ref §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningNvm {
    /// `+CME ERROR: 528` (nRF9160 ≥ 1.3.2, nRF91x1).
    #[serde(rename = "refuse_528")]
    Refuse528,
    /// `OK` but nothing stored (1.3.0/1.3.1, battery sample warning [C5]).
    SilentDrop,
}

/// Power-off warning behaviour (ref §4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pofwarn {
    /// Whether `AT%XPOFWARN` exists (nRF9160 ≥ 1.3.1, ref §4.1).
    pub command: bool,
    /// Accepted `<voltage>` codes → mV (30..33 → 3000..3300, ref §4.1 [D6]).
    #[serde(default)]
    pub levels: BTreeMap<u32, u32>,
    /// Enabled at boot with this threshold (nRF91x1: 3000, ref §4.1 [D7]).
    #[serde(default)]
    pub default_mv: Option<u32>,
    /// Fires once, then needs `AT%XPOFWARN=1,<v>` again (nRF91x1, ref §4.1 [D7]).
    #[serde(default)]
    pub one_shot: bool,
    /// What an active warning does to `%CMNG`/`%XPMNG` updates.
    #[serde(default)]
    pub nvm: Option<WarningNvm>,
    /// Built-in fixed check at RX/TX start (ref §4.2 [F3]); `None` to leave it out.
    #[serde(default)]
    pub builtin_check_mv: Option<u32>,
    #[serde(default)]
    /// Where these facts come from (reference citation).
    pub cite: String,
}

/// Which optional commands the firmware has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commands {
    /// `AT%MDMEV` (ref §4.2).
    pub mdmev: bool,
    /// `AT%KEYGEN` and the key types it takes (ref §5 [D9]).
    pub keygen: bool,
    /// `AT%ATTESTTOKEN` (ref §5 [D14]).
    pub attesttoken: bool,
    #[serde(default)]
    /// Where these facts come from (reference citation).
    pub cite: String,
}

/// A factory item in the credential store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preinstalled {
    /// The security tag.
    pub sec_tag: u32,
    #[serde(rename = "type")]
    /// The credential type.
    pub kind: u8,
    /// The stored content.
    pub content: String,
}

/// Realistic-mode processing time per command, ms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Latency {
    /// Commands not listed.
    pub default_ms: u64,
    /// By upper-case name (`%CMNG`) or name + `=` + first parameter (`%CMNG=0`), most specific wins.
    #[serde(default)]
    pub commands: BTreeMap<String, u64>,
}

impl Profile {
    /// The profile's name: the `+CGMR` form of its firmware, e.g. `mfw_nrf9160_1.3.6`.
    pub fn name(&self) -> String {
        self.mfw.to_string()
    }

    /// Processing time of `command` (raw bytes as given to the modem).
    pub fn latency_of(&self, command: &[u8]) -> Duration {
        let ms = crate::modem::parse::name_of(command)
            .and_then(|name| {
                let first = std::str::from_utf8(command)
                    .ok()
                    .and_then(|t| t.split_once('=').map(|(_, r)| r))
                    .and_then(|r| r.split(',').next())
                    .map(|p| format!("{name}={}", p.trim()));
                first
                    .and_then(|k| self.latency.commands.get(&k).copied())
                    .or_else(|| self.latency.commands.get(&name).copied())
            })
            .unwrap_or(self.latency.default_ms);
        Duration::from_millis(ms)
    }

    /// Checks the internal consistency of a profile (called by the loaders).
    pub fn validate(&self) -> Result<(), String> {
        if MfwVersion::parse(&self.identity.cgmr).as_ref() != Ok(&self.mfw) {
            return Err(format!(
                "identity.cgmr `{}` does not match mfw `{}`",
                self.identity.cgmr, self.mfw
            ));
        }
        if self.cfun_modes.is_empty() || !self.cfun_modes.contains(&0) {
            return Err("cfun_modes must contain 0".into());
        }
        if self.pofwarn.command && self.pofwarn.levels.is_empty() {
            return Err(
                "pofwarn.levels must list the voltage codes when the command exists".into(),
            );
        }
        if self.pofwarn.default_mv.is_some() && !self.pofwarn.command {
            return Err("pofwarn.default_mv needs pofwarn.command".into());
        }
        self.current.validate()?;
        for p in &self.preinstalled {
            if p.content.is_empty() {
                return Err(format!(
                    "preinstalled {}/{} has no content",
                    p.sec_tag, p.kind
                ));
            }
        }
        Ok(())
    }
}
