//! Bringing one board up: its probe attached, its console opened (the exclusive part: nothing
//! is sent to the supply of a board another program holds), its supply opened, asked to answer
//! and powered, its identity read and bound to the rack entry, the firmware-under-test flashed
//! when needed. The board ends [`BoardState::Ready`] or [`BoardState::Faulted`] with what was
//! learnt before the fault; a supply that does not answer is a fault here, not at the first
//! power case.

use std::sync::Arc;
use std::time::Duration;

use hil_at::{AtClient, ClientConfig, Identity};
use hil_flash::{FirmwareImage, Flasher, SimulatedFlasher, ThroughputModel, flasher_for_probe};
use hil_power::GuardedSupply;
use hil_rack::{DutSpec, Limits, SupplySpec};
use hil_sim::rack::SimDut;
use hil_sim::timing::Timing;

use crate::board::{Board, BoardState, DEFAULT_NOMINAL_VOLTS, SimHandle, SupplyState};
use crate::bringup::LabOptions;
use crate::fault::{BoardFault, SupplyFault, describe_supply};
use crate::flashing::{FlashOutcome, flash_console};
use crate::identity;
use crate::simulated::SimProbeTarget;

/// Brings the board `spec` names up; `sim` is its simulated DUT, if it is one; `remote` its
/// flasher when the probe is on another host (a labgrid place flashed over SSH).
pub(crate) fn bring_up_board(
    spec: DutSpec,
    sim: Option<&SimDut>,
    remote: Option<Box<dyn Flasher>>,
    image: Option<&FirmwareImage>,
    opts: &LabOptions,
) -> Board {
    let artifacts = opts.artifacts_dir.as_ref().map(|d| d.join(&spec.name));
    let (mut flasher, sim) = match remote {
        Some(remote) => (Some(remote), None),
        None => attach_probe(&spec, sim, opts),
    };
    let mut nominal_volts = spec.nominal_volts.unwrap_or(DEFAULT_NOMINAL_VOLTS);
    let mut notes = Vec::new();
    let (state, supply) = match open_console(&spec, opts) {
        Err(fault) => (BoardState::faulted(fault, None, None), untouched(&spec)),
        Ok(console) => match attach_supply(&spec, &mut nominal_volts) {
            (SupplyState::Failed(fault), Some(supply_spec)) => {
                let board_fault = BoardFault::Supply {
                    supply: describe_supply(supply_spec),
                    fault: fault.clone(),
                };
                let state = BoardState::faulted(board_fault, Some(console), None);
                (state, SupplyState::Failed(fault))
            }
            (supply, _) => {
                let flasher = flasher.as_deref_mut();
                let state = bind_and_flash(&spec, console, flasher, image, &mut notes);
                (state, supply)
            }
        },
    };
    notes.extend(crate::bringup_output::record(&state, artifacts.as_deref()));
    Board {
        spec,
        sim,
        notes,
        artifacts,
        nominal_volts,
        origin: Vec::new(),
        state,
        supply,
        flasher,
    }
}

/// The board `spec` names, left alone because the run was stopped before its bring-up began:
/// no probe attached, no port opened, nothing sent to its supply.
pub(crate) fn not_started(spec: DutSpec, sim: Option<&SimDut>, opts: &LabOptions) -> Board {
    let supply = untouched(&spec);
    Board {
        artifacts: opts.artifacts_dir.as_ref().map(|d| d.join(&spec.name)),
        nominal_volts: spec.nominal_volts.unwrap_or(DEFAULT_NOMINAL_VOLTS),
        sim: sim.map(sim_handle),
        spec,
        notes: Vec::new(),
        origin: Vec::new(),
        state: BoardState::faulted(BoardFault::NotStarted, None, None),
        supply,
        flasher: None,
    }
}

/// Handles into the simulated DUT `sim`.
fn sim_handle(sim: &SimDut) -> SimHandle {
    SimHandle {
        control: sim.control.clone(),
        supply_faults: sim.supply_faults.clone(),
        profile: sim.profile.clone(),
        profile_source: sim.profile_source.clone(),
    }
}

fn attach_probe(
    spec: &DutSpec,
    sim: Option<&SimDut>,
    opts: &LabOptions,
) -> (Option<Box<dyn Flasher>>, Option<SimHandle>) {
    let model = throughput_model(opts.timing);
    if let Some(sim) = sim {
        let target = Arc::new(SimProbeTarget(sim.control.clone()));
        let flasher = SimulatedFlasher::new(spec.name.clone(), target, model)
            .with_allow_erase_all(spec.allow_erase_all);
        (Some(Box::new(flasher)), Some(sim_handle(sim)))
    } else if let Some(probe) = &spec.probe {
        // probe-rs for a USB probe; a `sim@HOST:PORT` probe is another process's simulated board.
        let flasher = flasher_for_probe(&spec.name, probe, spec.allow_erase_all, model);
        (Some(flasher), None)
    } else {
        (None, None)
    }
}

/// How fast a simulated probe flashes under `timing` (in-process, or `sim@HOST:PORT`).
pub fn throughput_model(timing: Timing) -> ThroughputModel {
    match timing {
        Timing::Fast => ThroughputModel::FAST,
        Timing::Realistic => ThroughputModel::REALISTIC,
    }
}

/// The supply state of a board whose bring-up stopped before its supply was opened.
fn untouched(spec: &DutSpec) -> SupplyState {
    match spec.supply {
        Some(_) => SupplyState::Failed(Arc::new(SupplyFault::NotOpened)),
        None => SupplyState::Undeclared,
    }
}

