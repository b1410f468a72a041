//! Boards from a labgrid coordinator: connect (bounded: a coordinator that is not running is
//! an error within seconds), hold the selected places (healing what a dead harness on this
//! host left, waiting as `--wait-for-boards` allows), and translate each into the rack entry a
//! rack file would give, with the place and its exporter host as report properties. A place
//! with an `ssh` service and a `hil-probe` tag is flashed by `hil flash --probe` on its
//! exporter host over SSH ([`SshFlasher`]); a place without runs with flashing skipped, and
//! says so.

use std::sync::Arc;
use std::time::Duration;

use hil_flash::{Flasher, SshFlashConfig, SshFlasher, SshLogin};
use hil_labgrid::{AcquireOptions, Address, Coordinator, Flashing, HeldPlaces, PlaceBoard};
use hil_lease::{Holder, Interrupt, Wait};
use hil_rack::DutSpec;

use crate::bringup::LabOptions;
use crate::error::LabError;
use crate::leasing::Leasing;
use crate::source::LabgridSource;

/// How long connecting to the coordinator, and each call, may take.
pub const COORDINATOR_TIMEOUT: Duration = Duration::from_secs(5);

/// The held places and their boards.
pub(crate) struct LabgridBoards {
    pub held: HeldPlaces,
    pub boards: Vec<PlaceBoard>,
    pub notes: Vec<String>,
}

impl LabgridBoards {
    /// The rack entries.
    pub fn specs(&self) -> Vec<DutSpec> {
        self.boards.iter().map(|b| b.spec.clone()).collect()
    }

    /// The report properties of the board `name`, if it is a place: the place, its exporter
    /// and host, and how it is flashed (`over ssh …`) or why not (`skipped: …`); `image` says
    /// whether this run has an image to flash at all.
    pub fn origin(&self, name: &str, image: bool) -> Option<Vec<(String, String)>> {
        let b = self.boards.iter().find(|b| b.spec.name == name)?;
        let flashing = match image {
            true => flashing_note(&b.flashing),
            false => "skipped: no firmware image (or flashing disabled) in this run".to_string(),
        };
        Some(vec![
            ("labgrid_place".to_string(), b.place.clone()),
            ("labgrid_exporter".to_string(), b.exporter.clone()),
            ("labgrid_exporter_host".to_string(), b.exporter_host.clone()),
            ("flashing".to_string(), flashing),
        ])
    }

    /// The flasher of the board `name`: over SSH on its exporter host, when the place can be
    /// flashed; `ssh_config` is the ssh client configuration file to use (`ssh -F`), if any.
    pub fn flasher(
        &self,
        name: &str,
        ssh_config: Option<&std::path::Path>,
    ) -> Option<Box<dyn Flasher>> {
        let b = self.boards.iter().find(|b| b.spec.name == name)?;
        let Flashing::OverSsh {
            ssh,
            probe,
            remote_hil,
        } = &b.flashing
        else {
            return None;
        };
        let login = SshLogin {
            user: ssh.username.clone(),
            host: ssh.address.clone(),
            port: ssh.port,
        };
        let mut config = SshFlashConfig::new(&b.place, login, probe.clone(), remote_hil);
        config.ssh_config = ssh_config.map(std::path::Path::to_path_buf);
        config.allow_erase_all = b.spec.allow_erase_all;
        Some(Box::new(SshFlasher::new(config)))
    }
}

/// How a place's board is flashed by this run, or why it is not.
fn flashing_note(flashing: &Flashing) -> String {
    match flashing {
        Flashing::Unavailable(why) => format!("skipped: {why}"),
        Flashing::OverSsh {
            ssh,
            probe,
            remote_hil,
        } => format!("over ssh {ssh} with probe {probe} by `{remote_hil} flash --probe`"),
    }
}

