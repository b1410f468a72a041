//! One settings value, built once from what the command line gave and the environment.
//!
//! Each setting comes from the command line, else its environment variable, else its default:
//!
//! | setting | command line | variable | default |
//! |---|---|---|---|
//! | rack | `--rack` | `HIL_RACK` | the simulated rack |
//! | labgrid places (instead of a rack) | `--labgrid HOST:PORT` with `--place`/`--place-tag` | `LG_COORDINATOR` (with `--place`/`--place-tag`) | — |
//! | labgrid session name | — | `LG_HOSTNAME`, `LG_USERNAME` (else `USER`) | `<host>/<user>` |
//! | simulated timing | `--timing` | `HIL_TIMING` | fast |
//! | report directory | `--report-dir` | `HIL_REPORT_DIR` | `hil-report` (`hil run`), `<cargo target dir>/hil-report` (`cargo test --test hil`) |
//! | retries | `--retries` | `HIL_RETRIES` | 0 |
//! | firmware image | `--firmware` | `FUT_ELF` | the rack file's image, else the CI build output |
//! | state directory (board leases, health, run history) | `--state-dir` | `HIL_STATE_DIR` | the per-user state directory + `hil` |
//! | wait for leased boards | `--wait-for-boards` | — | fail at once |
//! | run id in leases | — | `HIL_RUN_ID` | none |
//! | maintenance threshold | `--maintenance-after` | — | the rack file's `maintenance_after`, else 3 |
//! | quarantine file | `--quarantine` | — | the rack file's `quarantine` |
//! | simulator profile directories | `--profile-dir` (repeatable) | — | the rack file's `profile_dirs` (both apply) |
//!
//! A variable that does not parse is an error naming it, never a silent default.

use std::path::PathBuf;
use std::time::Duration;

use hil_lab::{LabOptions, LabgridSource, Leasing, RackSource, Shard};
use hil_labgrid::{Address, PlaceSelection};
use hil_report::{LiveProgress, ReporterOptions};
use hil_runner::Filter;
use hil_sim::timing::Timing;

use crate::env::{
    CARGO_TARGET_DIR, Env, FUT_ELF, HIL_RACK, HIL_REPORT_DIR, HIL_RETRIES, HIL_SSH_CONFIG,
    HIL_TIMING, LG_COORDINATOR, LG_HOSTNAME, LG_USERNAME, USER,
};
use crate::history::HistoryPlace;
use crate::provenance::Provenance;
use crate::target_dir::{LIBTEST_REPORT_DIR, target_dir};

/// The report directory of `hil run` when neither `--report-dir` nor `HIL_REPORT_DIR` is given.
pub const CLI_REPORT_DIR: &str = "hil-report";

/// Which front end runs the suites: it decides the defaults that differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frontend {
    /// `hil run`: reports in `./hil-report`, live progress on stderr.
    Cli,
    /// `cargo test --test hil`: reports in the cargo target directory, libtest's own lines.
    Libtest,
}

impl Frontend {
    /// How board leases name it.
    pub fn program(self) -> &'static str {
        match self {
            Frontend::Cli => "hil run",
            Frontend::Libtest => "cargo test --test hil",
        }
    }
}

/// What the command line asked for about the lab; `None` means not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabRequest {
    /// `--rack`.
    pub rack: Option<PathBuf>,
    /// `--firmware`.
    pub firmware: Option<PathBuf>,
    /// `--timing`.
    pub timing: Option<Timing>,
    /// `false` never flashes (`--no-flash`, `hil doctor`).
    pub flash: bool,
    /// `--state-dir`.
    pub state_dir: Option<PathBuf>,
    /// `--wait-for-boards`: how long to wait for boards another command holds.
    pub wait_for_boards: Option<Duration>,
    /// The program named as the leases' holder (default: the front end, e.g. `hil run`).
    pub program: Option<String>,
    /// `--profile-dir` (repeatable): simulator modem profiles, after the rack file's.
    pub profile_dirs: Vec<PathBuf>,
    /// `--labgrid`, `--place`, `--place-tag`.
    pub labgrid: LabgridRequest,
}

/// What the command line asked for about labgrid places.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabgridRequest {
    /// `--labgrid HOST:PORT`.
    pub coordinator: Option<String>,
    /// `--place NAME` (repeatable).
    pub places: Vec<String>,
    /// `--place-tag KEY=VALUE` (repeatable).
    pub tags: Vec<String>,
}

/// What the command line asked for about a run; `None` means not given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    /// The lab part.
    pub lab: LabRequest,
    /// `--report-dir`.
    pub report_dir: Option<PathBuf>,
    /// `--retries`.
    pub retries: Option<u32>,
    /// `--shard K/N`: only this shard of the rack's boards.
    pub shard: Option<Shard>,
    /// `--list`: list the trials, run nothing, flash nothing, write no reports.
    pub list: bool,
    /// The trial filter (`hil run`; libtest applies its own).
    pub filter: Filter,
    /// Board health and quarantine (`hil run`).
    pub nightly: NightlyRequest,
}

