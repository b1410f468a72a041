//! Modem firmware versions (`AT+CGMR` strings) and the version ranges used in data files.
//!
//! Grammar (ref §6, INFERRED from observed strings):
//! `^(mfw|mfw-pti)_(nrf9160|nrf91x1|nrf9151-ntn)_<major>.<minor>.<patch>(-<pre>)?$`.
//! Pre-release builds such as `mfw_nrf9160_0.7.0-29.alpha` order before their release, as in
//! semver; unlike semver requirements, a range `<1.0.0` *does* include pre-releases.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The SiP family a modem firmware build is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// nRF9160 SiP (`nrf9160`).
    Nrf9160,
    /// nRF91x1 SiPs (`nrf91x1`).
    Nrf91x1,
    /// nRF9151 NTN SiP (`nrf9151-ntn`).
    Nrf9151Ntn,
}

impl Family {
    /// The family as written in firmware names and ranges.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Nrf9160 => "nrf9160",
            Family::Nrf91x1 => "nrf91x1",
            Family::Nrf9151Ntn => "nrf9151-ntn",
        }
    }
}

impl fmt::Display for Family {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Family {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "nrf9160" => Ok(Family::Nrf9160),
            "nrf91x1" => Ok(Family::Nrf91x1),
            "nrf9151-ntn" => Ok(Family::Nrf9151Ntn),
            other => Err(VersionError::UnknownFamily(other.to_string())),
        }
    }
}

/// Why a version or range string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VersionError {
    #[error("`{0}` is not a modem firmware name (expected e.g. mfw_nrf9160_1.3.6)")]
    /// The text does not have the `mfw[-pti]_<family>_<version>` form.
    NotMfw(String),
    #[error("unknown SiP family `{0}` (expected nrf9160, nrf91x1 or nrf9151-ntn)")]
    /// The family part names no known SiP family.
    UnknownFamily(String),
    #[error("bad version number `{0}`: {1}")]
    /// The version number is not valid semver (number, reason).
    BadNumber(String, String),
    #[error("bad version range `{0}`: {1}")]
    /// The range does not parse (range, reason).
    BadRange(String, String),
}

/// A parsed modem firmware identification, e.g. `mfw_nrf9160_1.3.6`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MfwVersion {
    /// `true` for `mfw-pti_…` (pre-type-approval) builds.
    pub pti: bool,
    /// The SiP family the build is for.
    pub family: Family,
    /// The firmware version, with any pre-release part.
    pub version: semver::Version,
}

impl MfwVersion {
    /// Parses a `+CGMR` revision line or a firmware package name.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let text = text.trim();
        let (prefix, rest) = text
            .split_once('_')
            .ok_or_else(|| VersionError::NotMfw(text.to_string()))?;
        let pti = match prefix {
            "mfw" => false,
            "mfw-pti" => true,
            _ => return Err(VersionError::NotMfw(text.to_string())),
        };
        let (family, number) = rest
            .split_once('_')
            .ok_or_else(|| VersionError::NotMfw(text.to_string()))?;
        let family: Family = family.parse()?;
        let version = semver::Version::parse(number)
            .map_err(|e| VersionError::BadNumber(number.to_string(), e.to_string()))?;
        Ok(MfwVersion {
            pti,
            family,
            version,
        })
    }

    /// The `%SHORTSWVER` form, e.g. `nrf9160_1.3.6`.
    pub fn short(&self) -> String {
        format!("{}_{}", self.family, self.version)
    }

    /// True when `self` is `major.minor.patch` or later within the same family.
    pub fn at_least(&self, family: Family, major: u64, minor: u64, patch: u64) -> bool {
        self.family == family
            && cmp_loose(&self.version, &semver::Version::new(major, minor, patch))
                != Ordering::Less
    }
}

impl fmt::Display for MfwVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = if self.pti { "mfw-pti" } else { "mfw" };
        write!(f, "{prefix}_{}_{}", self.family, self.version)
    }
}

impl FromStr for MfwVersion {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MfwVersion::parse(s)
    }
}

impl Serialize for MfwVersion {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MfwVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        MfwVersion::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for MfwVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MfwVersion".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": r"^(mfw|mfw-pti)_(nrf9160|nrf91x1|nrf9151-ntn)_\d+\.\d+\.\d+(-[A-Za-z0-9.\-]+)?$",
            "description": "Modem firmware as printed by AT+CGMR, e.g. mfw_nrf9160_1.3.6"
        })
    }
}

