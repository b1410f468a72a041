//! One device under test: how to reach its console, probe and supply, what it is expected to
//! be (modem firmware, IMEI), and the limits the harness must respect. A DUT may instead be
//! simulated, in which case the lab starts it in-process and fills in port, supply and probe.

use std::fmt;

use hil_model::policy::Policy;
use hil_model::{MfwVersion, SupplyModel};
use schemars::JsonSchema;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::limits::Limits;
use crate::probe::ProbeSelector;
use crate::serial::SerialSpec;
use crate::supply::SupplySpec;
use crate::validate::{Checked, checked_serde};

/// A DUT entry of the rack file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "DutSpec", deny_unknown_fields)]
pub struct DutSpec {
    /// Unique name in the rack (letters, digits, `.`, `_`, `-`); used in reports and file names.
    #[schemars(regex(pattern = r"^[A-Za-z0-9._-]+$"))]
    pub name: String,
    /// Console port. Required unless the DUT is `simulated`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<SerialSpec>,
    /// Debug probe, `VID:PID[:serial]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probe: Option<ProbeSelector>,
    /// Bench supply feeding the DUT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply: Option<SupplySpec>,
    /// Modem firmware the DUT must report (`AT+CGMR`), e.g. `mfw_nrf9160_1.3.6`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::located::optional_mfw"
    )]
    #[schemars(with = "Option<MfwVersion>")]
    pub expected_mfw: Option<MfwVersion>,
    /// IMEI the DUT must report (`AT+CGSN`), 15 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_imei: Option<Imei>,
    /// Supply safety window. Required when a `supply` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<Limits>,
    /// The supply voltage the board runs at between cases (default 3.7 V, clamped to the
    /// limits); must lie within `limits`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nominal_volts: Option<f64>,
    /// Free-form labels for selecting DUTs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Whether the harness may mass-erase the DUT through its probe (recovery). Default false.
    #[serde(default)]
    pub allow_erase_all: bool,
    /// Present for a DUT the lab simulates in-process.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub simulated: Option<SimulatedSpec>,
}

impl DutSpec {
    /// Whether the lab simulates this DUT in-process.
    pub fn is_simulated(&self) -> bool {
        self.simulated.is_some()
    }

    /// Whether the rack file gives this DUT the tag `tag`.
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }
}

/// Whether `name` is usable as a DUT name.
pub(crate) fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("the DUT name is empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(format!(
            "DUT name `{name}` contains {c:?} (use letters, digits, `.`, `_`, `-`)"
        ));
    }
    Ok(())
}

impl Checked for DutSpec {
    const EXPECTING: &'static str = "a DUT (name, serial, probe, supply, ...)";
    fn unchecked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn check(self) -> Result<Self, String> {
        check_name(&self.name)?;
        let name = &self.name;
        if self.is_simulated() {
            for (field, given) in [
                ("serial", self.serial.is_some()),
                ("supply", self.supply.is_some()),
                ("probe", self.probe.is_some()),
            ] {
                if given {
                    return Err(format!(
                        "DUT `{name}` is simulated; the lab provides its {field}, remove `{field}`"
                    ));
                }
            }
        } else {
            if self.serial.is_none() {
                return Err(format!(
                    "DUT `{name}` has no serial port: add `serial: <path>` (or a `simulated:` section)"
                ));
            }
            if self.supply.is_some() && self.limits.is_none() {
                return Err(format!(
                    "DUT `{name}` has a supply but no `limits` (min_volts, max_volts, max_amps)"
                ));
            }
        }
        if let Some(volts) = self.nominal_volts {
            match &self.limits {
                _ if !volts.is_finite() || volts <= 0.0 => {
                    return Err(format!(
                        "DUT `{name}`: nominal_volts {volts} is not a voltage"
                    ));
                }
                Some(l) if !l.allows_volts(volts) => {
                    return Err(format!(
                        "DUT `{name}`: nominal_volts {volts} is outside its limits ({} to {} V)",
                        l.min_volts, l.max_volts
                    ));
                }
                _ => {}
            }
        }
        if let Some(t) = self.tags.iter().find(|t| t.trim().is_empty()) {
            return Err(format!("DUT `{name}` has an empty tag {t:?}"));
        }
        Ok(self)
    }
}

checked_serde!(DutSpec);

/// A DUT the lab starts in-process from a simulator profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "SimulatedSpec", deny_unknown_fields)]
pub struct SimulatedSpec {
    /// Simulator profile (a modem firmware), e.g. `mfw_nrf9160_1.3.6`.
    #[schemars(regex(pattern = r"^\S+$"))]
    pub profile: String,
    /// Which simulated supply feeds it (e.g. `generic-scpi`, `rigol-dp800`, `korad`); the
    /// simulator's default (`generic-scpi`) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supply_model: Option<SupplyModel>,
    /// Model an old at_host line discipline in front of the modem. Default false.
    #[serde(default)]
    pub legacy_host: bool,
    /// Simulator policies for the modem behaviours the reference leaves OPEN, and fault
    /// injection; every knob not given keeps its default.
    #[serde(default, skip_serializing_if = "is_default_policy")]
    pub policy: Policy,
}

fn is_default_policy(policy: &Policy) -> bool {
    *policy == Policy::default()
}

impl Checked for SimulatedSpec {
    const EXPECTING: &'static str = "a simulated DUT (profile, supply_model, legacy_host, policy)";
    fn unchecked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn check(self) -> Result<Self, String> {
        if self.profile.is_empty() || self.profile.chars().any(char::is_whitespace) {
            return Err(format!(
                "profile `{}` is not a simulator profile name (e.g. mfw_nrf9160_1.3.6)",
                self.profile
            ));
        }
        Ok(self)
    }
}

checked_serde!(SimulatedSpec);

/// A 15-digit IMEI. May be written quoted or as a plain number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Imei(String);

impl Imei {
    /// Reads an IMEI; refuses anything but exactly 15 ASCII digits.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.len() == 15 && text.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Imei(text.to_string()))
        } else {
            Err(format!("IMEI `{text}` is not 15 digits"))
        }
    }

    /// The IMEI's 15 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Imei {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Imei {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Imei {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Imei;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a 15-digit IMEI")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Imei, E> {
                Imei::parse(v).map_err(E::custom)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Imei, E> {
                Imei::parse(&v.to_string()).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Imei, E> {
                Imei::parse(&v.to_string()).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for Imei {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Imei".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "15-digit IMEI as printed by AT+CGSN",
            "oneOf": [
                { "type": "string", "pattern": "^[0-9]{15}$" },
                { "type": "integer", "minimum": 100000000000000_u64, "maximum": 999999999999999_u64 }
            ]
        })
    }
}
