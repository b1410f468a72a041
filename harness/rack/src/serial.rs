//! The DUT's console port: a path (ptys, symlinks and `/dev/serial/by-id/...` are all fine)
//! or a network port (`rfc2217://host:port`, `tcp://host:port`), and a baud rate. Written either as a bare path or as `{ port: <path>, baud: <n> }`.

use std::fmt;
use std::path::PathBuf;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

/// The baud rate used when the file gives none.
pub const DEFAULT_BAUD: u32 = 115_200;

/// A serial port and its baud rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SerialSpec {
    /// The serial device, e.g. `/dev/ttyACM0`.
    pub port: PathBuf,
    /// The baud rate.
    pub baud: u32,
}

impl SerialSpec {
    /// The highest console baud rate a rack file (or `hil at --baud`) may give.
    pub const MAX_BAUD: u32 = 12_000_000;

    /// A port at [`DEFAULT_BAUD`].
    pub fn new(port: impl Into<PathBuf>) -> Self {
        SerialSpec {
            port: port.into(),
            baud: DEFAULT_BAUD,
        }
    }

    fn check(self) -> Result<Self, String> {
        if self.port.as_os_str().is_empty() {
            return Err("the serial port path is empty".into());
        }
        // A device path, or a network serial port (rfc2217://host:port, tcp://host:port).
        hil_rfc2217::PortSpec::parse(&self.port.to_string_lossy()).map_err(|e| e.to_string())?;
        Self::check_baud(self.baud)?;
        Ok(self)
    }

    /// A console baud rate the rack file accepts (1 to [`SerialSpec::MAX_BAUD`]); the command
    /// line checks `--baud` with the same rule.
    pub fn check_baud(baud: u32) -> Result<u32, String> {
        if baud == 0 || baud > Self::MAX_BAUD {
            return Err(format!(
                "baud {baud} is out of range (1 to {})",
                Self::MAX_BAUD
            ));
        }
        Ok(baud)
    }
}

/// The long form as written in the file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Long {
    port: PathBuf,
    #[serde(default = "default_baud")]
    baud: u32,
}

fn default_baud() -> u32 {
    DEFAULT_BAUD
}

impl<'de> Deserialize<'de> for SerialSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SerialSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a serial port path, or { port: <path>, baud: <rate> }")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SerialSpec, E> {
                SerialSpec::new(v).check().map_err(E::custom)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<SerialSpec, A::Error> {
                let long = Long::deserialize(MapAccessDeserializer::new(map))?;
                SerialSpec {
                    port: long.port,
                    baud: long.baud,
                }
                .check()
                .map_err(de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl schemars::JsonSchema for SerialSpec {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SerialSpec".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Console port: a path (e.g. /dev/serial/by-id/usb-SEGGER_J-Link_000960012345-if00) or a network port (rfc2217://host:port, tcp://host:port), or { port, baud }. Baud defaults to 115200.",
            "oneOf": [
                { "type": "string", "minLength": 1 },
                {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["port"],
                    "properties": {
                        "port": { "type": "string", "minLength": 1 },
                        "baud": { "type": "integer", "minimum": 1, "maximum": 12000000, "default": 115200 }
                    }
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn console_ports_may_be_network_urls() {
        let spec: SerialSpec = serde_yaml_ng::from_str("rfc2217://rack-host-1:4001").unwrap();
        assert_eq!(spec.port, PathBuf::from("rfc2217://rack-host-1:4001"));
        let long: SerialSpec =
            serde_yaml_ng::from_str("{ port: \"tcp://rack-host-1:4002\", baud: 9600 }").unwrap();
        assert_eq!(long.baud, 9600);
        let e = serde_yaml_ng::from_str::<SerialSpec>("rfc2217://rack-host-1").unwrap_err();
        assert!(e.to_string().contains("port is required"), "{e}");
    }
}
