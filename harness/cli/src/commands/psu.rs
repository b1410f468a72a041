//! `hil psu`: bench work on one power supply — identify it, set a voltage, switch the output,
//! measure, or run a voltage profile and export its trace. The supply comes from a rack file
//! (`--rack FILE --dut NAME`, with that DUT's limits) or is given ad hoc (`--driver`,
//! `--address`, and explicit `--min-volts/--max-volts/--max-amps`). Every set point goes
//! through the limit guard. Before connecting, it holds the lease of the rack DUT (or of the
//! ad hoc supply output), so it never drives a supply a run or another `hil psu` is using.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use hil_power::{GuardedSupply, Profile, ReadingOrigin, RunOptions, Settled, Trace};

use crate::exit::{Status, config_error};
use crate::lease_args::LeaseArgs;
use crate::supply_select::{self, SupplySelection, power_error};

#[derive(Debug, Args)]
pub struct PsuArgs {
    #[command(flatten)]
    pub supply: SupplySelection,

    #[command(flatten)]
    pub lease: LeaseArgs,

    #[command(subcommand)]
    pub action: PsuAction,
}

#[derive(Debug, Subcommand)]
pub enum PsuAction {
    /// Print the instrument's identity.
    Identify,
    /// Program a voltage (and optionally a current limit); the output state is not changed.
    Set {
        /// Volts.
        volts: f64,
        /// Current limit, amps.
        #[arg(long, value_name = "AMPS")]
        current: Option<f64>,
    },
    /// Program a voltage and switch the output on; waits until it settles.
    On {
        /// Volts to switch on at (the guard needs a known set point before switching on).
        #[arg(long, value_name = "VOLTS")]
        volts: f64,
        /// Current limit, amps.
        #[arg(long, value_name = "AMPS")]
        current: Option<f64>,
    },
    /// Switch the output off; waits until it has fallen.
    Off,
    /// Measure output voltage and current.
    Measure,
    /// Run a voltage profile (YAML steps, ramps, dips) and optionally export its trace.
    Profile {
        /// The profile file.
        file: PathBuf,
        /// Write the trace as CSV.
        #[arg(long, value_name = "F")]
        trace_csv: Option<PathBuf>,
        /// Write the trace as SVG.
        #[arg(long, value_name = "F")]
        trace_svg: Option<PathBuf>,
    },
}

pub fn run(args: PsuArgs) -> anyhow::Result<Status> {
    crate::signals::release_places_on_stop()?;
    if let PsuAction::Profile { file, .. } = &args.action {
        // A bad profile is reported before connecting to anything.
        Profile::load(file).map_err(config_error)?;
    }
    let selected = supply_select::resolve(&args.supply, &args.lease)?;
    let _leases = args
        .lease
        .take("hil psu", std::slice::from_ref(&selected.claim))?;
    let mut psu = supply_select::open(&selected)?;
    match args.action {
        PsuAction::Identify => {
            println!("{}", psu.identify().map_err(power_error)?);
        }
        PsuAction::Set { volts, current } => {
            set(&mut psu, volts, current)?;
            let settled = psu.set_voltage(volts).map_err(power_error)?;
            println!("{}: set point {volts:.3} V", psu.describe());
            if let Some(s) = settled {
                println!("{}", settled_text(&s));
            }
        }
        PsuAction::On { volts, current } => {
            set(&mut psu, volts, current)?;
            psu.command_voltage(volts).map_err(power_error)?;
            let settled = psu.set_output(true).map_err(power_error)?;
            println!("{}: output on at {volts:.3} V", psu.describe());
            println!("{}", settled_text(&settled));
        }
        PsuAction::Off => {
            let settled = psu.set_output(false).map_err(power_error)?;
            println!("{}: output off", psu.describe());
            println!("{}", settled_text(&settled));
        }
        PsuAction::Measure => measure(&mut psu)?,
        PsuAction::Profile {
            file,
            trace_csv,
            trace_svg,
        } => return profile(&mut psu, &file, trace_csv, trace_svg),
    }
    Ok(Status::Success)
}

fn set(psu: &mut GuardedSupply, volts: f64, current: Option<f64>) -> anyhow::Result<()> {
    // Checked up front, so a bad voltage does not leave a new current limit behind.
    psu.check_volts(volts).map_err(power_error)?;
    if let Some(amps) = current {
        psu.set_current_limit(amps).map_err(power_error)?;
    }
    Ok(())
}

fn settled_text(s: &Settled) -> String {
    if s.assumed() {
        format!(
            "settled (assumed: no voltage readback) after {:.0} ms",
            s.elapsed.as_secs_f64() * 1e3
        )
    } else {
        format!(
            "settled: {:.3} V after {:.0} ms ({} readings)",
            s.reading,
            s.elapsed.as_secs_f64() * 1e3,
            s.polls
        )
    }
}

fn measure(psu: &mut GuardedSupply) -> anyhow::Result<()> {
    let (v, a) = psu.sample().map_err(power_error)?;
    let origin = |o: ReadingOrigin| match o {
        ReadingOrigin::Measured => "",
        ReadingOrigin::SetPoint => " (set point; no readback)",
    };
    println!("{:.4} V{}", v.value, origin(v.origin));
    match a {
        Some(a) => println!("{:.6} A{}", a.value, origin(a.origin)),
        None => println!("current: not measurable on this instrument"),
    }
    Ok(())
}

fn profile(
    psu: &mut GuardedSupply,
    file: &PathBuf,
    csv: Option<PathBuf>,
    svg: Option<PathBuf>,
) -> anyhow::Result<Status> {
    let profile = Profile::load(file).map_err(config_error)?;
    let started = Instant::now();
    let (trace, failure) = match hil_power::run_profile(&profile, psu, RunOptions::new(started)) {
        Ok(trace) => (trace, None),
        Err(e) => {
            let trace = e.trace.clone();
            (trace, Some(e))
        }
    };
    write_trace(&trace, csv, svg)?;
    let steps = profile.steps.len();
    if let Some(e) = failure {
        let validation = e.step.is_none();
        let message = format!("{}: {e}", file.display());
        return Err(if validation {
            config_error(message)
        } else {
            anyhow::anyhow!(message)
        });
    }
    println!(
        "{}: {steps} steps in {:.2} s, {} trace points{}",
        file.display(),
        started.elapsed().as_secs_f64(),
        trace.points.len(),
        trace
            .min_measured_volts()
            .map(|v| format!(", lowest measured {v:.3} V"))
            .unwrap_or_default()
    );
    Ok(Status::Success)
}

fn write_trace(trace: &Trace, csv: Option<PathBuf>, svg: Option<PathBuf>) -> anyhow::Result<()> {
    if let Some(path) = csv {
        trace
            .write_csv(&path)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("trace: {}", path.display());
    }
    if let Some(path) = svg {
        trace
            .write_svg(&path)
            .with_context(|| format!("writing {}", path.display()))?;
        eprintln!("trace: {}", path.display());
    }
    Ok(())
}
