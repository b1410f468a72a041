//! What identifies a piece of hardware, so every command that names it — through any rack
//! file, or ad hoc on the command line — takes the same lease: the debug probe's
//! `VID:PID[:serial]`, the console port's canonical path (symlinks such as
//! `/dev/serial/by-id/...` resolved) or network endpoint (`rfc2217://` and `tcp://` to one
//! `host:port` are one port), the supply's address and output channel.

use std::fmt;
use std::path::{Path, PathBuf};

use hil_rack::{DutSpec, ProbeSelector, SupplySpec};
use hil_rfc2217::PortSpec;
use sha2::{Digest, Sha256};

/// One piece of hardware a lease guards.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LeaseKey {
    /// A debug probe, `vid:pid[:serial]` in lower-case hex.
    Probe(String),
    /// A console port, by its canonical path (as given when it does not exist).
    Port(PathBuf),
    /// A serial port served over the network (ser2net), by its `host:port`.
    NetworkPort(String),
    /// A supply output: `host:port` of a TCP instrument or the canonical device path of a
    /// serial one, and the channel.
    Supply {
        /// Where the instrument is.
        address: String,
        /// The output channel, 1-based.
        channel: u8,
    },
}

impl LeaseKey {
    /// The console port `path` names: a device (symlinks resolved) or a network port.
    pub fn port(path: &Path) -> LeaseKey {
        match PortSpec::parse(&path.to_string_lossy()) {
            Ok(PortSpec::Rfc2217(endpoint) | PortSpec::RawTcp(endpoint)) => {
                LeaseKey::NetworkPort(endpoint_key(&endpoint.host, endpoint.port))
            }
            Ok(PortSpec::Device(_)) | Err(_) => LeaseKey::Port(canonical(path)),
        }
    }

    /// The probe `selector` names.
    pub fn probe(selector: &ProbeSelector) -> LeaseKey {
        LeaseKey::Probe(selector.to_string().to_ascii_lowercase())
    }

    /// The supply output `spec` names: `tcp://host:port` and `host` with the model's default
    /// port are the same instrument.
    pub fn supply(spec: &SupplySpec) -> LeaseKey {
        let address = match spec.tcp_endpoint() {
            Some((host, port)) => endpoint_key(&host, port),
            // A serial instrument: a device, or a network port in front of one.
            None => match LeaseKey::port(Path::new(&spec.address)) {
                LeaseKey::NetworkPort(endpoint) => endpoint,
                other => other.id(),
            },
        };
        LeaseKey::Supply {
            address,
            channel: spec.channel,
        }
    }

    /// The keys of a rack-file board, sorted, without repeats; none for a board the lab
    /// simulates in-process (each run makes its own).
    pub fn of_board(spec: &DutSpec) -> Vec<LeaseKey> {
        if spec.is_simulated() {
            return Vec::new();
        }
        let mut keys: Vec<LeaseKey> = spec
            .probe
            .iter()
            .map(LeaseKey::probe)
            .chain(spec.serial.iter().map(|s| LeaseKey::port(&s.port)))
            .chain(spec.supply.iter().map(LeaseKey::supply))
            .collect();
        keys.sort();
        keys.dedup();
        keys
    }

    /// The lock file's name: the kind, a readable form of the key, and a digest of the whole
    /// key so that two keys never share a file.
    pub fn file_name(&self) -> String {
        let kind = match self {
            LeaseKey::Probe(_) => "probe",
            LeaseKey::Port(_) | LeaseKey::NetworkPort(_) => "port",
            LeaseKey::Supply { .. } => "supply",
        };
        let id = self.id();
        let readable: String = id
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' => c,
                _ => '_',
            })
            .collect();
        let readable = readable.trim_matches('_');
        let readable: String = readable.chars().take(64).collect();
        let digest = Sha256::digest(format!("{kind}\0{id}").as_bytes());
        let hex: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
        format!("{kind}-{readable}-{hex}.lock")
    }
}

impl LeaseKey {
    /// The key without its kind: a probe selector, a path or `host:port` (`#channel` added for
    /// a supply).
    fn id(&self) -> String {
        match self {
            LeaseKey::Probe(p) | LeaseKey::NetworkPort(p) => p.clone(),
            LeaseKey::Port(p) => p.display().to_string(),
            LeaseKey::Supply { address, channel } => format!("{address}#{channel}"),
        }
    }
}

impl fmt::Display for LeaseKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeaseKey::Probe(p) => write!(f, "probe {p}"),
            LeaseKey::Port(p) => write!(f, "port {}", p.display()),
            LeaseKey::NetworkPort(endpoint) => write!(f, "port {endpoint} (network)"),
            LeaseKey::Supply { address, channel } => {
                write!(f, "supply {address} channel {channel}")
            }
        }
    }
}

