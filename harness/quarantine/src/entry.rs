//! One quarantine entry. Every field is checked while it is read (in `visit_str`), so a bad
//! value is reported at its own line and column, like rack files.

use std::fmt;

use chrono::NaiveDate;
use hil_model::MfwRange;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};

/// One entry: which trials it covers, why, and until when.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// A substring of the trial name `<dut>::<suite>::<case>`, or the whole name with `exact`.
    #[serde(deserialize_with = "non_empty")]
    pub trial: String,
    /// `trial` must match the whole name.
    #[serde(default)]
    pub exact: bool,
    /// Only boards whose modem firmware is in this range (the expectation files' grammar).
    #[serde(default, deserialize_with = "optional_range", skip_serializing)]
    pub mfw: Option<MfwRange>,
    /// Only the board with this name.
    #[serde(default, deserialize_with = "optional_non_empty")]
    pub dut: Option<String>,
    /// Why the trial is quarantined (shown in every report).
    #[serde(deserialize_with = "non_empty")]
    pub reason: String,
    /// Where the problem is tracked.
    #[serde(default, deserialize_with = "optional_non_empty")]
    pub issue: Option<String>,
    /// The last day the entry shields (`YYYY-MM-DD`); after it the entry has expired.
    #[serde(deserialize_with = "date")]
    pub until: NaiveDate,
}

impl Entry {
    /// Whether the entry names the trial `name` of board `dut` running `mfw` (`None`:
    /// unknown, which no `mfw` range contains).
    pub fn covers(&self, name: &str, dut: &str, mfw: Option<&hil_model::MfwVersion>) -> bool {
        let named = if self.exact {
            name == self.trial
        } else {
            name.contains(&self.trial)
        };
        named
            && self.dut.as_deref().is_none_or(|d| d == dut)
            && self
                .mfw
                .as_ref()
                .is_none_or(|range| mfw.is_some_and(|v| range.contains(v)))
    }

    /// Whether the entry no longer shields on `today`.
    pub fn expired(&self, today: NaiveDate) -> bool {
        today > self.until
    }

    /// `trial `x` (reason)`, for messages.
    pub fn describe(&self) -> String {
        format!("trial `{}` ({})", self.trial, self.reason)
    }
}

fn non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    d.deserialize_str(NonEmpty)
}

fn optional_non_empty<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_str(NonEmpty).map(Some)
}

struct NonEmpty;

impl Visitor<'_> for NonEmpty {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-empty string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        if v.trim().is_empty() {
            Err(E::custom("must not be empty"))
        } else {
            Ok(v.to_string())
        }
    }
}

fn optional_range<'de, D: Deserializer<'de>>(d: D) -> Result<Option<MfwRange>, D::Error> {
    struct Range;
    impl Visitor<'_> for Range {
        type Value = MfwRange;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a modem firmware range such as `nrf9160 >=1.3.0, <1.3.2` or `any`")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<MfwRange, E> {
            MfwRange::parse(v).map_err(E::custom)
        }
    }
    d.deserialize_str(Range).map(Some)
}

fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    struct Date;
    impl Visitor<'_> for Date {
        type Value = NaiveDate;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a date YYYY-MM-DD")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
            NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map_err(|e| E::custom(format!("`{v}` is not a date YYYY-MM-DD ({e})")))
        }
    }
    d.deserialize_str(Date)
}
