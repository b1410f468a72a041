//! Bringing a whole rack up: resolve the rack, start the simulated DUTs it asks for, find the
//! firmware image, then bring every board up in parallel — power, console, identity, flash — on
//! at most [`BRING_UP_THREADS`] threads.
//!
//! A problem with one board (port missing, identity mismatch, flash failure) becomes that
//! board's fault, reported as an infrastructure error on each of its cases; the other boards
//! go on. A problem with the rack itself (bad rack file, bad image, simulator not starting)
//! stops the lab with a clear error.

use std::path::{Path, PathBuf};
use std::time::Duration;

use hil_flash::{FirmwareImage, ImageSource, LocateError};
use hil_labgrid::HeldPlaces;
use hil_lease::Leases;
use hil_rack::DutSpec;
use hil_runner::StopFlag;
use hil_sim::rack::SimRack;
use hil_sim::timing::Timing;

use crate::board::Board;
use crate::board_bringup::{bring_up_board, not_started};
use crate::error::LabError;
use crate::labgrid::LabgridBoards;
use crate::leasing::{Leasing, lease_boards};
use crate::pool::map_in_pool;
use crate::rack_lines;
use crate::shard::Shard;
use crate::simulated;
use crate::source::{LabgridSource, RackSource};

/// Most boards brought up at once (a pool of threads; a rack file declares at most
/// [`hil_rack::MAX_DUTS`] boards).
pub const BRING_UP_THREADS: usize = 64;

/// How to bring the lab up.
#[derive(Debug, Clone)]
pub struct LabOptions {
    /// Timing of simulated DUTs.
    pub timing: Timing,
    /// An explicit firmware image (`--firmware`); otherwise `fut_elf`, the rack file, the CI
    /// build output.
    pub firmware: Option<PathBuf>,
    /// The value of the `FUT_ELF` environment variable (read by the app layer, not here).
    pub fut_elf: Option<PathBuf>,
    /// `false` never flashes (e.g. `hil doctor`).
    pub flash: bool,
    /// Where the CI build output is looked for (the app layer finds the workspace root; the
    /// default is the current directory).
    pub workspace_root: PathBuf,
    /// Where boards write attachments (supply traces); one folder per DUT.
    pub artifacts_dir: Option<PathBuf>,
    /// Default deadline of a console transaction.
    pub console_timeout: Duration,
    /// Only this shard of the rack's boards (the others are not started, opened or flashed).
    pub shard: Option<Shard>,
    /// Whether rack-file boards are leased before they are touched.
    pub leasing: Leasing,
    /// Which of the rack's boards to bring up; the others are not touched at all (no port
    /// opened, no supply byte sent, no simulator started for them).
    pub boards: BoardSelection,
    /// Directories of simulator modem profiles (`--profile-dir`), after a rack file's own
    /// `profile_dirs`: a profile there takes the place of the bundled one of its firmware.
    pub profile_dirs: Vec<PathBuf>,
    /// The labgrid session name (`host/user`); `<host>/hil` when not given.
    pub labgrid_session: Option<String>,
    /// The ssh client configuration file for flashing labgrid places over SSH (`ssh -F`,
    /// from `HIL_SSH_CONFIG`); `None` uses the user's own.
    pub ssh_config: Option<PathBuf>,
    /// A stop request (Ctrl-C, SIGTERM): once set, boards whose bring-up has not begun are
    /// left alone ([`crate::BoardFault::NotStarted`]) instead of being opened, powered and
    /// flashed; boards being brought up finish.
    pub stop: StopFlag,
}

/// Which of a rack's boards a command brings up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum BoardSelection {
    /// Every board.
    #[default]
    All,
    /// Every board but these (e.g. boards in maintenance).
    Except(Vec<String>),
    /// Only these (e.g. `hil doctor --dut NAME`).
    Only(Vec<String>),
}

impl BoardSelection {
    /// Whether the board `name` is brought up.
    pub fn includes(&self, name: &str) -> bool {
        match self {
            BoardSelection::All => true,
            BoardSelection::Except(names) => !names.iter().any(|n| n == name),
            BoardSelection::Only(names) => names.iter().any(|n| n == name),
        }
    }

    /// This selection cut down to the boards among `wanted` (e.g. those a filter gives a
    /// trial): every other board is left untouched.
    pub fn narrowed_to(&self, wanted: &[String]) -> BoardSelection {
        BoardSelection::Only(
            wanted
                .iter()
                .filter(|name| self.includes(name))
                .cloned()
                .collect(),
        )
    }
}

impl Default for LabOptions {
    fn default() -> Self {
        LabOptions {
            timing: Timing::Fast,
            firmware: None,
            fut_elf: None,
            flash: true,
            workspace_root: PathBuf::from("."),
            artifacts_dir: None,
            console_timeout: Duration::from_secs(5),
            shard: None,
            leasing: Leasing::Off,
            boards: BoardSelection::All,
            profile_dirs: Vec::new(),
            labgrid_session: None,
            ssh_config: None,
            stop: StopFlag::new(),
        }
    }
}

