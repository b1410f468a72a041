//! Where a serial port is: a device path, `rfc2217://host:port` (a telnet COM-PORT-OPTION
//! server such as ser2net's `telnet(rfc2217)` accepter, which labgrid exporters run), or
//! `tcp://host:port` (a raw TCP byte stream to a port configured at the far end).

use std::fmt;
use std::path::PathBuf;

use crate::error::Error;

/// A parsed serial port spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortSpec {
    /// A local device (`/dev/ttyACM0`, `/dev/serial/by-id/…`, a pty or a symlink to one).
    Device(PathBuf),
    /// `rfc2217://host:port`.
    Rfc2217(Endpoint),
    /// `tcp://host:port`.
    RawTcp(Endpoint),
}

/// A TCP endpoint; an IPv6 host is kept without brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// The host name or address.
    pub host: String,
    /// The TCP port.
    pub port: u16,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl PortSpec {
    /// Parses a spec. Anything without `://` is a device path; the schemes are `rfc2217` and
    /// `tcp` (case-insensitive), each with a host and a port and nothing after them.
    pub fn parse(spec: &str) -> Result<PortSpec, Error> {
        let bad = |why: String| Error::InvalidSpec {
            spec: spec.to_owned(),
            why,
        };
        if spec.trim().is_empty() {
            return Err(bad("it is empty".into()));
        }
        let Some((scheme, rest)) = spec.split_once("://") else {
            return Ok(PortSpec::Device(PathBuf::from(spec)));
        };
        let endpoint = parse_authority(rest).map_err(bad)?;
        match scheme.to_ascii_lowercase().as_str() {
            "rfc2217" => Ok(PortSpec::Rfc2217(endpoint)),
            "tcp" => Ok(PortSpec::RawTcp(endpoint)),
            other => Err(bad(format!(
                "unknown scheme `{other}` (expected rfc2217://host:port, tcp://host:port or a device path)"
            ))),
        }
    }

    /// Whether the port is reached over the network.
    pub fn is_network(&self) -> bool {
        !matches!(self, PortSpec::Device(_))
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSpec::Device(path) => write!(f, "{}", path.display()),
            PortSpec::Rfc2217(e) => write!(f, "rfc2217://{e}"),
            PortSpec::RawTcp(e) => write!(f, "tcp://{e}"),
        }
    }
}

fn parse_authority(rest: &str) -> Result<Endpoint, String> {
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if let Some(extra) = rest.find(['/', '?', '#']) {
        return Err(format!(
            "unexpected `{}` after host:port (no path or options are understood)",
            &rest[extra..]
        ));
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| "unclosed `[` in the host".to_string())?;
        let port = after
            .strip_prefix(':')
            .ok_or_else(|| "a port is required after the host (host:port)".to_string())?;
        (host, port)
    } else {
        rest.rsplit_once(':')
            .ok_or_else(|| "a port is required after the host (host:port)".to_string())?
    };
    if host.is_empty() {
        return Err("the host is empty".into());
    }
    if host.contains(':') && !rest.starts_with('[') {
        return Err("an IPv6 host needs brackets, e.g. [::1]:4001".into());
    }
    let port = match port.parse::<u16>() {
        Ok(0) | Err(_) => return Err(format!("`{port}` is not a TCP port (1–65535)")),
        Ok(p) => p,
    };
    Ok(Endpoint {
        host: host.to_owned(),
        port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("/dev/ttyACM0")]
    #[case("/dev/serial/by-id/usb-SEGGER_J-Link_000960012345-if00")]
    #[case("ttySIM0")]
    #[case("rfc2217://127.0.0.1:4001")]
    #[case("tcp://lab-host.example:20000")]
    #[case("rfc2217://[::1]:4001")]
    fn specs_round_trip(#[case] spec: &str) {
        assert_eq!(PortSpec::parse(spec).unwrap().to_string(), spec);
    }

    #[test]
    fn schemes_pick_the_mode() {
        let e = Endpoint {
            host: "h".into(),
            port: 7,
        };
        assert_eq!(
            PortSpec::parse("RFC2217://h:7/").unwrap(),
            PortSpec::Rfc2217(e.clone())
        );
        assert_eq!(PortSpec::parse("tcp://h:7").unwrap(), PortSpec::RawTcp(e));
        assert!(!PortSpec::parse("/dev/ttyUSB0").unwrap().is_network());
    }

    #[rstest]
    #[case("", "empty")]
    #[case("rfc2217://host", "port is required")]
    #[case("rfc2217://:4001", "host is empty")]
    #[case("rfc2217://h:0", "not a TCP port")]
    #[case("rfc2217://h:99999", "not a TCP port")]
    #[case("tcp://h:http", "not a TCP port")]
    #[case("rfc2217://h:1?ign_set_control", "no path or options")]
    #[case("tcp://h:1/dev/ttyUSB0", "no path or options")]
    #[case("telnet://h:1", "unknown scheme `telnet`")]
    #[case("rfc2217://::1:4001", "needs brackets")]
    #[case("rfc2217://[::1:4001", "unclosed")]
    fn bad_specs_say_why(#[case] spec: &str, #[case] why: &str) {
        let e = PortSpec::parse(spec).unwrap_err().to_string();
        assert!(e.contains(why), "{spec}: {e}");
        assert!(e.contains(&format!("`{spec}`")), "names the spec: {e}");
    }
}
