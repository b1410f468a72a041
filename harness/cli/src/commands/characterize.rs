//! `hil characterize`: measures one DUT's modem into a modem-firmware profile the simulator
//! loads (`--out`), with a policy block and provenance; with `--base`, prints what differs from
//! an existing profile, field by field. Without `--rack`, on the default simulated rack.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use anyhow::{Context, bail};
use clap::Args;
use hil_app::{Env, LabRequest, LabSettings};
use hil_characterize::{Options, Scratch, characterize, diff_profiles, emit};
use hil_lab::SupplyState;
use hil_sim::profile::{Measurement, Profile, ProfileError, bundled_profile, load_profile};

use crate::cli::TimingArg;
use crate::exit::{OrConfig, Status};

#[derive(Debug, Args)]
pub struct CharacterizeArgs {
    /// Rack file (default: `HIL_RACK`, else the simulated rack).
    #[arg(long, value_name = "FILE")]
    pub rack: Option<PathBuf>,

    /// The DUT to characterize (its name in the rack).
    #[arg(long, value_name = "NAME")]
    pub dut: String,

    /// Where to write the profile (`<mfw>.yaml` to load it with `--profile-dir`).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Profile to carry unmeasured fields from and to diff against: a file, or a bundled
    /// profile's name (e.g. `mfw_nrf9160_1.3.6`).
    #[arg(long, value_name = "PROFILE")]
    pub base: Option<String>,

    /// The only sec_tags the run may write, `FIRST-LAST` (default 2000000000-2000000299).
    #[arg(long, value_name = "FIRST-LAST")]
    pub scratch_tags: Option<String>,

    /// Also measure the store's capacity (writes until 515: wears the modem's flash).
    #[arg(long)]
    pub capacity: bool,

    /// Repetitions per command for the latency table (0: skip).
    #[arg(long, default_value_t = 5)]
    pub latency_runs: usize,

    /// Timing of simulated DUTs (realistic: latencies are measurable).
    #[arg(long, value_enum, default_value_t = TimingArg::Fast)]
    pub timing: TimingArg,

    /// A directory of simulator modem profiles for simulated DUTs (repeatable), as with
    /// `hil run`.
    #[arg(long, value_name = "DIR")]
    pub profile_dir: Vec<PathBuf>,
}

pub fn run(args: CharacterizeArgs) -> anyhow::Result<Status> {
    let base = args.base.as_deref().map(resolve_base).transpose()?;
    let timing = args.timing.into();
    let request = LabRequest {
        rack: args.rack,
        timing: Some(timing),
        flash: false,
        profile_dirs: args.profile_dir.clone(),
        ..LabRequest::default()
    };
    let settings = LabSettings::resolve(request, &Env::capture()).or_config()?;
    let lab = hil_app::bring_up(&settings).or_config()?;
    let (boards, _guard) = lab.into_parts();
    let Some(mut board) = boards.into_iter().find(|b| b.name() == args.dut) else {
        bail!("no DUT `{}` in {}", args.dut, settings.rack.describe());
    };
    if let Some(fault) = board.fault() {
        bail!("DUT `{}` did not come up: {fault}", args.dut);
    }
    let mut opts = Options::new(journal_path(&args.out));
    if let Some(text) = &args.scratch_tags {
        opts.scratch = Scratch::parse(text)?;
    }
    opts.capacity = args.capacity;
    opts.latency_runs = args.latency_runs;
    opts.base = base.clone();
    opts.sim_timing = timing;
    let supply = match board.supply() {
        SupplyState::Usable(s) => s.describe(),
        SupplyState::Undeclared => "none".to_string(),
        SupplyState::Failed(f) => format!("unusable: {f}"),
    };
    let started = std::time::Instant::now();
    let findings = characterize(&mut board, &opts)
        .with_context(|| format!("characterizing `{}`", args.dut))?;
    let run = Measurement {
        date: hil_characterize::emit::rfc3339(SystemTime::now()),
        board: args.dut.clone(),
        imei_hash: findings.imei_hash.clone().unwrap_or_default(),
        harness_version: env!("CARGO_PKG_VERSION").to_string(),
        supply,
        timing: board.sim.is_some().then(|| timing.to_string()),
    };
    let emitted = emit(&findings, base.as_ref(), run)?;
    std::fs::write(&args.out, emitted.to_yaml()?)
        .with_context(|| format!("writing {}", args.out.display()))?;
    report(
        &args.out,
        &emitted.profile,
        base.as_ref(),
        started.elapsed(),
    );
    Ok(Status::Success)
}

/// The journal of a run writing `out`: next to it.
fn journal_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".journal");
    out.with_file_name(name)
}

/// A file path, else a bundled profile's name.
fn resolve_base(text: &str) -> anyhow::Result<Profile> {
    let path = Path::new(text);
    if path.exists() {
        return Ok(load_profile(path)?);
    }
    match bundled_profile(text) {
        Err(ProfileError::NotBundled { .. }) => Err(anyhow::anyhow!(
            "--base `{text}`: neither a profile file nor a bundled profile name"
        )),
        other => Ok(other?),
    }
}

fn report(out: &Path, p: &Profile, base: Option<&Profile>, took: std::time::Duration) {
    println!(
        "wrote {} ({}) in {:.1} s",
        out.display(),
        p.name(),
        took.as_secs_f64()
    );
    if let Some(prov) = &p.provenance
        && !prov.unmeasured.is_empty()
    {
        println!("not measured:");
        for (path, why) in &prov.unmeasured {
            println!("  {path}: {why}");
        }
    }
    if let Some(base) = base {
        let diffs = diff_profiles(base, p);
        if diffs.is_empty() {
            println!("no differences from {}", base.name());
        } else {
            println!("differences from {} (base -> measured):", base.name());
            for d in diffs {
                println!("  {d}");
            }
        }
    }
}
