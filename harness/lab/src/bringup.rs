//! Bringing a whole rack up: resolve the rack, start the simulated DUTs it asks for, find the
//! firmware image, then bring every board up in parallel — power, console, identity, flash.
//!
//! A problem with one board (port missing, identity mismatch, flash failure) becomes that
//! board's fault, reported as an infrastructure error on each of its cases; the other boards
//! go on. A problem with the rack itself (bad rack file, bad image, simulator not starting)
//! stops the lab with a clear error.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hil_at::{AtClient, ClientConfig};
use hil_flash::{FirmwareImage, ProbeRsConfig, ProbeRsFlasher, SimulatedFlasher, ThroughputModel};
use hil_power::GuardedSupply;
use hil_rack::DutSpec;
use hil_sim::rack::{SimDut, SimRack};
use hil_sim::timing::Timing;

use crate::board::{Board, SimHandle};
use crate::error::LabError;
use crate::flashing::{FlashOutcome, flash_board};
use crate::identity;
use crate::simulated::{self, SimProbeTarget};
use crate::source::RackSource;

/// How to bring the lab up.
#[derive(Debug, Clone)]
pub struct LabOptions {
    /// Timing of simulated DUTs.
    pub timing: Timing,
    /// An explicit firmware image (`--firmware`); otherwise `FUT_ELF`, the rack file, the CI
    /// build output.
    pub firmware: Option<PathBuf>,
    /// `false` never flashes (e.g. `hil doctor`).
    pub flash: bool,
    /// Where the CI build output is looked for.
    pub workspace_root: PathBuf,
    /// Where boards write attachments (supply traces); one folder per DUT.
    pub artifacts_dir: Option<PathBuf>,
    /// Default deadline of a console transaction.
    pub console_timeout: Duration,
}

impl Default for LabOptions {
    fn default() -> Self {
        LabOptions {
            timing: Timing::Fast,
            firmware: None,
            flash: true,
            workspace_root: workspace_root(),
            artifacts_dir: None,
            console_timeout: Duration::from_secs(5),
        }
    }
}