/// `host:port` with the host in lower case, an IPv6 host in brackets.
fn endpoint_key(host: &str, port: u16) -> String {
    let host = host.to_ascii_lowercase();
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `path` with symlinks resolved; absolute as given when it does not exist (the command will
/// then fail to open it and say so).
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hil_rack::SupplyDriver;

    fn scpi(address: &str, channel: u8) -> SupplySpec {
        SupplySpec {
            driver: SupplyDriver::ScpiTcp,
            model: None,
            address: address.to_string(),
            channel,
            baud: None,
        }
    }

    #[test]
    fn a_symlink_and_its_target_are_one_port() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("tty");
        std::fs::write(&target, "").unwrap();
        let link = dir.path().join("by-id");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(LeaseKey::port(&link), LeaseKey::port(&target));
        assert_eq!(
            LeaseKey::port(&link).file_name(),
            LeaseKey::port(&target).file_name()
        );
    }

    #[test]
    fn a_missing_port_keeps_its_path() {
        let key = LeaseKey::port(Path::new("/dev/hil-no-such-port"));
        assert_eq!(key, LeaseKey::Port("/dev/hil-no-such-port".into()));
    }

    #[test]
    fn supply_addresses_are_normalised_and_channels_kept_apart() {
        let a = LeaseKey::supply(&scpi("tcp://PSU-1.lab:5025", 1));
        assert_eq!(a, LeaseKey::supply(&scpi("psu-1.lab", 1)));
        assert_ne!(a, LeaseKey::supply(&scpi("psu-1.lab", 2)));
        assert_eq!(a.to_string(), "supply psu-1.lab:5025 channel 1");
        let v6 = LeaseKey::supply(&scpi("[::1]:5025", 1));
        assert_eq!(v6.to_string(), "supply [::1]:5025 channel 1");
    }

    #[test]
    fn network_ports_are_keyed_by_endpoint_whatever_the_scheme() {
        let a = LeaseKey::port(Path::new("rfc2217://Rack-Host-2:4001"));
        assert_eq!(a, LeaseKey::port(Path::new("tcp://rack-host-2:4001")));
        assert_eq!(a.to_string(), "port rack-host-2:4001 (network)");
        let serial_supply = SupplySpec {
            driver: SupplyDriver::Ppk2,
            model: None,
            address: "rfc2217://rack-host-2:4002".into(),
            channel: 1,
            baud: None,
        };
        assert_eq!(
            LeaseKey::supply(&serial_supply).to_string(),
            "supply rack-host-2:4002 channel 1"
        );
    }

    #[test]
    fn probes_are_keyed_by_selector() {
        let p = ProbeSelector::parse("1366:1015:ABC").unwrap();
        assert_eq!(LeaseKey::probe(&p), LeaseKey::Probe("1366:1015:abc".into()));
    }

    #[test]
    fn file_names_are_safe_and_distinct() {
        let a = LeaseKey::Port("/dev/a_b".into()).file_name();
        let b = LeaseKey::Port("/dev/a/b".into()).file_name();
        assert_ne!(a, b);
        for name in [&a, &b] {
            assert!(
                name.starts_with("port-dev_a_b-") && name.ends_with(".lock"),
                "{name}"
            );
            assert!(!name.contains('/'));
        }
        let long = LeaseKey::Port(PathBuf::from(format!("/dev/{}", "x".repeat(300))));
        assert!(long.file_name().len() < 100);
    }

    #[test]
    fn a_simulated_board_has_no_keys_and_a_real_one_is_sorted() {
        let rack = hil_rack::parse(
            "name: r\nduts:\n  - name: s\n    simulated: { profile: mfw_nrf9160_1.3.6 }\n  - name: d\n    serial: /dev/hil-x\n    probe: \"1366:1015:7\"\n    supply: { driver: scpi-tcp, address: \"10.0.0.5\", channel: 2 }\n    limits: { min_volts: 3.0, max_volts: 4.2, max_amps: 0.5 }\n",
            "r.yaml",
        )
        .unwrap();
        assert!(LeaseKey::of_board(&rack.duts[0]).is_empty());
        let keys = LeaseKey::of_board(&rack.duts[1]);
        let shown: Vec<String> = keys.iter().map(ToString::to_string).collect();
        assert_eq!(
            shown,
            [
                "probe 1366:1015:7",
                "port /dev/hil-x",
                "supply 10.0.0.5:5025 channel 2"
            ]
        );
    }
}
