//! Debug probes: which probe a DUT uses ([`ProbeSelector`]: a USB probe `VID:PID[:serial]`, or
//! a simulated board's probe `sim@HOST:PORT`) and which USB probes are attached
//! ([`list_probes`], as our own serializable [`ProbeInfo`]).
//!
//! The selector is the rack file's (`hil_rack::ProbeSelector`); this module converts it to
//! probe-rs's `DebugProbeSelector` and matches it against probe listings.

use std::fmt;

use probe_rs::probe::DebugProbeSelector;
use probe_rs::probe::list::{Accessibility, Lister, ProbeListItem};
use serde::{Deserialize, Serialize};

pub use hil_rack::{ProbeSelector, ProbeSelectorError, SimProbeAddress, UsbProbeSelector};

/// Converts a rack selector into the selector probe-rs opens probes with.
pub fn to_probe_rs(selector: &UsbProbeSelector) -> DebugProbeSelector {
    DebugProbeSelector {
        vendor_id: selector.vendor_id,
        product_id: selector.product_id,
        interface: None,
        serial_number: selector.serial_number.clone(),
    }
}

/// An attached debug probe, as `hil probes` shows it and as errors list it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeInfo {
    /// The probe's product name as probe-rs reports it, e.g. `J-Link`.
    pub identifier: String,
    /// The USB vendor id.
    pub vendor_id: u16,
    /// The USB product id.
    pub product_id: u16,
    /// The USB serial number, if the probe has one.
    pub serial_number: Option<String>,
    /// USB interface for composite probes, if probe-rs reports one.
    pub interface: Option<u8>,
    /// `false` when the probe is attached but this user may not open it (udev rules missing).
    pub accessible: bool,
    /// The selector to write into the rack file for this probe (`VID:PID[:serial]`).
    pub selector: String,
}

impl ProbeInfo {
    pub(crate) fn from_list_item(item: &ProbeListItem) -> Self {
        let info = &item.info;
        let selector = match &info.serial_number {
            Some(serial) if !serial.is_empty() => {
                format!("{:04x}:{:04x}:{serial}", info.vendor_id, info.product_id)
            }
            _ => format!("{:04x}:{:04x}", info.vendor_id, info.product_id),
        };
        ProbeInfo {
            identifier: info.identifier.clone(),
            vendor_id: info.vendor_id,
            product_id: info.product_id,
            serial_number: info.serial_number.clone(),
            interface: info.interface,
            accessible: item.accessibility == Accessibility::Accessible,
            selector,
        }
    }
}

impl fmt::Display for ProbeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.identifier, self.selector)?;
        if !self.accessible {
            f.write_str(" [permission denied]")?;
        }
        Ok(())
    }
}

/// All debug probes probe-rs can see, accessible or not. Empty (not an error) when there are
/// none, including on machines without USB.
pub fn list_probes() -> Vec<ProbeInfo> {
    Lister::new()
        .list_all_with_access()
        .iter()
        .map(ProbeInfo::from_list_item)
        .collect()
}

/// The attached probes that `selector` matches (probe-rs's own matching rules).
pub(crate) fn matching_probes(lister: &Lister, selector: &UsbProbeSelector) -> Vec<ProbeInfo> {
    lister
        .list_with_access(Some(&to_probe_rs(selector)))
        .iter()
        .map(ProbeInfo::from_list_item)
        .collect()
}