/// A rack that is up: its boards, and the simulator that serves the simulated ones.
pub struct Lab {
    /// The rack's name, from its rack file.
    pub name: String,
    /// The boards brought up, in rack-file order.
    pub boards: Vec<Board>,
    /// The image that was put on (or checked against) the boards.
    pub image: Option<PathBuf>,
    /// Rack-level notes (e.g. why flashing was skipped).
    pub notes: Vec<String>,
    sim: Option<SimRack>,
    leases: Leases,
    labgrid: Option<HeldPlaces>,
}

/// Keeps the simulated rack running, and the boards leased (and the labgrid places held),
/// while the boards are used elsewhere.
pub struct LabGuard {
    _sim: Option<SimRack>,
    _leases: Leases,
    _labgrid: Option<HeldPlaces>,
}

impl Lab {
    /// Brings `source` up with `opts`.
    pub fn bring_up(source: &RackSource, opts: &LabOptions) -> Result<Lab, LabError> {
        let (name, mut specs, rack_firmware, labgrid, rack_profile_dirs) = resolve(source, opts)?;

        // Before anything touches a board: its lease (exclusive, all boards or none); a labgrid
        // place is leased by the coordinator.
        let (leases, lease_note) = match labgrid {
            Some(_) => (Leases::default(), None),
            None => lease_boards(&specs, &opts.leasing)?,
        };

        let sim = match source {
            // Labgrid places (`--labgrid`, or a rack file's `labgrid:` section).
            _ if labgrid.is_some() => None,
            RackSource::Labgrid(_) => None,
            RackSource::Simulated => {
                let mut cfg = simulated::default_rack(opts.timing, &opts.profile_dirs)?;
                if let Some(shard) = opts.shard {
                    shard.retain(&mut cfg.duts, |d| &d.name);
                }
                // Boards left out are not even simulated.
                cfg.duts.retain(|d| opts.boards.includes(&d.name));
                let rack = SimRack::start(cfg)?;
                specs = rack.duts().iter().map(simulated::default_spec).collect();
                Some(rack)
            }
            RackSource::File(path) => {
                let mut cfg = simulated::config_for(&specs, opts.timing);
                cfg.profile_dirs = [rack_profile_dirs, opts.profile_dirs.clone()].concat();
                if cfg.duts.is_empty() {
                    None
                } else {
                    let rack = SimRack::start(cfg)
                        .map_err(|e| rack_lines::located(path, &specs, e.into()))?;
                    for spec in specs.iter_mut().filter(|s| s.simulated.is_some()) {
                        if let Some(dut) = rack.dut(&spec.name) {
                            simulated::fill_in(spec, dut);
                        }
                    }
                    Some(rack)
                }
            }
        };

        let mut notes: Vec<String> = lease_note.into_iter().collect();
        notes.extend(labgrid.iter().flat_map(|l| l.notes.iter().cloned()));
        let image = if opts.flash {
            let rack_file = match source {
                RackSource::File(path) => Some(path.as_path()),
                _ => None,
            };
            find_image(opts, rack_firmware.as_deref(), rack_file, &mut notes)?
        } else {
            notes.push("flashing disabled".to_string());
            None
        };

        // Each board's part of the lab, then the boards brought up by a bounded pool.
        let jobs: Vec<_> = specs
            .into_iter()
            .map(|spec| {
                let origin = labgrid
                    .as_ref()
                    .and_then(|l| l.origin(&spec.name, image.is_some()));
                let remote = labgrid
                    .as_ref()
                    .and_then(|l| l.flasher(&spec.name, opts.ssh_config.as_deref()));
                (spec, origin, remote)
            })
            .collect();
        let boards = map_in_pool(jobs, BRING_UP_THREADS, |(spec, origin, remote)| {
            let sim_dut = sim.as_ref().and_then(|r| r.dut(&spec.name));
            if opts.stop.is_requested() {
                return not_started(spec, sim_dut, opts);
            }
            // A place that cannot be flashed from here runs without flashing.
            let image = image
                .as_ref()
                .filter(|_| origin.is_none() || remote.is_some());
            let mut board = bring_up_board(spec, sim_dut, remote, image, opts);
            board.origin = origin.unwrap_or_default();
            board
        });

        Ok(Lab {
            name,
            boards,
            image: image.map(|i| i.path().to_path_buf()),
            notes,
            sim,
            leases,
            labgrid: labgrid.map(|l| l.held),
        })
    }

    /// The simulated rack behind the simulated boards, if any.
    pub fn sim(&self) -> Option<&SimRack> {
        self.sim.as_ref()
    }

    /// Hands the boards out; the guard must live as long as they are used.
    pub fn into_parts(self) -> (Vec<Board>, LabGuard) {
        (
            self.boards,
            LabGuard {
                _sim: self.sim,
                _leases: self.leases,
                _labgrid: self.labgrid,
            },
        )
    }
}

