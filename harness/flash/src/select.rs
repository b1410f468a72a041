//! The flasher a probe selector names, for `hil flash --probe` and rack-file boards: probe-rs
//! for a USB probe, the simulated probe over the network for `sim@HOST:PORT`.

use std::sync::Arc;

use crate::flasher::Flasher;
use crate::probe_rs_flasher::{ProbeRsConfig, ProbeRsFlasher};
use crate::probes::ProbeSelector;
use crate::sim_probe::TcpSimTarget;
use crate::simulated::{SimulatedFlasher, ThroughputModel};

/// A flasher for the board `dut` behind `probe`; `model` times a simulated probe.
pub fn flasher_for_probe(
    dut: &str,
    probe: &ProbeSelector,
    allow_erase_all: bool,
    model: ThroughputModel,
) -> Box<dyn Flasher> {
    match probe {
        ProbeSelector::Usb(usb) => {
            let config = ProbeRsConfig::new(dut, usb.clone()).with_allow_erase_all(allow_erase_all);
            Box::new(ProbeRsFlasher::new(config))
        }
        ProbeSelector::Simulated(address) => {
            let target = Arc::new(TcpSimTarget::new(address.clone()));
            Box::new(
                SimulatedFlasher::new(dut, target, model).with_allow_erase_all(allow_erase_all),
            )
        }
    }
}