/// The workspace root: the nearest ancestor of the current directory holding
/// `firmware-under-test/`, else the one this crate was built in.
pub fn workspace_root() -> PathBuf {
    if let Ok(cwd) = std::env::current_dir() {
        for dir in cwd.ancestors() {
            if dir.join("firmware-under-test").is_dir() {
                return dir.to_path_buf();
            }
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A rack that is up: its boards, and the simulator that serves the simulated ones.
pub struct Lab {
    pub name: String,
    pub boards: Vec<Board>,
    /// The image that was put on (or checked against) the boards.
    pub image: Option<PathBuf>,
    /// Rack-level notes (e.g. why flashing was skipped).
    pub notes: Vec<String>,
    sim: Option<SimRack>,
}

/// Keeps the simulated rack running while the boards are used elsewhere.
pub struct LabGuard {
    _sim: Option<SimRack>,
}

impl Lab {
    /// Brings `source` up with `opts`.
    pub fn bring_up(source: &RackSource, opts: &LabOptions) -> Result<Lab, LabError> {
        let (name, mut specs, rack_firmware) = match source {
            RackSource::Simulated => ("simulated".to_string(), Vec::new(), None),
            RackSource::File(path) => {
                // `load` already resolved a relative image path against the rack file's folder.
                let rack = hil_rack::load(path)?;
                (rack.name, rack.duts, rack.firmware_image)
            }
        };

        let sim = match source {
            RackSource::Simulated => {
                let rack = SimRack::start(simulated::default_rack(opts.timing))
                    .map_err(|e| LabError::Simulator(e.to_string()))?;
                specs = rack.duts().iter().map(simulated::default_spec).collect();
                Some(rack)
            }
            RackSource::File(_) => {
                let cfg = simulated::config_for(&specs, opts.timing);
                if cfg.duts.is_empty() {
                    None
                } else {
                    let rack =
                        SimRack::start(cfg).map_err(|e| LabError::Simulator(e.to_string()))?;
                    for spec in specs.iter_mut().filter(|s| s.simulated.is_some()) {
                        if let Some(dut) = rack.dut(&spec.name) {
                            simulated::fill_in(spec, dut);
                        }
                    }
                    Some(rack)
                }
            }
        };

        let mut notes = Vec::new();
        let image = if opts.flash {
            find_image(opts, rack_firmware.as_deref(), &mut notes)?
        } else {
            notes.push("flashing disabled".to_string());
            None
        };

        let boards = std::thread::scope(|scope| {
            let handles: Vec<_> = specs
                .into_iter()
                .map(|spec| {
                    let sim_dut = sim.as_ref().and_then(|r| r.dut(&spec.name));
                    let image = image.as_ref();
                    scope.spawn(move || bring_up_board(spec, sim_dut, image, opts))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("board bring-up does not panic"))
                .collect::<Vec<_>>()
        });

        Ok(Lab {
            name,
            boards,
            image: image.map(|i| i.path().to_path_buf()),
            notes,
            sim,
        })
    }

    /// The simulated rack behind the simulated boards, if any.
    pub fn sim(&self) -> Option<&SimRack> {
        self.sim.as_ref()
    }

    /// Hands the boards out; the guard must live as long as they are used.
    pub fn into_parts(self) -> (Vec<Board>, LabGuard) {
        (self.boards, LabGuard { _sim: self.sim })
    }
}

fn find_image(
    opts: &LabOptions,
    rack_firmware: Option<&Path>,
    notes: &mut Vec<String>,
) -> Result<Option<FirmwareImage>, LabError> {
    let located = hil_flash::locate_image(
        opts.firmware.as_deref(),
        rack_firmware,
        &opts.workspace_root,
    )
    .map_err(|e| LabError::Image(e.to_string()))?;
    let Some(path) = located else {
        notes.push(format!(
            "flashing skipped: {}",
            hil_flash::no_image_reason(&opts.workspace_root)
        ));
        return Ok(None);
    };
    let image = FirmwareImage::load(&path).map_err(|e| LabError::Image(e.to_string()))?;
    notes.push(format!(
        "firmware image {} ({} bytes, id {})",
        path.display(),
        image.loadable_bytes(),
        image.install_id()
    ));
    Ok(Some(image))
}

fn bring_up_board(
    spec: DutSpec,
    sim: Option<&SimDut>,
    image: Option<&FirmwareImage>,
    opts: &LabOptions,
) -> Board {
    let name = spec.name.clone();
    let mut board = Board::new(spec);
    board.artifacts = opts.artifacts_dir.as_ref().map(|d| d.join(&name));
    attach_probe(&mut board, sim, opts);
    attach_supply(&mut board);
    if let Err(fault) = open_console(&mut board, opts) {
        board.fault = Some(fault);
        return board;
    }
    if let Err(fault) = bind_and_flash(&mut board, image) {
        board.fault = Some(fault);
    }
    board
}

fn attach_probe(board: &mut Board, sim: Option<&SimDut>, opts: &LabOptions) {
    let name = board.spec.name.clone();
    if let Some(sim) = sim {
        let model = match opts.timing {
            Timing::Fast => ThroughputModel::FAST,
            Timing::Realistic => ThroughputModel::REALISTIC,
        };
        let target = Arc::new(SimProbeTarget(sim.control.clone()));
        board.flasher = Some(Box::new(
            SimulatedFlasher::new(name, target, model)
                .with_allow_erase_all(board.spec.allow_erase_all),
        ));
        board.sim = Some(SimHandle {
            control: sim.control.clone(),
            supply_faults: sim.supply_faults.clone(),
            profile: sim.profile.clone(),
        });
    } else if let Some(cfg) = ProbeRsConfig::from_dut(&board.spec) {
        board.flasher = Some(Box::new(ProbeRsFlasher::new(cfg)));
    }
}

fn attach_supply(board: &mut Board) {
    let Some(spec) = board.spec.supply.clone() else {
        return;
    };
    let Some(limits) = board.spec.limits else {
        board.supply_error = Some(format!(
            "DUT `{}` declares a supply but no limits: refusing to drive it",
            board.spec.name
        ));
        return;
    };
    let opened = hil_power::open(&spec).and_then(|inner| GuardedSupply::new(inner, limits));
    match opened {
        Ok(mut supply) => {
            let nominal = board
                .nominal_volts
                .clamp(limits.min_volts, limits.max_volts);
            board.nominal_volts = nominal;
            let powered = supply
                .set_voltage(nominal)
                .and_then(|_| supply.set_output(true));
            match powered {
                Ok(_) => board.supply = Some(supply),
                Err(e) => {
                    board.supply_error = Some(format!("supply of `{}`: {e}", board.spec.name))
                }
            }
        }
        Err(e) => board.supply_error = Some(format!("supply of `{}`: {e}", board.spec.name)),
    }
}

fn open_console(board: &mut Board, opts: &LabOptions) -> Result<(), String> {
    let serial = board.spec.serial.clone().ok_or_else(|| {
        format!(
            "DUT `{}` has no serial port in the rack file",
            board.spec.name
        )
    })?;
    let config = ClientConfig {
        timeout: opts.console_timeout,
        ..ClientConfig::default()
    };
    let at = AtClient::open_with(&serial.port, serial.baud, config)
        .map_err(|e| format!("console of `{}`: {e}", board.spec.name))?;
    board.at = Some(at);
    Ok(())
}

/// Identity first (nothing is written to a board that is not the one the rack names), then
/// flashing; a board that does not answer at all (blank flash) is flashed through its probe and
/// bound afterwards.
fn bind_and_flash(board: &mut Board, image: Option<&FirmwareImage>) -> Result<(), String> {
    let name = board.spec.name.clone();
    let at = board.at.as_mut().ok_or("no console")?;
    // Any final result (even `ERROR` from a console that does not know ESC) means a firmware
    // is answering; only silence means a blank board.
    let silent = at
        .resync(Duration::from_secs(2))
        .is_err_and(|e| e.final_result().is_none());
    if !silent {
        let id = at
            .identity()
            .map_err(|e| format!("identity of `{name}`: {e}"))?;
        board.notes.extend(identity::bind(&board.spec, &id)?);
        board.identity = Some(id);
    } else {
        board
            .notes
            .push("the console did not answer before flashing (blank board?)".to_string());
    }
    match image {
        Some(image) => match flash_board(board, image, false, &mut |_| {})? {
            FlashOutcome::Skipped(why) => board.notes.push(format!("flash skipped: {why}")),
            FlashOutcome::Flashed {
                bytes,
                elapsed,
                phases,
            } => board.notes.push(format!(
                "flashed {bytes} bytes in {:.2} s ({})",
                elapsed.as_secs_f64(),
                phases.join(", ")
            )),
        },
        None => {
            let at = board.at.as_mut().ok_or("no console")?;
            board.app_firmware = at.firmware_id().ok();
        }
    }
    if board.identity.is_none() {
        let at = board.at.as_mut().ok_or("no console")?;
        let id = at
            .identity()
            .map_err(|e| format!("identity of `{name}` after flashing: {e}"))?;
        board.notes.extend(identity::bind(&board.spec, &id)?);
        board.identity = Some(id);
    }
    Ok(())
}