/// Connects, holds the places `source` selects and translates them.
pub(crate) fn acquire_boards(
    source: &LabgridSource,
    opts: &LabOptions,
) -> Result<LabgridBoards, LabError> {
    let options = acquire_options(source, opts)?;
    let session = opts
        .labgrid_session
        .clone()
        .unwrap_or_else(|| format!("{}/hil", options.holder.host));
    let client = Coordinator::connect(&source.coordinator, &session, COORDINATOR_TIMEOUT)
        .map_err(hil_labgrid::AcquireError::from)?;
    // Boards in maintenance are never acquired (their places stay free for whoever mends them).
    let mut selection = source.selection.clone();
    if let crate::bringup::BoardSelection::Except(names) = &opts.boards {
        selection.held_out = names.clone();
    }
    let held = hil_labgrid::acquire(client, &selection, &options)?;
    let boards = held
        .boards()
        .map_err(hil_labgrid::AcquireError::from)?
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    let mut notes = vec![format!(
        "holding labgrid places {} at {} as {session}",
        held.names().join(", "),
        source.coordinator
    )];
    for b in &boards {
        notes.push(format!(
            "{}: flashing {}",
            b.place,
            flashing_note(&b.flashing)
        ));
    }
    Ok(LabgridBoards {
        held,
        boards,
        notes,
    })
}

/// Holds the one place `source` names (`hil at`, `hil psu`): its board and the held place.
pub fn hold_one(
    source: &LabgridSource,
    opts: &LabOptions,
) -> Result<(DutSpec, HeldPlaces), LabError> {
    let mut boards = acquire_boards(source, opts)?;
    match boards.boards.len() {
        1 => Ok((boards.boards.remove(0).spec, boards.held)),
        n => Err(LabError::Dut {
            dut: source.selection.describe(),
            message: format!("names {n} labgrid places; name one with --place NAME"),
        }),
    }
}

/// The state directory, holder and wait of the board leases, for the places; what is healed
/// or left out, and what a waiting command waits for, is said on stderr as it happens (a
/// command that then fails still says it). Without a state directory the places cannot be
/// recorded, which is an error naming them.
fn acquire_options(source: &LabgridSource, opts: &LabOptions) -> Result<AcquireOptions, LabError> {
    let on_note = Arc::new(|n: &str| eprintln!("lab: {n}"));
    let on_wait = Arc::new(|w: &str| eprintln!("{w}"));
    let (state_dir, holder, wait, interrupt) = match &opts.leasing {
        Leasing::On(request) => (
            request.state_dir.clone().map_err(|e| {
                LabError::Lease(hil_lease::LeaseError::NoStateDir {
                    board: format!("labgrid {}", source.selection.describe()),
                    source: e,
                })
            })?,
            request.holder.clone(),
            match request.wait {
                Wait::Never => None,
                Wait::For(limit) => Some(limit),
            },
            request.interrupt.clone(),
        ),
        // Tests and benchmarks without leases: the records go next to the workspace.
        Leasing::Off => (
            opts.workspace_root.join("target").join("hil-state"),
            Holder::this_process("hil", None),
            None,
            Interrupt::default(),
        ),
    };
    Ok(AcquireOptions {
        state_dir,
        holder,
        wait,
        on_wait,
        on_note,
        interrupt,
    })
}

/// The places a rack file's `labgrid:` section names, if it has one (`path` is the file, for
/// errors).
pub fn rack_labgrid_source(
    rack: &hil_rack::RackFile,
    path: &std::path::Path,
) -> Result<Option<LabgridSource>, LabError> {
    let Some(section) = &rack.labgrid else {
        return Ok(None);
    };
    Ok(Some(LabgridSource {
        coordinator: coordinator_address(&section.coordinator, path)?,
        selection: hil_labgrid::PlaceSelection {
            names: section.places.clone(),
            tags: section.tags.clone(),
            held_out: Vec::new(),
        },
    }))
}

/// The coordinator `text` names, for a rack file's `labgrid:` section.
pub(crate) fn coordinator_address(text: &str, path: &std::path::Path) -> Result<Address, LabError> {
    Address::parse(text).map_err(|e| {
        LabError::Rack(hil_rack::error_at(
            path,
            &[
                hil_rack::Step::Key("labgrid"),
                hil_rack::Step::Key("coordinator"),
            ],
            e.to_string(),
        ))
    })
}
