//! Validation inside deserialization, so the YAML deserializer locates semantic errors.
//!
//! `serde_yaml_ng` attaches the line, column and path of the value being deserialized to an
//! error raised *while* that value's mapping is being visited. An error raised afterwards (as
//! `#[serde(try_from)]` does) would be located at the parent instead. So every checked type
//! derives its field-by-field deserializer as an inherent function (`#[serde(remote = "Self")]`)
//! and [`deserialize_checked`] runs that and the type's check inside one `visit_map`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// A mapping-shaped type with a semantic check beyond its field types.
pub(crate) trait Checked: Sized {
    /// What the value is, for "invalid type: expected …" messages.
    const EXPECTING: &'static str;
    /// Field-by-field deserialization without the check (the derived inherent function).
    fn unchecked<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    /// The semantic check; the message becomes the error text at this value's location.
    fn check(self) -> Result<Self, String>;
}

/// Deserializes a [`Checked`] type from a mapping and checks it while still inside the mapping.
pub(crate) fn deserialize_checked<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Checked,
{
    d.deserialize_map(CheckedVisitor::<T>(PhantomData))
}

struct CheckedVisitor<T>(PhantomData<T>);

impl<'de, T: Checked> Visitor<'de> for CheckedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::unchecked(MapAccessDeserializer::new(map))?
            .check()
            .map_err(de::Error::custom)
    }
}

/// Implements `Serialize` and `Deserialize` for a `#[serde(remote = "Self")]` type that
/// implements [`Checked`].
macro_rules! checked_serde {
    ($ty:ident) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, s)
            }
        }
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::validate::deserialize_checked(d)
            }
        }
    };
}
pub(crate) use checked_serde;