/// Opens the declared supply (returned too, for messages), checks it answers, and powers the
/// board at `nominal` (clamped into the limits).
fn attach_supply<'s>(
    spec: &'s DutSpec,
    nominal: &mut f64,
) -> (SupplyState, Option<&'s SupplySpec>) {
    let Some(supply_spec) = &spec.supply else {
        return (SupplyState::Undeclared, None);
    };
    let state = match open_supply(supply_spec, spec.limits, nominal) {
        Ok(supply) => SupplyState::Usable(supply),
        Err(fault) => SupplyState::Failed(Arc::new(fault)),
    };
    (state, Some(supply_spec))
}

fn open_supply(
    spec: &SupplySpec,
    limits: Option<Limits>,
    nominal: &mut f64,
) -> Result<GuardedSupply, SupplyFault> {
    let limits = limits.ok_or(SupplyFault::NoLimits)?;
    let mut supply = hil_power::open(spec)
        .and_then(|inner| GuardedSupply::new(inner, limits))
        .map_err(SupplyFault::Open)?;
    // A silent instrument accepts the connection and every write; only a query finds it.
    supply.identify().map_err(SupplyFault::NoAnswer)?;
    *nominal = nominal.clamp(limits.min_volts, limits.max_volts);
    supply
        .set_voltage(*nominal)
        .and_then(|_| supply.set_output(true))
        .map_err(|source| SupplyFault::PowerOn {
            volts: *nominal,
            source,
        })?;
    Ok(supply)
}

fn open_console(spec: &DutSpec, opts: &LabOptions) -> Result<AtClient, BoardFault> {
    let serial = spec.serial.as_ref().ok_or(BoardFault::NoSerialPort)?;
    let config = ClientConfig {
        timeout: opts.console_timeout,
        ..ClientConfig::default()
    };
    AtClient::open_with(&serial.port, serial.baud, config).map_err(BoardFault::ConsoleOpen)
}

/// Where binding and flashing stopped: the fault and the identity read before it, if any.
struct Stopped(BoardFault, Option<Identity>);

/// Identity first (nothing is written to a board that is not the one the rack names), then
/// flashing; a board that does not answer at all (blank flash) is flashed through its probe and
/// bound afterwards.
fn bind_and_flash(
    spec: &DutSpec,
    mut console: AtClient,
    flasher: Option<&mut (dyn Flasher + 'static)>,
    image: Option<&FirmwareImage>,
    notes: &mut Vec<String>,
) -> BoardState {
    match bind_and_flash_on(spec, &mut console, flasher, image, notes) {
        Ok((identity, app_firmware)) => BoardState::Ready {
            console,
            identity,
            app_firmware,
        },
        Err(stopped) => {
            let Stopped(fault, identity) = *stopped;
            BoardState::faulted(fault, Some(console), identity)
        }
    }
}

fn bind_and_flash_on(
    spec: &DutSpec,
    console: &mut AtClient,
    flasher: Option<&mut (dyn Flasher + 'static)>,
    image: Option<&FirmwareImage>,
    notes: &mut Vec<String>,
) -> Result<(Identity, Option<String>), Box<Stopped>> {
    // Any final result (even `ERROR` from a console that does not know ESC) means a firmware
    // is answering; only silence means a blank board.
    let silent = console
        .resync(Duration::from_secs(2))
        .is_err_and(|e| e.final_result().is_none());
    let before = if silent {
        notes.push(match image {
            Some(_) => "the console did not answer before flashing (blank board?)".to_string(),
            None => "the console did not answer".to_string(),
        });
        None
    } else {
        Some(read_and_bind(spec, console, notes, false)?)
    };
    let app_firmware = match image {
        Some(image) => match flash_console(console, flasher, image, false, &mut |_| {}) {
            Ok((outcome, app_firmware)) => {
                notes.push(flash_note(outcome));
                app_firmware
            }
            Err(e) => return Err(Box::new(Stopped(e.into(), before))),
        },
        None => console.firmware_id().ok(),
    };
    let identity = match before {
        Some(identity) => identity,
        None => read_and_bind(spec, console, notes, image.is_some())?,
    };
    Ok((identity, app_firmware))
}

/// Reads the board's identity and binds it to the rack entry; a mismatch keeps the identity.
fn read_and_bind(
    spec: &DutSpec,
    console: &mut AtClient,
    notes: &mut Vec<String>,
    after_flash: bool,
) -> Result<Identity, Box<Stopped>> {
    let identity = console.identity().map_err(|source| {
        let fault = BoardFault::NoAnswer {
            after_flash,
            source,
        };
        Box::new(Stopped(fault, None))
    })?;
    match identity::bind(spec, &identity) {
        Ok(more) => {
            notes.extend(more);
            Ok(identity)
        }
        Err(mismatch) => Err(Box::new(Stopped(mismatch.into(), Some(identity)))),
    }
}

fn flash_note(outcome: FlashOutcome) -> String {
    match outcome {
        FlashOutcome::Skipped(why) => format!("flash skipped: {why}"),
        FlashOutcome::Flashed {
            bytes,
            elapsed,
            phases,
        } => format!(
            "flashed {bytes} bytes in {:.2} s ({})",
            elapsed.as_secs_f64(),
            phases.join(", ")
        ),
    }
}
