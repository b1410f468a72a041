//! `hil sim`: starts simulated DUTs — an nRF91 modem behind a pseudo-terminal running the
//! firmware's console code, wired to a simulated bench supply — and keeps them running until
//! SIGINT/SIGTERM. Other programs (`hil at`, `hil psu`, nrfcredstore, a serial terminal) reach
//! them exactly like hardware.
//!
//! With `--json` each DUT is printed as one JSON object per line on stdout (name, profile,
//! serial, psu, probe, …) once it accepts connections; otherwise a table. `probe` is the
//! board's simulated-probe endpoint (`sim@127.0.0.1:PORT`), for `hil flash --probe`.

use std::collections::HashSet;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use clap::Args;
use hil_model::SupplyModel;
use hil_sim::rack::{ProfileSource, SimDutConfig, SimRack, SimRackConfig, short_names};

use crate::cli::TimingArg;
use crate::exit::{OrConfig, Status, config_error};
use crate::output;
use crate::signals;
use crate::supply_select::names;

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Modem firmware profile of a DUT, e.g. `mfw_nrf9160_1.3.6` (repeatable; default: one
    /// DUT per bundled profile).
    #[arg(long, value_name = "MFW", conflicts_with = "config")]
    pub profile: Vec<String>,

    /// A directory of modem profiles (`*.yaml`, e.g. from `hil characterize`), repeatable: a
    /// profile there takes the place of the bundled one of its firmware, and the default rack
    /// gets a DUT for each new firmware. Two directories with the same firmware are refused.
    #[arg(long, value_name = "DIR")]
    pub profile_dir: Vec<PathBuf>,

    /// Timing of the simulated DUTs (default fast, or the config file's).
    #[arg(long, value_enum)]
    pub timing: Option<TimingArg>,

    /// Simulated supply model of each DUT (default generic-scpi, or the config file's).
    #[arg(long, value_name = "MODEL", value_parser = names::<SupplyModel>(SupplyModel::NAMES))]
    pub supply: Option<SupplyModel>,

    /// Frame console input like the old at_host (ref §7.3) on every DUT.
    #[arg(long)]
    pub legacy_host: bool,

    /// Frame console input like the old at_host on the DUT called NAME (repeatable).
    #[arg(long, value_name = "NAME")]
    pub legacy_host_for: Vec<String>,

    /// Also expose each DUT's serial port as the stable symlink DIR/<name>.
    #[arg(long, value_name = "DIR")]
    pub link_dir: Option<PathBuf>,

    /// A simulated-rack configuration (YAML: `duts: [{name, profile, ...}]`, `timing`,
    /// `profile_dirs` relative to the file, ...).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// One JSON object per DUT per line on stdout instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// The rack configuration the arguments ask for.
fn config(args: &SimArgs) -> anyhow::Result<SimRackConfig> {
    let mut cfg = match &args.config {
        Some(path) => load_config(path)?,
        // The same default rack as `hil run`: the alpha behind the legacy at_host of report 2.
        None if args.profile.is_empty() => hil_lab::simulated::default_rack(
            args.timing.unwrap_or_default().into(),
            &args.profile_dir,
        )
        .or_config()?,
        None => SimRackConfig {
            duts: unique_names(&args.profile)
                .into_iter()
                .zip(&args.profile)
                .map(|(name, profile)| SimDutConfig::new(name, profile.clone()))
                .collect(),
            timing: args.timing.unwrap_or_default().into(),
            profile_dirs: args.profile_dir.clone(),
            link_dir: None,
        },
    };
    if args.config.is_some() {
        cfg.profile_dirs.extend(args.profile_dir.iter().cloned());
    }
    if let Some(timing) = args.timing {
        cfg.timing = timing.into();
    }
    if let Some(dir) = &args.link_dir {
        cfg.link_dir = Some(dir.clone());
    }
    for dut in &mut cfg.duts {
        if let Some(model) = args.supply {
            dut.supply = model;
        }
        if args.legacy_host {
            dut.legacy_host = true;
        }
    }
    for name in &args.legacy_host_for {
        let dut = cfg.duts.iter_mut().find(|d| &d.name == name);
        match dut {
            Some(dut) => dut.legacy_host = true,
            None => {
                let names: Vec<&str> = cfg.duts.iter().map(|d| d.name.as_str()).collect();
                return Err(config_error(format!(
                    "--legacy-host-for {name}: no simulated DUT is called `{name}` (DUTs: {})",
                    names.join(", ")
                )));
            }
        }
    }
    if cfg.duts.is_empty() {
        return Err(config_error("no simulated DUTs to start"));
    }
    Ok(cfg)
}

fn load_config(path: &PathBuf) -> anyhow::Result<SimRackConfig> {
    let text = std::fs::read_to_string(path)
        .or_config_with(|| format!("cannot read {}", path.display()))?;
    let mut cfg: SimRackConfig = serde_yaml_ng::from_str(&text).map_err(|e| {
        let place = e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        config_error(format!("{}{place}: {e}", path.display()))
    })?;
    // A relative profile directory is relative to the file, like everything else in it.
    if let Some(base) = path.parent() {
        for dir in cfg.profile_dirs.iter_mut().filter(|d| d.is_relative()) {
            *dir = base.join(&*dir);
        }
    }
    Ok(cfg)
}

/// DUT names for profiles: `sim-<version>`, with `-2`, `-3`, … when a profile repeats.
fn unique_names(profiles: &[String]) -> Vec<String> {
    let mut distinct: Vec<String> = Vec::new();
    for p in profiles {
        if !distinct.contains(p) {
            distinct.push(p.clone());
        }
    }
    let short = short_names(&distinct);
    let mut seen = HashSet::new();
    profiles
        .iter()
        .map(|p| {
            let i = distinct.iter().position(|d| d == p).unwrap_or(0);
            let base = short.get(i).cloned().unwrap_or_else(|| p.clone());
            let mut name = base.clone();
            let mut n = 1;
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{base}-{n}");
            }
            name
        })
        .collect()
}

