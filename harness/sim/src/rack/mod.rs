//! The simulated rack: starts a set of simulated boards, each with its modem, supply and serial
//! port, and says where to reach them.
//!
//! [`SimRack::start`] checks the whole [`SimRackConfig`] before starting anything (unknown
//! profile, duplicate name, bad value: the error names the board), then brings up, per board, a
//! supply rail with its simulated bench supply (`wiring`), a [`Modem`] running the board's
//! firmware profile, and the board thread behind a pty ([`crate::dut`]). Dropping the rack stops
//! every board thread and supply and removes the symlinks.

mod catalog;
mod config;
mod error;
mod probe_endpoint;
mod wiring;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::json;

use crate::dut::{self, DutControl, RunningDut};
use crate::modem::{Modem, ModemIdentity, Policy, identity::imei_is_valid};
use crate::supply::{Faults, SupplyEndpoint, SupplyModel};
use crate::timing::Timing;

use catalog::Catalog;
pub use catalog::ProfileSource;
pub use config::{DEFAULT_SUPPLY_VOLTS, SimDutConfig, SimRackConfig, short_names};
pub use error::SimError;
pub use probe_endpoint::ProbeEndpoint;

/// One running simulated board and where to reach it.
#[derive(Debug, Clone)]
pub struct SimDut {
    /// The board's name.
    pub name: String,
    /// Modem firmware profile, e.g. `mfw_nrf9160_1.3.6`.
    pub profile: String,
    /// Where that profile was loaded from (bundled, or a file of a profile directory).
    pub profile_source: ProfileSource,
    /// Serial port path (the pty, or its symlink under the rack's `link_dir`).
    pub serial: PathBuf,
    /// Supply address: `tcp://127.0.0.1:<port>` for SCPI models, a pty path for Korad/PPK2.
    pub psu: String,
    /// Which supply model simulates the board's supply.
    pub psu_model: SupplyModel,
    /// The IMEI the modem reports.
    pub imei: String,
    /// The console's baud rate.
    pub baud: u32,
    /// Whether the board runs the legacy AT host instead of the console.
    pub legacy_host: bool,
    /// Whether the board runs with realistic or fast timing.
    pub timing: Timing,
    /// Flash, reset, freeze, rail, NVM snapshot, supply command log.
    pub control: Arc<DutControl>,
    /// Misbehaviour knobs of the board's supply.
    pub supply_faults: Arc<Faults>,
    /// The board's probe on the network, `sim@127.0.0.1:PORT` (a probe selector).
    pub probe: String,
}

impl SimDut {
    /// The handle to control the board.
    pub fn control(&self) -> &Arc<DutControl> {
        &self.control
    }

    /// The JSON object `hil sim --json` prints for this board (one line each).
    pub fn describe(&self) -> serde_json::Value {
        json!({
            "name": self.name,
            "profile": self.profile,
            "profile_source": self.profile_source.to_string(),
            "serial": self.serial.display().to_string(),
            "psu": self.psu,
            "psu_model": self.psu_model.to_string(),
            "imei": self.imei,
            "baud": self.baud,
            "fw_id": self.control.fw_id(),
            "probe": self.probe,
            "legacy_host": self.legacy_host,
            "timing": self.timing.to_string(),
        })
    }
}

/// A running simulated rack.
#[derive(Debug)]
pub struct SimRack {
    duts: Vec<SimDut>,
    timing: Timing,
    // Field order is drop order: board threads stop before their supplies.
    running: Vec<RunningDut<Modem>>,
    supplies: Vec<SupplyEndpoint>,
    probes: Vec<ProbeEndpoint>,
}

impl SimRack {
    /// Starts every configured board. Nothing is left running if this fails.
    pub fn start(cfg: SimRackConfig) -> Result<SimRack, SimError> {
        let catalog = Catalog::load(&cfg.profile_dirs)?;
        let mut names = HashSet::new();
        let mut plan = Vec::with_capacity(cfg.duts.len());
        for d in &cfg.duts {
            check(d)?;
            if !names.insert(d.name.as_str()) {
                return Err(SimError::DuplicateName(d.name.clone()));
            }
            plan.push((d, catalog.get(&d.name, &d.profile)?));
        }
        if let Some(dir) = &cfg.link_dir {
            std::fs::create_dir_all(dir).map_err(|source| SimError::Start {
                dut: cfg.duts.first().map(|d| d.name.clone()).unwrap_or_default(),
                what: "serial link directory",
                source,
            })?;
        }
        let mut rack = SimRack {
            duts: Vec::with_capacity(plan.len()),
            timing: cfg.timing,
            running: Vec::with_capacity(plan.len()),
            supplies: Vec::with_capacity(plan.len()),
            probes: Vec::with_capacity(plan.len()),
        };
        for (d, entry) in plan {
            let profile = entry.profile;
            let start_err = |what| {
                let dut = d.name.clone();
                move |source| SimError::Start { dut, what, source }
            };
            let (rail, supply) =
                wiring::power(d.supply, d.volts, cfg.timing).map_err(start_err("supply"))?;
            let mut identity = ModemIdentity::from_seed(d.identity_seed());
            if let Some(imei) = &d.imei {
                identity.imei = imei.clone();
            }
            let imei = identity.imei.clone();
            // A characterized profile's measured policies apply unless the board sets its own.
            let policy = match (&profile.policy, d.policy == Policy::default()) {
                (Some(measured), true) => measured.clone(),
                _ => d.policy.clone(),
            };
            let modem = Modem::new(profile, identity, policy);
            let mut options = d.dut_options(cfg.timing);
            options.link = cfg.link_dir.as_ref().map(|dir| dir.join(&d.name));
            let running = dut::spawn(options, modem, rail).map_err(start_err("serial port"))?;
            let control = running.control().clone();
            control.attach_supply_log(supply.log.clone());
            if d.frozen {
                control.freeze(true);
            }
            let probe =
                ProbeEndpoint::start(control.clone()).map_err(start_err("probe endpoint"))?;
            rack.duts.push(SimDut {
                name: d.name.clone(),
                profile: d.profile.clone(),
                profile_source: entry.source,
                serial: control.serial().to_path_buf(),
                psu: supply.address.clone(),
                psu_model: d.supply,
                imei,
                baud: d.baud,
                legacy_host: d.legacy_host,
                timing: cfg.timing,
                control,
                supply_faults: supply.faults.clone(),
                probe: probe.selector(),
            });
            rack.probes.push(probe);
            rack.running.push(running);
            rack.supplies.push(supply);
        }
        Ok(rack)
    }

