//! The coordinator's address: `HOST[:PORT]`, the port defaulting to labgrid's 20408
//! (hil-anchors §7.1); an IPv6 host is written in brackets.

use std::fmt;
use std::str::FromStr;

use crate::error::LabgridError;

/// labgrid's default coordinator port.
pub const DEFAULT_PORT: u16 = 20408;

/// Where the coordinator listens.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Address {
    /// Host name or IP address (without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl Address {
    /// Reads `HOST[:PORT]` (`[v6]:PORT` for IPv6).
    pub fn parse(text: &str) -> Result<Address, LabgridError> {
        let bad = |why: &str| LabgridError::BadAddress {
            given: text.to_string(),
            why: why.to_string(),
        };
        let text = text.trim();
        let (host, port) = if let Some(rest) = text.strip_prefix('[') {
            let (host, after) = rest.split_once(']').ok_or_else(|| bad("unclosed `[`"))?;
            (host, after.strip_prefix(':'))
        } else if text.matches(':').count() > 1 {
            return Err(bad("an IPv6 address needs brackets: [::1]:20408"));
        } else {
            match text.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (text, None),
            }
        };
        if host.is_empty() || host.contains('/') || host.contains(char::is_whitespace) {
            return Err(bad("no host name"));
        }
        let port = match port {
            None => DEFAULT_PORT,
            Some(p) => match p.parse::<u16>() {
                Ok(n) if n > 0 => n,
                _ => return Err(bad(&format!("`{p}` is not a TCP port (1-65535)"))),
            },
        };
        Ok(Address {
            host: host.to_string(),
            port,
        })
    }

    /// The `http://` URI gRPC connects to.
    pub fn uri(&self) -> String {
        format!("http://{self}")
    }
}

impl FromStr for Address {
    type Err = LabgridError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Address::parse(s)
    }
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_with_the_default_port() {
        let a = Address::parse("127.0.0.1:20409").unwrap();
        assert_eq!((a.host.as_str(), a.port), ("127.0.0.1", 20409));
        assert_eq!(Address::parse("lab-coord").unwrap().port, DEFAULT_PORT);
        let v6 = Address::parse("[::1]:1").unwrap();
        assert_eq!(v6.to_string(), "[::1]:1");
        assert_eq!(v6.uri(), "http://[::1]:1");
    }

    #[test]
    fn bad_addresses_say_why() {
        for (text, why) in [
            ("", "no host"),
            (":20408", "no host"),
            ("host:0", "not a TCP port"),
            ("host:http", "not a TCP port"),
            ("::1", "brackets"),
            ("[::1", "unclosed"),
        ] {
            let e = Address::parse(text).unwrap_err().to_string();
            assert!(e.contains(why), "{text}: {e}");
        }
    }
}
