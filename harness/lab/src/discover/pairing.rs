//! Pairing serial ports with debug probes. A probe that exposes a virtual COM port (the J-Link
//! OB of the nRF91 DKs, CMSIS-DAP/DAPLink probes) is one USB device, so the probe's USB serial
//! number is the port's: in the port's USB information, or in its stable name, which udev
//! writes as `usb-<vendor>_<model>_<serial>-if<NN>` (ref instruments-and-probes §5: identify a
//! DK's consoles by USB serial and interface, not by order), e.g.
//! `/dev/serial/by-id/usb-SEGGER_J-Link_001050965037-if00`.
//!
//! [`pair`] is a pure function of the probes probe-rs listed and the ports found, so every rule
//! is tested without hardware.

use std::path::{Path, PathBuf};

use hil_flash::ProbeInfo;

/// A serial port as pairing sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortUsb {
    /// The port's path as found (a `/dev/serial/by-id` link on a rack host).
    pub path: PathBuf,
    /// The USB serial number of the device behind the port, when the system reports one.
    pub usb_serial: Option<String>,
}

impl PortUsb {
    /// A port known only by its path (pairing then reads the serial from the name).
    pub fn named(path: impl Into<PathBuf>) -> Self {
        PortUsb {
            path: path.into(),
            usb_serial: None,
        }
    }
}

/// Which probe a port belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProbeMatch {
    /// Exactly one attached probe carries the port's USB serial number.
    Paired(ProbeInfo),
    /// More than one attached probe carries it (no guess is made).
    Ambiguous(Vec<ProbeInfo>),
    /// No attached probe carries it.
    Unpaired,
}

/// Every port with its probe, and the probes no port belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Pairing {
    /// Each port (in the order given) and what pairing found for it.
    pub ports: Vec<(PathBuf, ProbeMatch)>,
    /// Probes that carry no port's serial (no VCOM, no serial number, or the port is elsewhere).
    pub lone_probes: Vec<ProbeInfo>,
}

impl Pairing {
    /// What pairing found for `port` ([`ProbeMatch::Unpaired`] for a port it was not given).
    pub fn of(&self, port: &Path) -> &ProbeMatch {
        const UNPAIRED: &ProbeMatch = &ProbeMatch::Unpaired;
        self.ports
            .iter()
            .find(|(p, _)| p == port)
            .map_or(UNPAIRED, |(_, m)| m)
    }
}

/// Pairs each of `ports` with the probe whose USB serial number it carries. A probe may pair
/// with several ports (a DK's J-Link exposes two or three VCOMs); a probe without a serial
/// number never pairs.
pub fn pair(probes: &[ProbeInfo], ports: &[PortUsb]) -> Pairing {
    let mut used = vec![false; probes.len()];
    let ports = ports
        .iter()
        .map(|port| {
            let hits: Vec<usize> = (0..probes.len())
                .filter(|&i| probe_serial(&probes[i]).is_some_and(|s| carries(port, s)))
                .collect();
            for &i in &hits {
                used[i] = true;
            }
            let found = match hits.as_slice() {
                [] => ProbeMatch::Unpaired,
                [one] => ProbeMatch::Paired(probes[*one].clone()),
                many => ProbeMatch::Ambiguous(many.iter().map(|&i| probes[i].clone()).collect()),
            };
            (port.path.clone(), found)
        })
        .collect();
    let lone_probes = probes
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(p, _)| p.clone())
        .collect();
    Pairing { ports, lone_probes }
}

fn probe_serial(probe: &ProbeInfo) -> Option<&str> {
    probe
        .serial_number
        .as_deref()
        .filter(|s| !s.trim().is_empty())
}

/// True when `port` belongs to the USB device with serial number `serial`: its USB information
/// says so when the system gives it, else its udev by-id name does.
fn carries(port: &PortUsb, serial: &str) -> bool {
    match &port.usb_serial {
        Some(usb) => same_serial(usb, serial),
        None => port
            .path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name_carries(name, serial)),
    }
}

/// `usb-<vendor>_<model>_<serial>[-if<NN>][-port<N>]`: the serial is the last `_`-separated
/// part of the name (a serial may itself contain `_`, so the name's tail is compared).
fn name_carries(name: &str, serial: &str) -> bool {
    let Some(stem) = name.strip_prefix("usb-") else {
        return false;
    };
    let stem = strip_suffix_number(stem, "-port");
    let stem = strip_suffix_number(stem, "-if");
    let serial = as_udev_writes(serial);
    let tail_matches = stem.len() > serial.len()
        && stem.is_char_boundary(stem.len() - serial.len())
        && stem[..stem.len() - serial.len()].ends_with('_')
        && stem[stem.len() - serial.len()..].eq_ignore_ascii_case(&serial);
    tail_matches
        || stem
            .rsplit('_')
            .next()
            .is_some_and(|last| same_serial(last, &serial))
}

/// `text` without a trailing `<marker><hex digits>` (udev's `-if00`, usb-serial's `-port0`).
fn strip_suffix_number<'a>(text: &'a str, marker: &str) -> &'a str {
    match text.rfind(marker) {
        Some(at)
            if at + marker.len() < text.len()
                && text[at + marker.len()..]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit()) =>
        {
            &text[..at]
        }
        _ => text,
    }
}

/// A serial number as udev puts it into a link name: white space and characters outside
/// `0-9A-Za-z#+-.:=@_` become `_`.
fn as_udev_writes(serial: &str) -> String {
    serial
        .trim()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "#+-.:=@_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// Serial numbers are equal ignoring ASCII case; all-digit ones also ignoring leading zeros
/// (a J-Link's USB serial is `000960012345`, nrfjprog prints `960012345`).
fn same_serial(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let digits = |s: &str| s.bytes().all(|c| c.is_ascii_digit());
    if digits(a) && digits(b) {
        return a.trim_start_matches('0') == b.trim_start_matches('0');
    }
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests;
