//! One live DUT: its console, supply and probe, what it said it is, and whether it is usable.
//! It is the session the runner schedules cases on.

use std::path::PathBuf;
use std::sync::Arc;

use hil_at::{AtClient, Identity};
use hil_flash::Flasher;
use hil_model::MfwVersion;
use hil_power::GuardedSupply;
use hil_rack::DutSpec;
use hil_runner::{DutSession, props};
use hil_sim::dut::DutControl;
use hil_sim::supply::Faults;

/// Handles into a simulated DUT, for tests and fault injection (never used by suites to
/// decide an outcome: cases see the board only through its console and supply).
#[derive(Clone)]
pub struct SimHandle {
    pub control: Arc<DutControl>,
    pub supply_faults: Arc<Faults>,
    pub profile: String,
}

/// A DUT brought up from the rack.
pub struct Board {
    /// The rack entry, with simulated DUTs' ports and supplies filled in.
    pub spec: DutSpec,
    pub at: Option<AtClient>,
    pub supply: Option<GuardedSupply>,
    /// Why the supply is unusable, when the rack declares one.
    pub supply_error: Option<String>,
    pub flasher: Option<Box<dyn Flasher>>,
    pub identity: Option<Identity>,
    /// The firmware-under-test id the board reported (`AT#XFWVER`).
    pub app_firmware: Option<String>,
    pub sim: Option<SimHandle>,
    /// Set when bring-up failed: every case on the board is an infrastructure error.
    pub fault: Option<String>,
    /// What happened during bring-up (flashing, skipped steps), for the report.
    pub notes: Vec<String>,
    /// Where cases of this board write attachments (traces); `None` keeps them in memory only.
    pub artifacts: Option<PathBuf>,
    /// Supply voltage the board runs at between cases.
    pub nominal_volts: f64,
}

/// The voltage a board is run at when its rack entry gives no `nominal_volts`: a Li-ion cell's nominal
/// voltage, comfortably above the modem's highest warning threshold (3.3 V).
pub const DEFAULT_NOMINAL_VOLTS: f64 = 3.7;

impl Board {
    pub fn new(spec: DutSpec) -> Self {
        let nominal_volts = spec.nominal_volts.unwrap_or(DEFAULT_NOMINAL_VOLTS);
        Board {
            spec,
            at: None,
            supply: None,
            supply_error: None,
            flasher: None,
            identity: None,
            app_firmware: None,
            sim: None,
            fault: None,
            notes: Vec::new(),
            artifacts: None,
            nominal_volts,
        }
    }

    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The console, or why there is none.
    pub fn console(&mut self) -> Result<&mut AtClient, String> {
        if let Some(fault) = &self.fault {
            return Err(fault.clone());
        }
        self.at
            .as_mut()
            .ok_or_else(|| format!("DUT `{}` has no open console", self.spec.name))
    }

    /// The supply, or why there is none (`Ok(None)`: the rack declares no supply).
    pub fn power(&mut self) -> Result<Option<&mut GuardedSupply>, String> {
        if let Some(err) = &self.supply_error {
            return Err(err.clone());
        }
        Ok(self.supply.as_mut())
    }

    /// The modem firmware the board reported, or the rack's expectation if it reported none.
    pub fn mfw(&self) -> Option<&MfwVersion> {
        self.identity
            .as_ref()
            .and_then(|i| i.mfw.as_ref())
            .or(self.spec.expected_mfw.as_ref())
    }
}

impl DutSession for Board {
    fn name(&self) -> &str {
        &self.spec.name
    }

    fn firmware(&self) -> Option<&MfwVersion> {
        self.mfw()
    }

    fn properties(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        if let Some(id) = &self.identity {
            out.push(("modem_firmware".to_string(), id.revision.clone()));
            if let Some(v) = &id.short_sw_version {
                out.push(("short_sw_version".to_string(), v.clone()));
            }
            if let Some(v) = &id.hw_version {
                out.push((props::HW_VERSION.to_string(), v.clone()));
            }
            if let Some(v) = &id.model {
                out.push(("model".to_string(), v.clone()));
            }
            if let Some(imei) = &id.imei {
                let digest = hil_model::sha256_upper_hex(imei.as_bytes());
                out.push((props::IMEI_HASH.to_string(), digest[..16].to_lowercase()));
            }
        }
        if let Some(app) = &self.app_firmware {
            out.push((props::APP_FIRMWARE.to_string(), app.clone()));
        }
        if let Some(supply) = &self.supply {
            out.push((props::SUPPLY.to_string(), supply.describe()));
        }
        if let Some(probe) = &self.spec.probe {
            out.push((props::PROBE_SERIAL.to_string(), probe.to_string()));
        }
        if let Some(sim) = &self.sim {
            out.push(("simulated_profile".to_string(), sim.profile.clone()));
        }
        out
    }

    fn recover(&mut self) -> Result<(), String> {
        crate::recover::recover(self)
    }
}
