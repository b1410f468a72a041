//! Hardware two DUTs of one rack file must not share: a console port or a supply output. Two
//! entries naming the same one would make a run misreport (the second board finds its console
//! busy, or its supply "does not answer") and one board's power cases would cycle the other.
//!
//! The match is textual, after normalizing obvious spellings the way leases do (`hil_lease`
//! keys, which also resolve symlinks): `rfc2217://` and `tcp://` to one `host:port` are one
//! port, host names are compared in lower case, a device path is compared by its components
//! (`/dev//ttyACM0` and `/dev/./ttyACM0` are `/dev/ttyACM0`), and a TCP supply's address gets
//! its model's default port (`tcp://h` and `h:5025` are one instrument).

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use hil_rfc2217::PortSpec;

use crate::dut::DutSpec;
use crate::serial::SerialSpec;
use crate::supply::SupplySpec;

/// The hardware of the DUTs read so far: name and index of the DUT holding each console port
/// and supply output, and each name (maps, so a long list is not quadratic).
#[derive(Debug, Default)]
pub(crate) struct Taken {
    names: HashMap<String, usize>,
    consoles: HashMap<String, (usize, String)>,
    supplies: HashMap<String, (usize, String)>,
}

impl Taken {
    /// How many DUTs were read.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Why `dut` cannot join the DUTs read so far, if it cannot: its name, console port or
    /// supply output is already another DUT's.
    pub fn conflict(&self, dut: &DutSpec) -> Option<String> {
        if let Some(i) = self.names.get(&dut.name) {
            return Some(format!(
                "duplicate DUT name `{}` (already used by duts[{i}])",
                dut.name
            ));
        }
        if let Some(serial) = &dut.serial
            && let Some((i, other)) = self.consoles.get(&console_key(serial))
        {
            return Some(format!(
                "DUT `{}` has the console port `{}` of DUT `{other}` (duts[{i}]): two boards \
                 cannot share a console",
                dut.name,
                serial.port.display()
            ));
        }
        if let Some(supply) = &dut.supply
            && let Some((i, other)) = self.supplies.get(&supply_key(supply))
        {
            return Some(format!(
                "DUT `{}` has the supply output `{}` channel {} of DUT `{other}` (duts[{i}]): \
                 one output cannot power two boards (a power cycle of one would cycle the other)",
                dut.name, supply.address, supply.channel
            ));
        }
        None
    }

    /// Notes `dut` (the `index`-th DUT) as read.
    pub fn insert(&mut self, index: usize, dut: &DutSpec) {
        let held = || (index, dut.name.clone());
        self.names.insert(dut.name.clone(), index);
        if let Some(serial) = &dut.serial {
            self.consoles.insert(console_key(serial), held());
        }
        if let Some(supply) = &dut.supply {
            self.supplies.insert(supply_key(supply), held());
        }
    }
}

/// A console port, normalized: `net:host:port` for a network port, else the device path.
fn console_key(serial: &SerialSpec) -> String {
    port_key(&serial.port.to_string_lossy())
}

/// A supply output: its instrument (normalized like a port, with a TCP instrument's default
/// port filled in) and channel.
fn supply_key(supply: &SupplySpec) -> String {
    let instrument = match supply.tcp_endpoint() {
        Some((host, port)) => endpoint_key(&host, port),
        None => port_key(&supply.address),
    };
    format!("{instrument}#{}", supply.channel)
}

fn port_key(port: &str) -> String {
    match PortSpec::parse(port) {
        Ok(PortSpec::Rfc2217(e) | PortSpec::RawTcp(e)) => endpoint_key(&e.host, e.port),
        Ok(PortSpec::Device(path)) => device_key(&path),
        Err(_) => device_key(Path::new(port)),
    }
}

fn endpoint_key(host: &str, port: u16) -> String {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    format!("net:{}:{port}", host.to_ascii_lowercase())
}

/// A device path by its components (no file system access: the rack file is checked as text).
fn device_key(path: &Path) -> String {
    let normal: PathBuf = path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    format!("dev:{}", normal.display())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn obvious_spellings_of_one_port_are_one_key() {
        for (a, b) in [
            ("/dev/ttyACM0", "/dev//ttyACM0"),
            ("/dev/ttyACM0", "/dev/./ttyACM0"),
            ("rfc2217://Host:4001", "tcp://host:4001"),
        ] {
            assert_eq!(port_key(a), port_key(b), "{a} {b}");
        }
        assert_ne!(port_key("/dev/ttyACM0"), port_key("/dev/ttyACM1"));
        assert_ne!(port_key("tcp://h:4001"), port_key("tcp://h:4002"));
    }
}