/// What the command line asked for about board health and quarantine; `None` means not given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NightlyRequest {
    /// `--state-dir`.
    pub state_dir: Option<PathBuf>,
    /// `--maintenance-after N`.
    pub maintenance_after: Option<u32>,
    /// `--quarantine FILE`.
    pub quarantine: Option<PathBuf>,
    /// `--quarantine-verify`: run only quarantined trials and say which now pass.
    pub quarantine_verify: bool,
}

impl Default for RunRequest {
    fn default() -> Self {
        RunRequest {
            lab: LabRequest {
                flash: true,
                ..LabRequest::default()
            },
            report_dir: None,
            retries: None,
            shard: None,
            list: false,
            filter: Filter::all(),
            nightly: NightlyRequest::default(),
        }
    }
}

/// A setting from the environment that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}={value:?}: {problem}")]
#[non_exhaustive]
pub struct SettingsError {
    /// The variable.
    pub name: &'static str,
    /// Its value.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

/// Where the lab comes from and how to bring it up.
#[derive(Debug, Clone)]
pub struct LabSettings {
    /// The rack.
    pub rack: RackSource,
    /// Bring-up options (timing, image search, flashing, workspace root).
    pub options: LabOptions,
}

impl LabSettings {
    /// From `request`, else the environment, else the defaults.
    pub fn resolve(request: LabRequest, env: &Env) -> Result<LabSettings, SettingsError> {
        let timing = match request.timing {
            Some(timing) => timing,
            None => timing_from(env)?,
        };
        let program = request.program.as_deref().unwrap_or("hil");
        let leases = crate::leases::lease_request(
            program,
            request.state_dir.as_deref(),
            request.wait_for_boards,
            env,
        );
        let labgrid_session = Some(labgrid_session(&leases.holder.host, env));
        Ok(LabSettings {
            rack: lab_source(request.rack, &request.labgrid, env)?,
            options: LabOptions {
                labgrid_session,
                ssh_config: env.path(HIL_SSH_CONFIG),
                timing,
                firmware: request.firmware,
                fut_elf: env.path(FUT_ELF),
                flash: request.flash,
                workspace_root: crate::provenance::workspace_root(env.cwd()),
                leasing: Leasing::On(leases),
                profile_dirs: request.profile_dirs,
                ..LabOptions::default()
            },
        })
    }
}

/// The boards: `--rack`, else labgrid places (`--labgrid`, or `--place`/`--place-tag` with
/// `LG_COORDINATOR`), else `HIL_RACK`, else the simulated rack.
pub fn lab_source(
    rack: Option<PathBuf>,
    labgrid: &LabgridRequest,
    env: &Env,
) -> Result<RackSource, SettingsError> {
    let asked = !labgrid.places.is_empty() || !labgrid.tags.is_empty();
    if let (Some(rack), true) = (&rack, labgrid.coordinator.is_some() || asked) {
        return Err(SettingsError {
            name: "--rack",
            value: rack.display().to_string(),
            problem: "a rack file and labgrid places (--labgrid, --place, --place-tag) are two \
                      sources of boards; give one"
                .into(),
        });
    }
    if rack.is_some() || (labgrid.coordinator.is_none() && !asked) {
        return Ok(rack_source(rack, env));
    }
    let (name, text) = match (&labgrid.coordinator, env.text(LG_COORDINATOR)) {
        (Some(given), _) => ("--labgrid", given.clone()),
        (None, Some(from_env)) => (LG_COORDINATOR, from_env),
        (None, None) => {
            return Err(SettingsError {
                name: if labgrid.places.is_empty() {
                    "--place-tag"
                } else {
                    "--place"
                },
                value: labgrid
                    .places
                    .iter()
                    .chain(&labgrid.tags)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" "),
                problem: format!(
                    "labgrid places need a coordinator: give --labgrid HOST:PORT or set {LG_COORDINATOR}"
                ),
            });
        }
    };
    let bad = |name: &'static str, value: &str, problem: String| SettingsError {
        name,
        value: value.to_string(),
        problem,
    };
    let coordinator = Address::parse(&text).map_err(|e| bad(name, &text, e.to_string()))?;
    let mut selection = PlaceSelection {
        names: labgrid.places.clone(),
        ..PlaceSelection::default()
    };
    for tag in &labgrid.tags {
        let (k, v) = PlaceSelection::parse_tag(tag).map_err(|e| bad("--place-tag", tag, e))?;
        selection.tags.insert(k, v);
    }
    if selection.is_empty() {
        return Err(bad(
            name,
            &text,
            "name the places: --place NAME or --place-tag KEY=VALUE".into(),
        ));
    }
    Ok(RackSource::Labgrid(LabgridSource {
        coordinator,
        selection,
    }))
}