    /// The running boards.
    pub fn duts(&self) -> &[SimDut] {
        &self.duts
    }

    /// The board called `name`.
    pub fn dut(&self, name: &str) -> Option<&SimDut> {
        self.duts.iter().find(|d| d.name == name)
    }

    /// Whether the rack runs with realistic or fast timing.
    pub fn timing(&self) -> Timing {
        self.timing
    }
}

impl Drop for SimRack {
    fn drop(&mut self) {
        self.probes.clear();
        // Every board stops at once, then every supply (each waits for its own thread), so
        // stopping a rack takes one poll interval, not one per instrument.
        for running in &self.running {
            running.request_stop();
        }
        self.running.clear();
        std::thread::scope(|scope| {
            for supply in self.supplies.drain(..) {
                scope.spawn(move || drop(supply));
            }
        });
    }
}

/// What can be checked about one board before anything starts.
fn check(d: &SimDutConfig) -> Result<(), SimError> {
    let invalid = |what: String| SimError::InvalidDut {
        dut: d.name.clone(),
        what,
    };
    let name_ok = !d.name.is_empty()
        && d.name.len() <= 64
        && d.name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !name_ok {
        return Err(invalid(
            "name must be 1..=64 characters from A-Z, a-z, 0-9, `.`, `_`, `-`".into(),
        ));
    }
    if !(d.volts.is_finite() && (0.0..=30.0).contains(&d.volts)) {
        return Err(invalid(format!("volts {} is not within 0..=30 V", d.volts)));
    }
    if let Some(imei) = &d.imei
        && !imei_is_valid(imei)
    {
        return Err(invalid(format!(
            "imei `{imei}` is not 15 digits with a valid Luhn check digit"
        )));
    }
    d.dut_options(Timing::Fast).validate().map_err(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(d: SimDutConfig) -> SimRackConfig {
        SimRackConfig {
            duts: vec![d],
            timing: Timing::Fast,
            profile_dirs: Vec::new(),
            link_dir: None,
        }
    }

    #[test]
    fn an_unknown_profile_is_named_with_the_known_ones() {
        let err = SimRack::start(one(SimDutConfig::new("b1", "mfw_nrf9160_9.9.9"))).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`b1`") && text.contains("mfw_nrf9160_9.9.9"),
            "{text}"
        );
        assert!(
            text.contains("mfw_nrf9160_1.3.6"),
            "lists the known profiles: {text}"
        );
    }

    #[test]
    fn bad_values_and_duplicates_are_refused_before_anything_starts() {
        let mut d = SimDutConfig::new("b1", "mfw_nrf9160_1.3.6");
        d.imei = Some("123".into());
        assert!(
            SimRack::start(one(d))
                .unwrap_err()
                .to_string()
                .contains("imei")
        );
        let mut d = SimDutConfig::new("b 1", "mfw_nrf9160_1.3.6");
        assert!(
            SimRack::start(one(d.clone()))
                .unwrap_err()
                .to_string()
                .contains("name")
        );
        d.name = "b1".into();
        d.supervisor.por_v = 1.0;
        assert!(
            SimRack::start(one(d))
                .unwrap_err()
                .to_string()
                .contains("brownout_v")
        );
        let mut cfg = one(SimDutConfig::new("b1", "mfw_nrf9160_1.3.6"));
        cfg.duts.push(SimDutConfig::new("b1", "mfw_nrf9160_1.3.1"));
        assert!(matches!(SimRack::start(cfg), Err(SimError::DuplicateName(n)) if n == "b1"));
    }

    #[test]
    fn describe_has_what_hil_sim_prints() {
        let mut d = SimDutConfig::new("b1", "mfw_nrf9160_1.3.6");
        d.imei = Some("490154203237518".into());
        let rack = SimRack::start(one(d)).unwrap();
        let v = rack.duts()[0].describe();
        for key in [
            "name",
            "profile",
            "profile_source",
            "serial",
            "psu",
            "imei",
            "baud",
        ] {
            assert!(v.get(key).is_some(), "{key} missing in {v}");
        }
        assert_eq!(v["imei"], "490154203237518");
        assert!(
            v["probe"]
                .as_str()
                .is_some_and(|p| p.starts_with("sim@127.0.0.1:")),
            "{v}"
        );
        assert_eq!(v["profile_source"], "bundled:mfw_nrf9160_1.3.6");
        assert!(v["psu"].as_str().unwrap().starts_with("tcp://127.0.0.1:"));
        assert!(rack.dut("b1").is_some());
    }
}
