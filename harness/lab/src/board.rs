//! One live DUT: its console, supply and probe, what it said it is, and whether it is usable
//! ([`BoardState`], [`SupplyState`]). It is the session the runner schedules cases on.

use std::path::PathBuf;
use std::sync::Arc;

use hil_at::{AtClient, Identity};
use hil_flash::Flasher;
use hil_model::MfwVersion;
use hil_power::GuardedSupply;
use hil_rack::DutSpec;
use hil_runner::{DutSession, props};
use hil_sim::dut::DutControl;
use hil_sim::rack::ProfileSource;
use hil_sim::supply::Faults;

use crate::fault::{BoardFault, SupplyFault};
use crate::recover::RecoverError;

/// Handles into a simulated DUT, for tests and fault injection (never used by suites to
/// decide an outcome: cases see the board only through its console and supply).
#[derive(Clone)]
pub struct SimHandle {
    /// The simulated board (power, freeze, installed image, credentials).
    pub control: Arc<DutControl>,
    /// Faults to inject into its simulated supply.
    pub supply_faults: Arc<Faults>,
    /// The modem-firmware profile it simulates.
    pub profile: String,
    /// Where that profile was loaded from (`bundled:<name>` or a profile file).
    pub profile_source: ProfileSource,
}

/// A DUT brought up from the rack: what the rack says about it, what bring-up found, and the
/// instruments that reach it.
pub struct Board {
    /// The rack entry, with simulated DUTs' ports and supplies filled in.
    pub spec: DutSpec,
    /// Handles into the simulated DUT, when it is one.
    pub sim: Option<SimHandle>,
    /// What happened during bring-up (flashing, skipped steps), for the report.
    pub notes: Vec<String>,
    /// Where cases of this board write attachments (traces); `None` keeps them in memory only.
    pub artifacts: Option<PathBuf>,
    /// Supply voltage the board runs at between cases.
    pub nominal_volts: f64,
    /// Report properties of where the board comes from (a labgrid place and its exporter).
    pub origin: Vec<(String, String)>,
    pub(crate) state: BoardState,
    pub(crate) supply: SupplyState,
    pub(crate) flasher: Option<Box<dyn Flasher>>,
}

/// Where a board's bring-up ended.
pub enum BoardState {
    /// Console open, identity read and bound to the rack entry, firmware-under-test checked
    /// (flashed when needed): cases run on it.
    Ready {
        /// The board's AT console.
        console: AtClient,
        /// What the modem said it is (matches the rack entry).
        identity: Identity,
        /// The firmware-under-test id the board reported (`AT#XFWVER`), if it did.
        app_firmware: Option<String>,
    },
    /// Bring-up stopped: every case on the board is an infrastructure error. What was learnt
    /// before the fault is kept for the report and `hil doctor`.
    Faulted {
        /// Why (shared: recovery and flashing report it again).
        fault: Arc<BoardFault>,
        /// The console, when it opened.
        console: Option<AtClient>,
        /// The identity, when it was read (e.g. before a mismatch was found).
        identity: Option<Identity>,
    },
}

impl BoardState {
    /// A faulted state with what was learnt before `fault`.
    pub(crate) fn faulted(
        fault: impl Into<BoardFault>,
        console: Option<AtClient>,
        identity: Option<Identity>,
    ) -> Self {
        BoardState::Faulted {
            fault: Arc::new(fault.into()),
            console,
            identity,
        }
    }
}

/// A board's programmable supply.
pub enum SupplyState {
    /// The rack declares no supply for this DUT.
    Undeclared,
    /// Open, at the nominal voltage, output on.
    Usable(GuardedSupply),
    /// Declared but unusable (the board is then faulted with [`BoardFault::Supply`], or was
    /// faulted before the supply was opened: [`SupplyFault::NotOpened`]).
    Failed(Arc<SupplyFault>),
}

/// The voltage a board is run at when its rack entry gives no `nominal_volts`: a Li-ion cell's nominal
/// voltage, comfortably above the modem's highest warning threshold (3.3 V).
pub const DEFAULT_NOMINAL_VOLTS: f64 = 3.7;

impl Board {
    /// The DUT's name from the rack file.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Where bring-up ended.
    pub fn state(&self) -> &BoardState {
        &self.state
    }

    /// Why the board is unusable, if it is.
    pub fn fault(&self) -> Option<&BoardFault> {
        match &self.state {
            BoardState::Ready { .. } => None,
            BoardState::Faulted { fault, .. } => Some(fault),
        }
    }

    /// True when a stop came before the board's bring-up began: it was left alone, which is not
    /// a fault of the board ([`BoardFault::NotStarted`]).
    pub fn left_alone(&self) -> bool {
        self.fault().is_some_and(BoardFault::is_not_started)
    }

    /// What the modem said it is: always known on a ready board, and on a faulted one when it
    /// was read before the fault.
    pub fn identity(&self) -> Option<&Identity> {
        match &self.state {
            BoardState::Ready { identity, .. } => Some(identity),
            BoardState::Faulted { identity, .. } => identity.as_ref(),
        }
    }

    /// The firmware-under-test id the board reported (`AT#XFWVER`).
    pub fn app_firmware(&self) -> Option<&str> {
        match &self.state {
            BoardState::Ready { app_firmware, .. } => app_firmware.as_deref(),
            BoardState::Faulted { .. } => None,
        }
    }

    /// The console of a ready board, or why the board is not ready.
    pub fn console(&mut self) -> Result<&mut AtClient, &BoardFault> {
        match &mut self.state {
            BoardState::Ready { console, .. } => Ok(console),
            BoardState::Faulted { fault, .. } => Err(fault),
        }
    }

    /// The supply, or why it is unusable (`Ok(None)`: the rack declares no supply).
    pub fn power(&mut self) -> Result<Option<&mut GuardedSupply>, &SupplyFault> {
        match &mut self.supply {
            SupplyState::Undeclared => Ok(None),
            SupplyState::Usable(supply) => Ok(Some(supply)),
            SupplyState::Failed(fault) => Err(&**fault),
        }
    }

    /// The state of the board's supply.
    pub fn supply(&self) -> &SupplyState {
        &self.supply
    }

    /// The modem firmware the board reported, or the rack's expectation if it reported none.
    pub fn mfw(&self) -> Option<&MfwVersion> {
        self.identity()
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
        if let Some(id) = self.identity() {
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
        let reported = self.identity().and_then(|i| i.mfw.as_ref());
        if reported.is_none() && self.spec.expected_mfw.is_some() {
            out.push((
                props::MFW_FROM.to_string(),
                "the rack file's expected_mfw: the board did not report its modem firmware"
                    .to_string(),
            ));
        }
        if let Some(app) = self.app_firmware() {
            out.push((props::APP_FIRMWARE.to_string(), app.to_string()));
        }
        if let SupplyState::Usable(supply) = &self.supply {
            out.push((props::SUPPLY.to_string(), supply.describe()));
        }
        if let Some(probe) = &self.spec.probe {
            out.push((props::PROBE_SERIAL.to_string(), probe.to_string()));
        }
        if let Some(sim) = &self.sim {
            out.push((props::SIM_PROFILE.to_string(), sim.profile.clone()));
            out.push((
                props::SIM_PROFILE_SOURCE.to_string(),
                sim.profile_source.to_string(),
            ));
        }
        out.extend(self.origin.iter().cloned());
        out
    }

    fn bring_up_fault(&self) -> Option<String> {
        self.fault().map(|f| f.to_string())
    }

    type RecoverError = RecoverError;

    fn recover(&mut self) -> Result<(), RecoverError> {
        crate::recover::recover(self)
    }
}
