//! The probe selector: which debug probe belongs to a DUT — a USB probe written
//! `VID:PID[:serial]` with hexadecimal vendor and product ids (the form probe-rs uses), or a
//! simulated board's probe endpoint written `sim@HOST:PORT` (what `hil sim` prints).

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Which debug probe belongs to a DUT.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ProbeSelector {
    /// A USB debug probe, driven through probe-rs.
    Usb(UsbProbeSelector),
    /// A simulated board's probe, reached over TCP (`sim@HOST:PORT`).
    Simulated(SimProbeAddress),
}

pub use hil_model::SIM_PROBE_PREFIX;

/// Where a simulated board's probe endpoint listens (`hil sim` prints it per board).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SimProbeAddress {
    /// Host name or IP address (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl fmt::Display for SimProbeAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// `VID:PID[:serial]`, e.g. `1366:1015:000960012345` (a SEGGER J-Link OB).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsbProbeSelector {
    /// The USB vendor id.
    pub vendor_id: u16,
    /// The USB product id.
    pub product_id: u16,
    /// The probe's USB serial number; `None` matches any probe with this VID:PID.
    pub serial_number: Option<String>,
}

/// Why a probe selector was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "bad probe selector `{text}`: {why} (expected VID:PID[:serial], hex ids, e.g. 1366:1015:000960012345, or sim@HOST:PORT for a simulated board's probe)"
)]
pub struct ProbeSelectorError {
    /// The selector as written.
    pub text: String,
    /// What is wrong with it.
    pub why: String,
}

impl ProbeSelector {
    /// Reads `sim@HOST:PORT` or `VID:PID[:serial]` with hexadecimal ids.
    pub fn parse(text: &str) -> Result<Self, ProbeSelectorError> {
        match text.strip_prefix(SIM_PROBE_PREFIX) {
            Some(address) => SimProbeAddress::parse(address)
                .map(ProbeSelector::Simulated)
                .map_err(|why| ProbeSelectorError {
                    text: text.to_string(),
                    why,
                }),
            None => UsbProbeSelector::parse(text).map(ProbeSelector::Usb),
        }
    }

    /// The USB probe, if this selects one.
    pub fn usb(&self) -> Option<&UsbProbeSelector> {
        match self {
            ProbeSelector::Usb(usb) => Some(usb),
            ProbeSelector::Simulated(_) => None,
        }
    }
}

impl SimProbeAddress {
    /// Reads `HOST:PORT` (`[v6]:PORT` for IPv6).
    fn parse(text: &str) -> Result<Self, String> {
        let (host, port) = text
            .rsplit_once(':')
            .ok_or_else(|| format!("`{text}` has no `:PORT`"))?;
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c == '@') {
            return Err(format!("`{host}` is not a host name or address"));
        }
        let port = port
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| format!("`{port}` is not a TCP port (1–65535)"))?;
        Ok(SimProbeAddress {
            host: host.to_string(),
            port,
        })
    }
}

impl UsbProbeSelector {
    /// Reads `VID:PID[:serial]` with hexadecimal ids.
    pub fn parse(text: &str) -> Result<Self, ProbeSelectorError> {
        let bad = |why: String| ProbeSelectorError {
            text: text.to_string(),
            why,
        };
        let mut parts = text.splitn(3, ':');
        let vid = parts.next().unwrap_or_default();
        let pid = parts
            .next()
            .ok_or_else(|| bad("missing `:PID`".to_string()))?;
        let serial = parts.next();
        let hex = |what: &str, s: &str| -> Result<u16, ProbeSelectorError> {
            let digits = s.strip_prefix("0x").unwrap_or(s);
            if digits.is_empty() || digits.len() > 4 {
                return Err(bad(format!("{what} `{s}` is not 1–4 hex digits")));
            }
            u16::from_str_radix(digits, 16)
                .map_err(|_| bad(format!("{what} `{s}` is not hexadecimal")))
        };
        let vendor_id = hex("VID", vid)?;
        let product_id = hex("PID", pid)?;
        let serial_number = match serial {
            None => None,
            Some("") => return Err(bad("empty serial number after the second `:`".into())),
            Some(s) if s.chars().any(|c| c.is_whitespace() || c.is_control()) => {
                return Err(bad(format!("serial number `{s}` contains whitespace")));
            }
            Some(s) => Some(s.to_string()),
        };
        Ok(UsbProbeSelector {
            vendor_id,
            product_id,
            serial_number,
        })
    }
}

