//! The USB serial number behind each port, as the system reports it (`serialport`'s port list:
//! sysfs on Linux, IOKit on macOS). A port is matched to the list by the device it resolves to
//! (`/dev/serial/by-id/…` links to `/dev/ttyACM0`). Ports the list does not know (pseudo
//! terminals of the simulated rack, a host without sysfs) get no USB serial; pairing then reads
//! the port's name.

use std::path::{Path, PathBuf};

use serialport::SerialPortType;

use super::pairing::PortUsb;

/// `ports` with the USB serial number of the device behind each, where the system knows it.
pub fn port_usb(ports: &[PathBuf]) -> Vec<PortUsb> {
    let known = usb_ports();
    ports
        .iter()
        .map(|path| PortUsb {
            path: path.clone(),
            usb_serial: serial_of(path, &known),
        })
        .collect()
}

/// The serial of the listed port `path` resolves to (`known` holds resolved paths).
fn serial_of(path: &Path, known: &[(PathBuf, Option<String>)]) -> Option<String> {
    let device = std::fs::canonicalize(path).ok()?;
    known
        .iter()
        .find(|(listed, _)| *listed == device)
        .and_then(|(_, serial)| serial.clone())
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Every USB serial port the system lists (its path resolved once, here), with its device's
/// serial number.
fn usb_ports() -> Vec<(PathBuf, Option<String>)> {
    // serialport's sysfs enumeration panics when /sys/class/tty is missing (a container
    // without sysfs); no list is no pairing by USB information, not an error.
    if cfg!(target_os = "linux") && !Path::new("/sys/class/tty").is_dir() {
        return Vec::new();
    }
    serialport::available_ports()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|port| match port.port_type {
            SerialPortType::UsbPort(usb) => {
                Some((canonical(Path::new(&port.port_name)), usb.serial_number))
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_port_the_system_does_not_list_has_no_usb_serial() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("dut-a");
        std::os::unix::fs::symlink("/dev/null", &link).unwrap();
        let missing = dir.path().join("gone");
        let ports = port_usb(&[link.clone(), missing.clone()]);
        assert_eq!(ports, [PortUsb::named(link), PortUsb::named(missing)]);
    }

    #[test]
    fn a_listed_device_gives_its_serial_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let device = dir.path().join("ttyACM0");
        std::fs::write(&device, "").unwrap();
        let link = dir.path().join("usb-SEGGER_J-Link_000960012345-if00");
        std::os::unix::fs::symlink(&device, &link).unwrap();
        let known = vec![(canonical(&device), Some("000960012345".to_string()))];
        assert_eq!(serial_of(&link, &known).as_deref(), Some("000960012345"));
    }
}
