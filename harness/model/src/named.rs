//! Enums whose values have one written name each (in rack files, on the command line, in
//! reports): the names are spelled once, in [`named_enum!`], and every conversion — `ALL`,
//! `as_str`, `Display`, `FromStr`, serde and the JSON Schema that lets editors complete them —
//! comes from that one list.

use std::fmt;

/// A name that is none of an enum's names; lists the valid ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What was being named, e.g. `supply model`.
    pub what: &'static str,
    /// The text given.
    pub given: String,
    /// Every valid name.
    pub valid: &'static [&'static str],
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}` (valid: {})",
            self.what,
            self.given,
            self.valid.join(", ")
        )
    }
}

impl std::error::Error for UnknownName {}

/// The value of `all` whose name (by `name`) is `given`, or an [`UnknownName`] listing `names`.
pub(crate) fn lookup<T: Copy>(
    what: &'static str,
    given: &str,
    all: &[T],
    names: &'static [&'static str],
    name: impl Fn(T) -> &'static str,
) -> Result<T, UnknownName> {
    all.iter()
        .copied()
        .find(|v| name(*v) == given)
        .ok_or_else(|| UnknownName {
            what,
            given: given.to_owned(),
            valid: names,
        })
}

/// Deserializes a name with `parse`, refusing others with serde's `unknown variant` error
/// (which lists `names`) raised inside `visit_str`, so a YAML deserializer locates it at the
/// value itself.
pub(crate) fn deserialize_name<'de, D, T>(
    d: D,
    expecting: &'static str,
    names: &'static [&'static str],
    parse: fn(&str) -> Option<T>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct V<T> {
        expecting: &'static str,
        names: &'static [&'static str],
        parse: fn(&str) -> Option<T>,
    }
    impl<T> serde::de::Visitor<'_> for V<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a {} name", self.expecting)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            (self.parse)(v).ok_or_else(|| E::unknown_variant(v, self.names))
        }
    }
    d.deserialize_str(V {
        expecting,
        names,
        parse,
    })
}

/// The JSON Schema of a name: a string that is one of `names`, each with its description
/// (`(name, description)` pairs), so editors complete and explain them.
pub(crate) fn name_schema(what: &str, names: &[(&str, &str)]) -> schemars::Schema {
    let one_of: Vec<schemars::Schema> = names
        .iter()
        .map(|(name, description)| {
            schemars::json_schema!({ "const": name, "description": description, "type": "string" })
        })
        .collect();
    let list: Vec<&str> = names.iter().map(|(name, _)| *name).collect();
    schemars::json_schema!({
        "description": format!("A {what}: one of {}.", list.join(", ")),
        "type": "string",
        "oneOf": one_of,
    })
}

/// Defines a fieldless enum with one written name and one description per variant
/// (`Variant => "name": "description",`; the description is also the variant's rustdoc), plus
/// `ALL`, `NAMES`, `as_str`, `description`, `Display`, `FromStr` ([`UnknownName`]), serde as
/// the name, and a `JsonSchema` listing every name with its description.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $ty:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident => $name:literal : $doc:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $ty {
            $( #[doc = $doc] $(#[$vmeta])* $variant, )+
        }

        impl $ty {
            /// Every value, in the order of [`Self::NAMES`].
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            /// Every name, as written in rack files and on the command line.
            pub const NAMES: &'static [&'static str] = &[$($name),+];
            /// What a value of this type is, in messages.
            pub const WHAT: &'static str = $what;

            /// The name, as written in rack files and on the command line.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            /// What the value means, for help texts and the JSON Schema.
            pub const fn description(self) -> &'static str {
                match self {
                    $($ty::$variant => $doc,)+
                }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::named::UnknownName;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $crate::named::lookup($what, s, Self::ALL, Self::NAMES, Self::as_str)
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::named::deserialize_name(d, $what, Self::NAMES, |s| s.parse().ok())
            }
        }

        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let names: Vec<(&str, &str)> =
                    Self::ALL.iter().map(|v| (v.as_str(), v.description())).collect();
                $crate::named::name_schema($what, &names)
            }
        }
    };
}
pub(crate) use named_enum;