pub fn run(args: SimArgs) -> anyhow::Result<Status> {
    let cfg = config(&args)?;
    // Before anything starts, so a signal right after the first line is handled.
    let stop = Arc::new(AtomicBool::new(false));
    signals::register(&stop)?;

    let rack = SimRack::start(cfg).or_config()?;
    print_duts(&rack, args.json)?;
    if !args.json {
        eprintln!("simulated rack running; Ctrl-C to stop");
    }

    let mut reported_dead = HashSet::new();
    let mut last_check = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(50));
        if last_check.elapsed() >= Duration::from_secs(1) {
            last_check = Instant::now();
            for dut in rack.duts() {
                if !dut.control.is_running() && reported_dead.insert(dut.name.clone()) {
                    tracing::error!(dut = %dut.name, "the simulated DUT's thread stopped");
                }
            }
        }
    }
    tracing::info!("stopping the simulated rack");
    drop(rack);
    Ok(Status::Success)
}

fn print_duts(rack: &SimRack, json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        for dut in rack.duts() {
            writeln!(out, "{}", dut.describe()).context("writing to stdout")?;
            out.flush().context("writing to stdout")?;
        }
        return Ok(());
    }
    let mut table = output::table([
        "DUT", "profile", "serial", "supply", "probe", "IMEI", "timing",
    ]);
    for dut in rack.duts() {
        let supply = format!("{} {}", dut.psu_model, dut.psu);
        let serial = if dut.legacy_host {
            format!("{} (legacy at_host)", dut.serial.display())
        } else {
            dut.serial.display().to_string()
        };
        let profile = match &dut.profile_source {
            ProfileSource::Bundled(_) => dut.profile.clone(),
            file => format!("{} ({file})", dut.profile),
        };
        table.add_row([
            dut.name.clone(),
            profile,
            serial,
            supply,
            dut.probe.clone(),
            dut.imei.clone(),
            dut.timing.to_string(),
        ]);
    }
    writeln!(out, "{table}").context("writing to stdout")?;
    out.flush().context("writing to stdout")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Wrap {
        #[command(flatten)]
        sim: SimArgs,
    }

    fn cfg(args: &[&str]) -> anyhow::Result<SimRackConfig> {
        let mut all = vec!["sim"];
        all.extend_from_slice(args);
        config(&Wrap::try_parse_from(all)?.sim)
    }

    #[test]
    fn default_is_one_dut_per_bundled_profile() {
        let c = cfg(&[]).unwrap();
        assert_eq!(
            c.duts.len(),
            SimRackConfig::default_rack(Default::default()).duts.len()
        );
    }

    #[test]
    fn repeated_profiles_get_unique_names_and_options_apply() {
        let c = cfg(&[
            "--profile",
            "mfw_nrf9160_1.3.6",
            "--profile",
            "mfw_nrf9160_1.3.6",
            "--supply",
            "korad",
            "--legacy-host-for",
            "sim-1.3.6-2",
            "--timing",
            "realistic",
        ])
        .unwrap();
        let names: Vec<_> = c.duts.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["sim-1.3.6", "sim-1.3.6-2"]);
        assert!(c.duts.iter().all(|d| d.supply == SupplyModel::Korad));
        assert!(!c.duts[0].legacy_host && c.duts[1].legacy_host);
        assert!(c.timing.is_realistic());
    }

    #[test]
    fn profile_dirs_add_to_the_default_rack_and_to_a_config_file() {
        let tmp = tempfile::tempdir().unwrap();
        let profiles = tmp.path().join("profiles");
        std::fs::create_dir(&profiles).unwrap();
        // A firmware no bundled profile has, so only the directory can give its board.
        let added = hil_sim::profile::unbundled_successor("mfw_nrf9160_1.3.6").unwrap();
        let base = hil_sim::profile::bundled_profile("mfw_nrf9160_1.3.6").unwrap();
        let text = serde_yaml_ng::to_string(&base)
            .unwrap()
            .replace("1.3.6", added.trim_start_matches("mfw_nrf9160_"));
        std::fs::write(profiles.join(format!("{added}.yaml")), text).unwrap();
        let dir = profiles.to_str().unwrap();
        assert!(!cfg(&[]).unwrap().duts.iter().any(|d| d.profile == added));
        let c = cfg(&["--profile-dir", dir]).unwrap();
        assert!(c.duts.iter().any(|d| d.profile == added));
        assert_eq!(c.profile_dirs, std::slice::from_ref(&profiles));
        let config = tmp.path().join("sim.yaml");
        std::fs::write(
            &config,
            format!("duts: [{{ name: a, profile: {added} }}]\nprofile_dirs: [profiles]\n"),
        )
        .unwrap();
        let c = cfg(&[
            "--config",
            config.to_str().unwrap(),
            "--profile-dir",
            "more",
        ])
        .unwrap();
        assert_eq!(c.profile_dirs, [profiles, PathBuf::from("more")]);
    }

    #[test]
    fn unknown_names_are_refused() {
        let e = cfg(&["--legacy-host-for", "nope"]).unwrap_err();
        assert!(e.to_string().contains("nope"), "{e}");
        assert!(cfg(&["--supply", "acme"]).is_err());
    }
}
