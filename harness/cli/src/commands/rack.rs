//! `hil rack discover --serial-dir DIR`: asks every console in DIR (default
//! `/dev/serial/by-id`) who it is — modem firmware, IMEI, firmware-under-test id — pairs the
//! ports with the debug probes probe-rs lists (by the USB serial number a port carries), and
//! writes a rack file skeleton (stdout, or `--out FILE`) that validates, every guess marked by
//! a comment and every port that did not answer AT or probe without a port listed in a comment.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use hil_lab::discover::{Pairing, PortAnswer, ProbeMatch, discover, pair, rack_skeleton, usb};

use crate::exit::{Status, config_error};

#[derive(Debug, Args)]
pub struct RackArgs {
    #[command(subcommand)]
    pub command: RackCommand,
}

#[derive(Debug, Subcommand)]
pub enum RackCommand {
    /// Find the boards on the serial ports, pair them with probes, write a rack file skeleton.
    Discover(DiscoverArgs),
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// Directory of stable serial port paths.
    #[arg(long, value_name = "DIR", default_value = "/dev/serial/by-id")]
    pub serial_dir: PathBuf,

    /// Baud rate of the consoles.
    #[arg(long, default_value_t = 115_200)]
    pub baud: u32,

    /// Deadline of each AT command, seconds.
    #[arg(long, value_name = "SECS", default_value_t = 2)]
    pub timeout: u64,

    /// The rack's name in the skeleton (default: this host's name).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Write the skeleton to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(args: RackArgs) -> anyhow::Result<Status> {
    match args.command {
        RackCommand::Discover(args) => discover_rack(args),
    }
}

fn discover_rack(args: DiscoverArgs) -> anyhow::Result<Status> {
    let dir = &args.serial_dir;
    let answers = discover(dir, args.baud, Duration::from_secs(args.timeout.max(1)))
        .map_err(|e| config_error(format!("--serial-dir {}: {e}", dir.display())))?;
    let ports: Vec<PathBuf> = answers.iter().map(|a| a.port().to_path_buf()).collect();
    let pairing = pair(&hil_flash::list_probes(), &usb::port_usb(&ports));
    for answer in &answers {
        eprintln!("{}", answer_line(answer, &pairing));
    }
    let name = args
        .name
        .clone()
        .unwrap_or_else(|| hil_runner::RunInfo::new("").host);
    let Some(yaml) = rack_skeleton(&name, dir, &answers, &pairing) else {
        return Err(config_error(format!(
            "no console in {} answered AT ({} ports tried)",
            dir.display(),
            answers.len()
        )));
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, &yaml).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{yaml}"),
    }
    Ok(Status::Success)
}

/// One stderr line per port: what it answered and which probe it belongs to.
fn answer_line(answer: &PortAnswer, pairing: &Pairing) -> String {
    let port = answer.port();
    let what = match answer {
        PortAnswer::Board { revision, .. } => revision.as_str(),
        PortAnswer::Silent { why, .. } => why.as_str(),
    };
    match pairing.of(port) {
        ProbeMatch::Paired(probe) => format!("{}: {what}; probe {probe}", port.display()),
        ProbeMatch::Ambiguous(probes) => {
            format!(
                "{}: {what}; {} probes carry its serial",
                port.display(),
                probes.len()
            )
        }
        ProbeMatch::Unpaired => format!("{}: {what}", port.display()),
    }
}
