//! Simulated DUTs in a rack: which ones to start, how they appear as rack entries once started,
//! and the adapter through which the simulated probe flashes them.

use std::path::PathBuf;
use std::sync::Arc;

use hil_flash::{SimTarget, TargetError};
use hil_model::{MfwVersion, ScpiLink};
use hil_rack::{DutSpec, Imei, Limits, SerialSpec, SupplySpec};
use hil_sim::dut::DutControl;
use hil_sim::rack::{SimDut, SimDutConfig, SimError, SimRackConfig};
use hil_sim::timing::Timing;

/// Limits given to simulated DUTs that declare none: the nRF9160 supervisor range the
/// simulator models (BOR ≈ 2.0 V, instruments-and-probes §6) up to the 5.5 V maximum.
pub const SIM_LIMITS: Limits = Limits {
    min_volts: 0.0,
    max_volts: 5.5,
    max_amps: 1.0,
};

/// The simulated-rack configuration for the rack file's simulated DUTs. The rack file has
/// already checked their supply models and policies (they are the same types the simulator
/// takes), so this cannot fail.
pub fn config_for(specs: &[DutSpec], timing: Timing) -> SimRackConfig {
    let duts = specs
        .iter()
        .filter_map(|spec| {
            let sim = spec.simulated.as_ref()?;
            let mut cfg = SimDutConfig::new(spec.name.clone(), sim.profile.clone());
            if let Some(model) = sim.supply_model {
                cfg.supply = model;
            }
            cfg.legacy_host = sim.legacy_host;
            cfg.policy = sim.policy.clone();
            cfg.imei = spec.expected_imei.as_ref().map(|i| i.as_str().to_string());
            Some(cfg)
        })
        .collect();
    SimRackConfig {
        duts,
        timing,
        profile_dirs: Vec::new(),
        link_dir: None,
    }
}

/// The default simulated rack: one DUT per modem-firmware profile, bundled or in
/// `profile_dirs`. Pre-1.0 (alpha) firmware is paired with the legacy at_host console, as in
/// field report 2, whose reporter ran MFW 0.7.0-29.alpha behind the NCS 1.0 `at_host` sample
/// (ref §7.2, §7.3 [F2]).
pub fn default_rack(timing: Timing, profile_dirs: &[PathBuf]) -> Result<SimRackConfig, SimError> {
    let mut cfg = SimRackConfig::default_rack_with(timing, profile_dirs)?;
    for dut in &mut cfg.duts {
        if MfwVersion::parse(&dut.profile).is_ok_and(|v| v.version.major == 0) {
            dut.legacy_host = true;
        }
    }
    Ok(cfg)
}

/// How a started simulated DUT's supply is reached, as a rack supply entry (the simulator
/// serves SCPI models over TCP).
pub fn supply_spec(dut: &SimDut) -> SupplySpec {
    SupplySpec {
        driver: dut.psu_model.driver(ScpiLink::Tcp),
        model: dut.psu_model.scpi_model(),
        address: dut.psu.clone(),
        channel: 1,
        baud: None,
    }
}

/// Fills in what the simulator decided (port, supply) on a rack entry for a simulated DUT.
pub fn fill_in(spec: &mut DutSpec, dut: &SimDut) {
    let mut serial = SerialSpec::new(dut.serial.clone());
    serial.baud = dut.baud;
    spec.serial = Some(serial);
    spec.supply = Some(supply_spec(dut));
    if spec.limits.is_none() {
        spec.limits = Some(SIM_LIMITS);
    }
}

/// The rack entry for a DUT of the default simulated rack: everything the rack file of a real
/// rack would say, including the identity the board must show.
pub fn default_spec(dut: &SimDut) -> DutSpec {
    let mut spec = DutSpec {
        name: dut.name.clone(),
        serial: None,
        probe: None,
        supply: None,
        expected_mfw: MfwVersion::parse(&dut.profile).ok(),
        expected_imei: Imei::parse(&dut.imei).ok(),
        limits: None,
        nominal_volts: None,
        tags: vec!["sim".to_string()],
        allow_erase_all: false,
        simulated: None,
    };
    fill_in(&mut spec, dut);
    spec
}

/// Lets the simulated probe flash a simulated DUT.
pub struct SimProbeTarget(pub Arc<DutControl>);

impl SimTarget for SimProbeTarget {
    fn install_image(&self, fw_id: &str) -> Result<(), TargetError> {
        Ok(self.0.install_image(fw_id)?)
    }

    fn reset(&self) -> Result<(), TargetError> {
        Ok(self.0.reset()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rack(model: &str) -> Vec<DutSpec> {
        hil_rack::parse(
            &format!(
                "name: r\nduts:\n  - name: s\n    simulated: {{ profile: mfw_nrf9160_1.3.6, supply_model: {model} }}\n"
            ),
            "rack.yaml",
        )
        .expect("valid rack")
        .duts
    }

    #[test]
    fn every_supply_model_a_rack_file_names_can_be_simulated() {
        for name in [
            "generic-scpi",
            "keysight-e36300",
            "keysight-e3631a",
            "rigol-dp800",
            "siglent-spd3303x",
            "rs-hmc804x",
            "rs-nge100",
            "keithley-2230",
            "keithley-2280",
            "korad",
            "ppk2",
        ] {
            let cfg = config_for(&rack(name), Timing::Fast);
            assert_eq!(cfg.duts[0].supply.to_string(), name);
        }
    }

    #[test]
    fn an_unknown_supply_model_names_the_dut_and_the_known_ones() {
        // Refused when the rack file is read, at the DUT's line and field.
        let err = hil_rack::parse(
            "name: r\nduts:\n  - name: s\n    simulated: { profile: mfw_nrf9160_1.3.6, supply_model: hp-6632b }\n",
            "rack.yaml",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("rack.yaml:4:") && err.contains("duts[0].simulated.supply_model"),
            "{err}"
        );
        assert!(err.contains("hp-6632b"), "{err}");
        assert!(err.contains("keithley-2230"), "{err}");
    }

    #[test]
    fn the_supply_entry_of_a_simulated_dut_names_its_driver_and_dialect() {
        use hil_rack::{ScpiModel, SupplyDriver};
        let specs = rack("rigol-dp800");
        let rack = hil_sim::rack::SimRack::start(config_for(&specs, Timing::Fast)).unwrap();
        let spec = supply_spec(&rack.duts()[0]);
        assert_eq!(spec.driver, SupplyDriver::ScpiTcp);
        assert_eq!(spec.model, Some(ScpiModel::RigolDp800));
        assert_eq!(spec.supply_model(), rack.duts()[0].psu_model);
    }

    #[test]
    fn policies_from_the_rack_file_reach_the_simulator() {
        let specs = hil_rack::parse(
            "name: r\nduts:\n  - name: s\n    simulated:\n      profile: mfw_nrf9160_1.3.6\n      policy: { pofwarn_clear: re-arm, hysteresis_mv: 25 }\n",
            "rack.yaml",
        )
        .unwrap()
        .duts;
        let cfg = config_for(&specs, Timing::Fast);
        assert_eq!(
            cfg.duts[0].policy.pofwarn_clear,
            hil_model::policy::ClearPolicy::ReArm
        );
        assert_eq!(cfg.duts[0].policy.hysteresis_mv, 25);
    }
}