impl fmt::Display for ProbeSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeSelector::Usb(usb) => usb.fmt(f),
            ProbeSelector::Simulated(address) => write!(f, "{SIM_PROBE_PREFIX}{address}"),
        }
    }
}

impl fmt::Display for UsbProbeSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04x}:{:04x}", self.vendor_id, self.product_id)?;
        if let Some(s) = &self.serial_number {
            write!(f, ":{s}")?;
        }
        Ok(())
    }
}

impl FromStr for ProbeSelector {
    type Err = ProbeSelectorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProbeSelector::parse(s)
    }
}

impl Serialize for ProbeSelector {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ProbeSelector {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ProbeSelector;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a probe selector VID:PID[:serial]")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ProbeSelector, E> {
                ProbeSelector::parse(v).map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl schemars::JsonSchema for ProbeSelector {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ProbeSelector".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": r"^((0x)?[0-9A-Fa-f]{1,4}:(0x)?[0-9A-Fa-f]{1,4}(:\S+)?|sim@\S+:[0-9]{1,5})$",
            "description": "Debug probe as VID:PID[:serial] with hex ids, e.g. 1366:1015:000960012345, or sim@HOST:PORT for a simulated board's probe endpoint"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("1366:1015:000960012345", 0x1366, 0x1015, Some("000960012345"))]
    #[case("1366:1015", 0x1366, 0x1015, None)]
    #[case("0x1366:0x0105", 0x1366, 0x0105, None)]
    #[case("c251:f002:ABC:DEF", 0xc251, 0xf002, Some("ABC:DEF"))]
    fn parses(
        #[case] text: &str,
        #[case] vid: u16,
        #[case] pid: u16,
        #[case] serial: Option<&str>,
    ) {
        let p = UsbProbeSelector::parse(text).unwrap();
        assert_eq!(
            (p.vendor_id, p.product_id, p.serial_number.as_deref()),
            (vid, pid, serial)
        );
    }

    #[rstest]
    #[case("1366", "missing `:PID`")]
    #[case("xyz:1015", "not hexadecimal")]
    #[case("13661:1015", "1–4 hex digits")]
    #[case(":1015", "1–4 hex digits")]
    #[case("1366:1015:", "empty serial")]
    #[case("1366:1015:12 34", "whitespace")]
    fn refuses(#[case] text: &str, #[case] why: &str) {
        let e = ProbeSelector::parse(text).unwrap_err();
        assert!(e.to_string().contains(why), "{e}");
    }

    #[test]
    fn displays_round_trip() {
        let p = ProbeSelector::parse("1366:1015:000960012345").unwrap();
        assert_eq!(ProbeSelector::parse(&p.to_string()).unwrap(), p);
        for text in ["sim@127.0.0.1:4242", "sim@[::1]:7", "sim@rack-a:20000"] {
            let p = ProbeSelector::parse(text).unwrap();
            assert!(matches!(p, ProbeSelector::Simulated(_)), "{p:?}");
            assert_eq!(p.to_string(), text);
        }
    }

    #[rstest]
    #[case("sim@127.0.0.1", "no `:PORT`")]
    #[case("sim@:4242", "not a host")]
    #[case("sim@localhost:0", "not a TCP port")]
    #[case("sim@localhost:99999", "not a TCP port")]
    fn refuses_bad_sim_addresses(#[case] text: &str, #[case] why: &str) {
        let e = ProbeSelector::parse(text).unwrap_err();
        assert!(e.to_string().contains(why), "{e}");
    }
}