/// The labgrid session name, `host/user`, as labgrid-client makes it.
fn labgrid_session(host: &str, env: &Env) -> String {
    let host = env.text(LG_HOSTNAME).unwrap_or_else(|| host.to_string());
    let user = env
        .text(LG_USERNAME)
        .or_else(|| env.text(USER))
        .unwrap_or_else(|| "hil".to_string());
    format!("{host}/{user}")
}

/// The rack: `explicit` (`--rack`), else `HIL_RACK`, else the simulated rack.
pub fn rack_source(explicit: Option<PathBuf>, env: &Env) -> RackSource {
    RackSource::resolve_from(explicit, env.path(HIL_RACK))
}

/// Everything a run needs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The front end.
    pub frontend: Frontend,
    /// The lab.
    pub lab: LabSettings,
    /// Where reports go.
    pub report_dir: PathBuf,
    /// The directory the run started in (the current directory): report attachment paths
    /// under it are relative to it.
    pub started_in: Option<PathBuf>,
    /// Extra attempts for a failed or errored trial.
    pub retries: u32,
    /// List only.
    pub list: bool,
    /// The trial filter.
    pub filter: Filter,
    /// What reporters show on the terminal besides the files.
    pub reporters: ReporterOptions,
    /// Commit and host recorded with the run.
    pub provenance: Provenance,
    /// Where the run is recorded.
    pub history: HistoryPlace,
    /// Board health and quarantine: what the command line gave, its `state_dir` resolved
    /// ([`crate::state_dir`]: `--state-dir`, else `HIL_STATE_DIR`, else the platform's; `None`
    /// when none is known).
    pub nightly: NightlyRequest,
}

impl Settings {
    /// From `request`, else the environment, else the defaults of `frontend`.
    pub fn resolve(
        frontend: Frontend,
        request: RunRequest,
        env: &Env,
    ) -> Result<Settings, SettingsError> {
        let mut lab_request = request.lab;
        lab_request
            .program
            .get_or_insert_with(|| frontend.program().to_string());
        let history = HistoryPlace::resolve(lab_request.state_dir.as_deref(), env);
        let mut lab = LabSettings::resolve(lab_request, env)?;
        lab.options.flash &= !request.list;
        lab.options.shard = request.shard;
        let report_dir = request
            .report_dir
            .or_else(|| env.path(HIL_REPORT_DIR))
            .unwrap_or_else(|| default_report_dir(frontend, env, &lab.options.workspace_root));
        lab.options.artifacts_dir = Some(report_dir.join("artifacts"));
        let retries = match request.retries {
            Some(n) => n,
            None => retries_from(env)?,
        };
        Ok(Settings {
            frontend,
            lab,
            report_dir,
            started_in: env.cwd().map(std::path::Path::to_path_buf),
            retries,
            list: request.list,
            filter: request.filter,
            reporters: reporter_options(frontend, env),
            provenance: Provenance::from_env(env),
            history,
            nightly: NightlyRequest {
                state_dir: crate::state_dir(request.nightly.state_dir.as_deref(), env).ok(),
                ..request.nightly
            },
        })
    }
}

fn default_report_dir(frontend: Frontend, env: &Env, root: &std::path::Path) -> PathBuf {
    match frontend {
        Frontend::Cli => PathBuf::from(CLI_REPORT_DIR),
        Frontend::Libtest => {
            let cargo_target_dir = env.path(CARGO_TARGET_DIR);
            target_dir(env.exe(), cargo_target_dir.as_deref(), root).join(LIBTEST_REPORT_DIR)
        }
    }
}

fn reporter_options(frontend: Frontend, env: &Env) -> ReporterOptions {
    let live_progress = match frontend {
        Frontend::Libtest => LiveProgress::Off,
        Frontend::Cli if env.interactive() => LiveProgress::Bars,
        Frontend::Cli => LiveProgress::Lines,
    };
    ReporterOptions {
        live_progress,
        summary_table: true,
    }
}

fn timing_from(env: &Env) -> Result<Timing, SettingsError> {
    let Some(text) = env.text(HIL_TIMING) else {
        return Ok(Timing::Fast);
    };
    text.parse().map_err(|problem| SettingsError {
        name: HIL_TIMING,
        value: text,
        problem,
    })
}

fn retries_from(env: &Env) -> Result<u32, SettingsError> {
    let Some(text) = env.text(HIL_RETRIES) else {
        return Ok(0);
    };
    match text.parse::<u32>() {
        Ok(n) if n <= hil_runner::MAX_RETRIES => Ok(n),
        _ => Err(SettingsError {
            name: HIL_RETRIES,
            value: text,
            problem: format!(
                "not a number of extra attempts from 0 to {} (as `--retries`)",
                hil_runner::MAX_RETRIES
            ),
        }),
    }
}