/// Every profile directory a rack file names is a directory; else an error at its line.
fn check_profile_dirs(path: &Path, dirs: &[PathBuf]) -> Result<(), LabError> {
    for (i, dir) in dirs.iter().enumerate() {
        if !dir.is_dir() {
            let steps = [
                hil_rack::Step::Key("profile_dirs"),
                hil_rack::Step::Index(i),
            ];
            return Err(LabError::Rack(hil_rack::error_at(
                path,
                &steps,
                format!("profile directory {} is not a directory", dir.display()),
            )));
        }
    }
    Ok(())
}

/// What a rack source holds: its name, the rack entries of the boards to bring up, the rack
/// file's firmware image, the labgrid places held for them, and the rack file's simulator
/// profile directories.
type Resolved = (
    String,
    Vec<DutSpec>,
    Option<PathBuf>,
    Option<LabgridBoards>,
    Vec<PathBuf>,
);

fn resolve(source: &RackSource, opts: &LabOptions) -> Result<Resolved, LabError> {
    match source {
        RackSource::Simulated => Ok(("simulated".to_string(), Vec::new(), None, None, Vec::new())),
        RackSource::Labgrid(l) => from_labgrid(l, opts, format!("labgrid {}", l.coordinator), None),
        RackSource::File(path) => {
            // `load` already resolved a relative image path against the rack file's folder.
            let rack = hil_rack::load(path)?;
            if let Some(l) = crate::labgrid::rack_labgrid_source(&rack, path)? {
                return from_labgrid(&l, opts, rack.name, rack.firmware_image);
            }
            let duts = select_boards(rack.duts, opts)?;
            check_profile_dirs(path, &rack.profile_dirs)?;
            Ok((
                rack.name,
                duts,
                rack.firmware_image,
                None,
                rack.profile_dirs,
            ))
        }
    }
}

fn from_labgrid(
    source: &LabgridSource,
    opts: &LabOptions,
    name: String,
    firmware: Option<PathBuf>,
) -> Result<Resolved, LabError> {
    let boards = crate::labgrid::acquire_boards(source, opts)?;
    let specs = select_boards(boards.specs(), opts)?;
    Ok((name, specs, firmware, Some(boards), Vec::new()))
}

/// The boards of `duts` that `opts` asks for: its shard, then its selection.
pub(crate) fn select_boards(
    mut duts: Vec<DutSpec>,
    opts: &LabOptions,
) -> Result<Vec<DutSpec>, LabError> {
    if let BoardSelection::Only(names) = &opts.boards
        && let Some(unknown) = names.iter().find(|n| !duts.iter().any(|d| &d.name == *n))
    {
        let known: Vec<&str> = duts.iter().map(|d| d.name.as_str()).collect();
        return Err(LabError::Dut {
            dut: unknown.clone(),
            message: format!("not in the rack (DUTs: {})", known.join(", ")),
        });
    }
    // The shard first: which shard a board is in depends on the rack alone.
    if let Some(shard) = opts.shard {
        shard.retain(&mut duts, |d| &d.name);
    }
    duts.retain(|d| opts.boards.includes(&d.name));
    Ok(duts)
}

/// The image to flash (see [`hil_flash::locate_image_from`]); a problem with the one the rack
/// file names (`rack_file`) is a rack-file error at the `firmware_image` line.
fn find_image(
    opts: &LabOptions,
    rack_firmware: Option<&Path>,
    rack_file: Option<&Path>,
    notes: &mut Vec<String>,
) -> Result<Option<FirmwareImage>, LabError> {
    let located = hil_flash::locate_image_from(
        opts.firmware.as_deref(),
        opts.fut_elf.as_deref(),
        rack_firmware,
        &opts.workspace_root,
    )
    .map_err(|e| {
        let origin = match &e {
            LocateError::Missing { origin, .. } | LocateError::NotAFile { origin, .. } => {
                Some(*origin)
            }
            _ => None,
        };
        at_its_line(origin, rack_file, e)
    })?;
    let Some(hil_flash::LocatedImage { path, source }) = located else {
        notes.push(format!(
            "flashing skipped: {}",
            hil_flash::no_image_reason(&opts.workspace_root)
        ));
        return Ok(None);
    };
    let image = FirmwareImage::load(&path).map_err(|e| at_its_line(Some(source), rack_file, e))?;
    notes.push(format!(
        "firmware image {} ({} bytes, id {})",
        path.display(),
        image.loadable_bytes(),
        image.install_id()
    ));
    Ok(Some(image))
}

/// `err` about the image the rack file names, as a rack-file error at the `firmware_image`
/// line; any other image's error as it is.
fn at_its_line<E>(source: Option<ImageSource>, rack_file: Option<&Path>, err: E) -> LabError
where
    E: std::fmt::Display + Into<LabError>,
{
    match (source, rack_file) {
        (Some(ImageSource::RackFile), Some(rack)) => LabError::Rack(hil_rack::error_at(
            rack,
            &[hil_rack::Step::Key("firmware_image")],
            err.to_string(),
        )),
        _ => err.into(),
    }
}
