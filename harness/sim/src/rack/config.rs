//! Configuration of the simulated rack: which boards, with which modem firmware, supply and
//! firmware-under-test options. Built by the lab from a rack file's `simulated:` entries (or
//! one board per bundled profile), and read from YAML by `hil sim --config`: strict about
//! unknown fields, every field but `name` and `profile` optional.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::error::SimError;
use crate::dut::{DEFAULT_FW_ID, DutOptions, LegacyHostOptions, Supervisor};
use crate::modem::Policy;
use crate::profile::bundled_names;
use crate::supply::SupplyModel;
use crate::timing::Timing;

/// Supply voltage a simulated rail starts at, volts (inside the nRF9160's 3.0–5.5 V range,
/// ref instruments §6; the modem model assumes 3.7 V until told otherwise).
pub const DEFAULT_SUPPLY_VOLTS: f64 = 3.7;

/// One simulated board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimDutConfig {
    /// Short, unique, stable name (`[A-Za-z0-9._-]`), e.g. `sim-1.3.6`.
    pub name: String,
    /// Modem firmware profile, e.g. `mfw_nrf9160_1.3.6`.
    pub profile: String,
    /// The simulated bench supply wired to the board.
    #[serde(default)]
    pub supply: SupplyModel,
    /// Frame input with the old `at_host` line discipline (ref §7.3 (a)) instead of the
    /// firmware's console.
    #[serde(default)]
    pub legacy_host: bool,
    /// Buffer size and era of the legacy host (used with `legacy_host: true`).
    #[serde(default)]
    pub legacy: LegacyHostOptions,
    /// Overrides of the modem's OPEN-fact behaviours.
    #[serde(default)]
    pub policy: Policy,
    /// UART baud rate.
    #[serde(default = "default_baud")]
    pub baud: u32,
    /// Seed of the modem identity (IMEI, UUID, attestation key); default: the name.
    #[serde(default)]
    pub seed: Option<String>,
    /// Fixed IMEI (15 digits, valid Luhn check digit) instead of the seeded one.
    #[serde(default)]
    pub imei: Option<String>,
    /// Firmware id of the image the board ships with.
    #[serde(default = "default_fw_id")]
    pub fw_id: String,
    /// Console idle timeout, ms (firmware.md §4 rule 6).
    #[serde(default = "default_idle_ms")]
    pub idle_timeout_ms: u64,
    /// Firmware's wait for a modem answer, ms (firmware.md §3).
    #[serde(default = "default_modem_timeout_ms")]
    pub modem_timeout_ms: u64,
    /// Brown-out / power-on thresholds.
    #[serde(default)]
    pub supervisor: Supervisor,
    /// Supply voltage at start, volts (output on).
    #[serde(default = "default_volts")]
    pub volts: f64,
    /// Fault injection: the board starts wedged (no echo, no answer, no URC) until a power
    /// cycle through its supply, a probe reset or an image install — a board that fails at the
    /// infrastructure level, for board-health tests.
    #[serde(default)]
    pub frozen: bool,
}

fn default_baud() -> u32 {
    115_200
}
fn default_fw_id() -> String {
    DEFAULT_FW_ID.to_owned()
}
fn default_idle_ms() -> u64 {
    u64::from(at_console::IDLE_TIMEOUT_MS)
}
fn default_modem_timeout_ms() -> u64 {
    u64::from(at_console::MODEM_TIMEOUT_MS)
}
fn default_volts() -> f64 {
    DEFAULT_SUPPLY_VOLTS
}

impl SimDutConfig {
    /// A board called `name` running modem firmware `profile`, everything else default.
    pub fn new(name: impl Into<String>, profile: impl Into<String>) -> Self {
        SimDutConfig {
            name: name.into(),
            profile: profile.into(),
            supply: SupplyModel::default(),
            legacy_host: false,
            legacy: LegacyHostOptions::default(),
            policy: Policy::default(),
            baud: default_baud(),
            seed: None,
            imei: None,
            fw_id: default_fw_id(),
            idle_timeout_ms: default_idle_ms(),
            modem_timeout_ms: default_modem_timeout_ms(),
            supervisor: Supervisor::default(),
            volts: default_volts(),
            frozen: false,
        }
    }

    /// The identity seed: `seed`, or the name.
    pub fn identity_seed(&self) -> &str {
        self.seed.as_deref().unwrap_or(&self.name)
    }

    /// The board options this configuration gives under `timing`.
    pub fn dut_options(&self, timing: Timing) -> DutOptions {
        DutOptions {
            fw_id: self.fw_id.clone(),
            baud: self.baud,
            timing,
            idle_timeout: Duration::from_millis(self.idle_timeout_ms),
            modem_timeout: Duration::from_millis(self.modem_timeout_ms),
            supervisor: self.supervisor,
            legacy_host: self.legacy_host.then(|| self.legacy.clone()),
            ..DutOptions::new(self.name.clone())
        }
    }
}

