//! Simulated DUTs in a rack: which ones to start, how they appear as rack entries once started,
//! and the adapter through which the simulated probe flashes them.

use std::sync::Arc;

use hil_flash::{SimTarget, TargetError};
use hil_model::MfwVersion;
use hil_rack::{DutSpec, Imei, Limits, ScpiModel, SerialSpec, SupplyDriver, SupplySpec};
use hil_sim::dut::DutControl;
use hil_sim::rack::{SimDut, SimDutConfig, SimRackConfig};
use hil_sim::supply::SupplyModel;
use hil_sim::timing::Timing;

use crate::error::LabError;

/// Limits given to simulated DUTs that declare none: the nRF9160 supervisor range the
/// simulator models (BOR ≈ 2.0 V, instruments-and-probes §6) up to the 5.5 V maximum.
pub const SIM_LIMITS: Limits = Limits {
    min_volts: 0.0,
    max_volts: 5.5,
    max_amps: 1.0,
};

/// The simulated-rack configuration for the rack file's simulated DUTs.
pub fn config_for(specs: &[DutSpec], timing: Timing) -> Result<SimRackConfig, LabError> {
    let mut duts = Vec::new();
    for spec in specs {
        let Some(sim) = &spec.simulated else { continue };
        let mut cfg = SimDutConfig::new(spec.name.clone(), sim.profile.clone());
        if let Some(model) = &sim.supply_model {
            cfg.supply =
                serde_json::from_value::<SupplyModel>(serde_json::Value::String(model.clone()))
                    .map_err(|e| LabError::Dut {
                        dut: spec.name.clone(),
                        message: format!("simulated.supply_model `{model}`: {e}"),
                    })?;
        }
        cfg.legacy_host = sim.legacy_host;
        if !sim.policy.is_empty() {
            let map: serde_json::Map<String, serde_json::Value> = sim
                .policy
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            cfg.policy = serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
                LabError::Dut {
                    dut: spec.name.clone(),
                    message: format!("simulated.policy: {e}"),
                }
            })?;
        }
        if let Some(imei) = &spec.expected_imei {
            cfg.imei = Some(imei.as_str().to_string());
        }
        duts.push(cfg);
    }
    Ok(SimRackConfig {
        duts,
        timing,
        profile_dir: None,
        link_dir: None,
    })
}

/// The default simulated rack: one DUT per bundled modem-firmware profile. Pre-1.0 (alpha)
/// firmware is paired with the legacy at_host console, as in field report 2, whose reporter
/// ran MFW 0.7.0-29.alpha behind the NCS 1.0 `at_host` sample (ref §7.2, §7.3 [F2]).
pub fn default_rack(timing: Timing) -> SimRackConfig {
    let mut cfg = SimRackConfig::default_rack(timing);
    for dut in &mut cfg.duts {
        if MfwVersion::parse(&dut.profile).is_ok_and(|v| v.version.major == 0) {
            dut.legacy_host = true;
        }
    }
    cfg
}

/// How a started simulated DUT's supply is reached, as a rack supply entry.
pub fn supply_spec(dut: &SimDut) -> SupplySpec {
    let (driver, model) = match dut.psu_model {
        SupplyModel::Korad => (SupplyDriver::Korad, None),
        SupplyModel::Ppk2 => (SupplyDriver::Ppk2, None),
        SupplyModel::GenericScpi => (SupplyDriver::ScpiTcp, Some(ScpiModel::Generic)),
        SupplyModel::KeysightE36300 => (SupplyDriver::ScpiTcp, Some(ScpiModel::KeysightE36300)),
        SupplyModel::KeysightE3631a => (SupplyDriver::ScpiTcp, Some(ScpiModel::KeysightE3631a)),
        SupplyModel::RigolDp800 => (SupplyDriver::ScpiTcp, Some(ScpiModel::RigolDp800)),
        SupplyModel::SiglentSpd3303x => (SupplyDriver::ScpiTcp, Some(ScpiModel::SiglentSpd3303x)),
        SupplyModel::RsHmc804x => (SupplyDriver::ScpiTcp, Some(ScpiModel::RsHmc804x)),
        SupplyModel::RsNge100 => (SupplyDriver::ScpiTcp, Some(ScpiModel::RsNge100)),
        SupplyModel::Keithley2230 => (SupplyDriver::ScpiTcp, Some(ScpiModel::Keithley2230)),
        SupplyModel::Keithley2280 => (SupplyDriver::ScpiTcp, Some(ScpiModel::Keithley2280)),
    };
    SupplySpec {
        driver,
        model,
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
            let cfg = config_for(&rack(name), Timing::Fast).expect(name);
            assert_eq!(cfg.duts[0].supply.to_string(), name);
        }
    }

    #[test]
    fn an_unknown_supply_model_names_the_dut_and_the_known_ones() {
        let err = config_for(&rack("hp-6632b"), Timing::Fast)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`s`") && err.contains("hp-6632b"), "{err}");
        assert!(err.contains("keithley-2230"), "{err}");
    }
}