/// Orders versions by semver precedence but ignores build metadata.
fn cmp_loose(a: &semver::Version, b: &semver::Version) -> Ordering {
    (a.major, a.minor, a.patch)
        .cmp(&(b.major, b.minor, b.patch))
        .then_with(|| a.pre.cmp(&b.pre))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparator {
    op: Op,
    version: semver::Version,
    /// A bare `major.minor` or `major` bound: compares only those parts (`=1.3` is any 1.3.x).
    parts: u8,
}

impl Comparator {
    fn matches(&self, v: &semver::Version) -> bool {
        let ord = match self.parts {
            1 => v.major.cmp(&self.version.major),
            2 => (v.major, v.minor).cmp(&(self.version.major, self.version.minor)),
            _ => cmp_loose(v, &self.version),
        };
        match self.op {
            Op::Eq => ord == Ordering::Equal,
            Op::Lt => ord == Ordering::Less,
            Op::Le => ord != Ordering::Greater,
            Op::Gt => ord == Ordering::Greater,
            Op::Ge => ord != Ordering::Less,
        }
    }
}

/// A set of modem firmware versions, written in data files as
/// `<family> <comparators>` or `any`.
///
/// Examples: `nrf9160 >=1.3.2`, `nrf9160 >=1.3.0, <1.3.2`, `nrf91x1 *`, `nrf9160 =1.3`, `any`.
/// Comparators are AND-ed; several ranges can be OR-ed with `||`
/// (`nrf9160 >=1.3.2 || nrf91x1 *`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MfwRange {
    text: String,
    alternatives: Vec<(Option<Family>, Vec<Comparator>)>,
}

impl MfwRange {
    /// Reads a range in the `<family> <comparators>` / `any` form, `||`-separated.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        let bad = |why: &str| VersionError::BadRange(text.to_string(), why.to_string());
        let mut alternatives = Vec::new();
        for alt in text.split("||") {
            let alt = alt.trim();
            if alt.is_empty() {
                return Err(bad("empty alternative around `||`"));
            }
            if alt == "any" || alt == "*" {
                alternatives.push((None, Vec::new()));
                continue;
            }
            let (family, rest) = match alt.split_once(char::is_whitespace) {
                Some((f, r)) => (f, r.trim()),
                None => (alt, "*"),
            };
            let family: Family = family
                .parse()
                .map_err(|e: VersionError| bad(&e.to_string()))?;
            let mut comparators = Vec::new();
            if rest != "*" {
                for part in rest.split(',') {
                    comparators.push(parse_comparator(part.trim()).map_err(|why| bad(&why))?);
                }
            }
            alternatives.push((Some(family), comparators));
        }
        Ok(MfwRange {
            text: text.trim().to_string(),
            alternatives,
        })
    }

    /// Every version.
    pub fn any() -> Self {
        MfwRange::parse("any").expect("`any` is a valid range")
    }

    /// Whether `v` is in the range (its family matches and every comparator holds, for some alternative).
    pub fn contains(&self, v: &MfwVersion) -> bool {
        self.alternatives.iter().any(|(family, comparators)| {
            family.is_none_or(|f| f == v.family)
                && comparators.iter().all(|c| c.matches(&v.version))
        })
    }

    /// The range as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn parse_comparator(text: &str) -> Result<Comparator, String> {
    let (op, number) = if let Some(n) = text.strip_prefix(">=") {
        (Op::Ge, n)
    } else if let Some(n) = text.strip_prefix("<=") {
        (Op::Le, n)
    } else if let Some(n) = text.strip_prefix('>') {
        (Op::Gt, n)
    } else if let Some(n) = text.strip_prefix('<') {
        (Op::Lt, n)
    } else if let Some(n) = text.strip_prefix('=') {
        (Op::Eq, n)
    } else {
        (Op::Eq, text)
    };
    let number = number.trim();
    if number.is_empty() {
        return Err(format!("comparator `{text}` has no version"));
    }
    let parts = number.split('-').next().unwrap_or("").split('.').count();
    let padded = match parts {
        1 => format!("{number}.0.0"),
        2 => format!("{number}.0"),
        _ => number.to_string(),
    };
    let version = semver::Version::parse(&padded).map_err(|e| format!("`{number}`: {e}"))?;
    Ok(Comparator {
        op,
        version,
        parts: parts.min(3) as u8,
    })
}