/// The whole simulated rack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimRackConfig {
    /// The simulated boards.
    pub duts: Vec<SimDutConfig>,
    #[serde(default)]
    /// Whether the boards and supplies run with realistic or fast timing.
    pub timing: Timing,
    /// Directories of extra modem profiles (`*.yaml`), added to the bundled ones: a file
    /// replaces the bundled profile of the same firmware; two directories with the same
    /// firmware are refused.
    #[serde(default)]
    pub profile_dirs: Vec<PathBuf>,
    /// Also expose each board's serial port as `<link_dir>/<name>` (a symlink to its pty).
    #[serde(default)]
    pub link_dir: Option<PathBuf>,
}

impl SimRackConfig {
    /// One board per bundled modem profile, named after it (`mfw_nrf9160_1.3.6` → `sim-1.3.6`).
    /// The profiles are named by their files, not parsed: a broken one is an error of
    /// [`SimRack::start`](crate::rack::SimRack::start) naming the file.
    pub fn default_rack(timing: Timing) -> Self {
        Self::one_board_each(&bundled_names(), timing)
    }

    /// One board per profile, bundled or in `profile_dirs` (which the rack then loads its
    /// profiles from): a characterized firmware in a directory gets a board of its own.
    pub fn default_rack_with(timing: Timing, profile_dirs: &[PathBuf]) -> Result<Self, SimError> {
        let names = Catalog::load(profile_dirs)?.names();
        let mut cfg = Self::one_board_each(&names, timing);
        cfg.profile_dirs = profile_dirs.to_vec();
        Ok(cfg)
    }

    fn one_board_each(names: &[String], timing: Timing) -> Self {
        let short = short_names(names);
        SimRackConfig {
            duts: names
                .iter()
                .zip(short)
                .map(|(profile, name)| SimDutConfig::new(name, profile.clone()))
                .collect(),
            timing,
            profile_dirs: Vec::new(),
            link_dir: None,
        }
    }
}

/// Short board names for profile names: `sim-<version>`, or `sim-<chip>-<version>` where two
/// chips share a version. `mfw_nrf9160_1.3.6` → `sim-1.3.6`.
pub fn short_names(profiles: &[String]) -> Vec<String> {
    let split = |p: &str| -> (String, String) {
        let rest = p.strip_prefix("mfw_").unwrap_or(p);
        match rest.split_once('_') {
            Some((chip, version)) => (chip.to_owned(), version.to_owned()),
            None => (String::new(), rest.to_owned()),
        }
    };
    let parts: Vec<(String, String)> = profiles.iter().map(|p| split(p)).collect();
    parts
        .iter()
        .map(|(chip, version)| {
            let shared = parts.iter().filter(|(_, v)| v == version).count() > 1;
            if shared && !chip.is_empty() {
                format!("sim-{chip}-{version}")
            } else {
                format!("sim-{version}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_versions_unless_two_chips_share_one() {
        let names = short_names(&[
            "mfw_nrf9160_1.3.6".into(),
            "mfw_nrf9160_2.0.0".into(),
            "mfw_nrf91x1_2.0.0".into(),
            "custom".into(),
        ]);
        assert_eq!(
            names,
            [
                "sim-1.3.6",
                "sim-nrf9160-2.0.0",
                "sim-nrf91x1-2.0.0",
                "sim-custom"
            ]
        );
    }

    #[test]
    fn default_rack_has_one_board_per_bundled_profile() {
        let rack = SimRackConfig::default_rack(Timing::Fast);
        assert_eq!(rack.duts.len(), bundled_names().len());
        assert!(
            rack.duts
                .iter()
                .any(|d| d.name == "sim-1.3.6" && d.profile == "mfw_nrf9160_1.3.6")
        );
        let mut names: Vec<_> = rack.duts.iter().map(|d| &d.name).collect();
        names.dedup();
        assert_eq!(names.len(), rack.duts.len());
    }

    #[test]
    fn a_minimal_yaml_board_gets_every_default_and_typos_are_refused() {
        let cfg: SimRackConfig =
            serde_yaml_ng::from_str("duts:\n  - name: a\n    profile: mfw_nrf9160_1.3.6\n")
                .unwrap();
        assert_eq!(cfg.duts[0], SimDutConfig::new("a", "mfw_nrf9160_1.3.6"));
        assert_eq!(cfg.timing, Timing::Fast);
        let err = serde_yaml_ng::from_str::<SimRackConfig>(
            "duts:\n  - name: a\n    profile: p\n    legacyhost: true\n",
        )
        .unwrap_err();
        assert!(err.to_string().contains("legacyhost"), "{err}");
    }

    #[test]
    fn overrides_reach_the_board_options() {
        let cfg: SimDutConfig = serde_yaml_ng::from_str(
            "name: old\nprofile: mfw_nrf9160_0.7.0-29.alpha\nlegacy_host: true\n\
             legacy: { buffer: 1024, era: pr-1657 }\nsupply: korad\nbaud: 9600\n\
             modem_timeout_ms: 500\npolicy: { modem_waits_for_quote: true }\n",
        )
        .unwrap();
        let o = cfg.dut_options(Timing::Realistic);
        assert_eq!(o.baud, 9600);
        assert_eq!(o.modem_timeout, Duration::from_millis(500));
        assert_eq!(o.legacy_host.map(|l| l.buffer), Some(1024));
        assert_eq!(cfg.supply, SupplyModel::Korad);
        assert!(cfg.policy.modem_waits_for_quote);
    }
}
