//! Deserializers for field types whose own `Deserialize` validates *after* reading the string
//! (so `serde_yaml_ng` would locate their errors at the enclosing mapping). These validate
//! inside `visit_str`, so the error carries the field's own line and path.

use std::fmt;

use hil_model::MfwVersion;
use serde::Deserializer;
use serde::de::{self, Visitor};

/// `Option<MfwVersion>` with the parse error located at the value.
pub(crate) fn optional_mfw<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<MfwVersion>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<MfwVersion>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a modem firmware name such as mfw_nrf9160_1.3.6")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_str(Mfw).map(Some)
        }
    }
    struct Mfw;
    impl Visitor<'_> for Mfw {
        type Value = MfwVersion;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a modem firmware name such as mfw_nrf9160_1.3.6")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<MfwVersion, E> {
            MfwVersion::parse(v).map_err(E::custom)
        }
    }
    d.deserialize_option(Opt)
}

/// `Option<u32>` of at least 1 (`maintenance_after`), with a 0 refused at the value.
pub(crate) fn optional_at_least_one<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<u32>, D::Error> {
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number of at least 1")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_u32(AtLeastOne).map(Some)
        }
    }
    struct AtLeastOne;
    impl Visitor<'_> for AtLeastOne {
        type Value = u32;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number of at least 1")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u32, E> {
            match u32::try_from(v) {
                Ok(0) => Err(E::custom("must be at least 1")),
                Ok(n) => Ok(n),
                Err(_) => Err(E::custom(format!("{v} is too large"))),
            }
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u32, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::custom("must be at least 1")),
            }
        }
    }
    d.deserialize_option(Opt)
}