impl fmt::Display for MfwRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for MfwRange {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        MfwRange::parse(s)
    }
}

impl Serialize for MfwRange {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for MfwRange {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        MfwRange::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl schemars::JsonSchema for MfwRange {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "MfwRange".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Modem firmware range, e.g. `nrf9160 >=1.3.2`, `nrf91x1 *`, `any`"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("mfw_nrf9160_1.3.6", false, Family::Nrf9160, "1.3.6")]
    #[case("mfw_nrf9160_0.7.0-29.alpha", false, Family::Nrf9160, "0.7.0-29.alpha")]
    #[case("mfw_nrf91x1_2.0.2", false, Family::Nrf91x1, "2.0.2")]
    #[case("mfw-pti_nrf91x1_2.3.8", true, Family::Nrf91x1, "2.3.8")]
    #[case(
        "mfw_nrf9151-ntn_1.0.0-1.alpha",
        false,
        Family::Nrf9151Ntn,
        "1.0.0-1.alpha"
    )]
    #[case("  mfw_nrf9160_1.1.1\r\n", false, Family::Nrf9160, "1.1.1")]
    fn parses_cgmr_strings(
        #[case] text: &str,
        #[case] pti: bool,
        #[case] family: Family,
        #[case] version: &str,
    ) {
        let v = MfwVersion::parse(text).unwrap();
        assert_eq!(v.pti, pti);
        assert_eq!(v.family, family);
        assert_eq!(v.version.to_string(), version);
        assert_eq!(v.to_string(), text.trim());
    }

    #[rstest]
    #[case("")]
    #[case("nrf9160_1.3.6")]
    #[case("mfw_nrf9999_1.3.6")]
    #[case("mfw_nrf9160_1.3")]
    #[case("mfw_nrf9160")]
    fn refuses_non_mfw_strings(#[case] text: &str) {
        assert!(MfwVersion::parse(text).is_err(), "{text} should not parse");
    }

    #[rstest]
    #[case("nrf9160 >=1.3.2", "mfw_nrf9160_1.3.6", true)]
    #[case("nrf9160 >=1.3.2", "mfw_nrf9160_1.3.1", false)]
    #[case("nrf9160 >=1.3.2", "mfw_nrf91x1_2.0.2", false)]
    #[case("nrf9160 >=1.3.0, <1.3.2", "mfw_nrf9160_1.3.1", true)]
    #[case("nrf9160 >=1.3.0, <1.3.2", "mfw_nrf9160_1.3.2", false)]
    #[case("nrf9160 <1.0.0", "mfw_nrf9160_0.7.0-29.alpha", true)]
    #[case("nrf9160 =1.2", "mfw_nrf9160_1.2.3", true)]
    #[case("nrf9160 =1.2", "mfw_nrf9160_1.3.0", false)]
    #[case("nrf91x1 *", "mfw_nrf91x1_2.0.0", true)]
    #[case("nrf91x1", "mfw_nrf91x1_2.0.0", true)]
    #[case("nrf9160 >=1.3.2 || nrf91x1 *", "mfw_nrf91x1_2.0.0", true)]
    #[case("any", "mfw_nrf9160_0.7.0-29.alpha", true)]
    #[case("nrf91x1 >=2.0.2", "mfw_nrf91x1_2.0.0", false)]
    fn ranges_match(#[case] range: &str, #[case] version: &str, #[case] inside: bool) {
        let r = MfwRange::parse(range).unwrap();
        let v = MfwVersion::parse(version).unwrap();
        assert_eq!(r.contains(&v), inside, "{range} vs {version}");
    }

    #[rstest]
    #[case("")]
    #[case("nrf9160 >=")]
    #[case("nrf9999 >=1.0.0")]
    #[case("nrf9160 >=1.x")]
    #[case("nrf9160 >=1.0 ||")]
    fn refuses_bad_ranges(#[case] range: &str) {
        assert!(MfwRange::parse(range).is_err(), "{range} should not parse");
    }

    #[test]
    fn prerelease_orders_before_release() {
        let alpha = MfwVersion::parse("mfw_nrf9160_1.0.0-1.alpha").unwrap();
        assert!(!alpha.at_least(Family::Nrf9160, 1, 0, 0));
        assert!(alpha.at_least(Family::Nrf9160, 0, 9, 9));
    }
}
