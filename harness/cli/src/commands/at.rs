//! `hil at`: sends AT commands to a console through the harness's own client and prints each
//! answer (information lines, then the final result) and any URC that arrived meanwhile. The
//! console is a rack DUT's (`--rack FILE --dut NAME`, holding that board's lease) or a port
//! named directly (`--port`, holding that port's lease).
//!
//! Commands and everything printed go through the transcripts' redaction (`hil_at::redact`):
//! a PSK or private-key write shows as `[REDACTED n bytes]`, in the echo, answers and errors.
//!
//! Exit status: 0 when every command got `OK`; 1 when one was answered with an error (the
//! remaining commands still run) or timed out (its partial output is shown and the remaining
//! commands are not sent); 2 when the port cannot be opened.

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::Args;
use hil_app::Env;
use hil_app::env::HIL_PORT;
use hil_at::redact::{redact_lines, redact_text};
use hil_at::{AtClient, AtError, ClientConfig, Response, Urc};
use hil_lease::{BoardClaim, LeaseKey};
use hil_rack::DEFAULT_BAUD;

use crate::exit::{Status, config_error};
use crate::labgrid_args::LabgridArgs;
use crate::lease_args::LeaseArgs;
use crate::rack_select::{place_dut, rack_dut};
use hil_labgrid::HeldPlaces;

#[derive(Debug, Args)]
pub struct AtArgs {
    /// Serial port of the console (a device path or a simulated DUT's pty; default
    /// `HIL_PORT` when neither --dut nor --labgrid/--place is given).
    #[arg(long, value_name = "PATH")]
    pub port: Option<PathBuf>,

    /// The rack DUT whose console to use (with --rack, else `HIL_RACK`); instead of --port
    /// (it wins over `HIL_PORT`).
    #[arg(long, value_name = "NAME")]
    pub dut: Option<String>,

    /// Rack file holding the DUT (default `HIL_RACK`).
    #[arg(long, value_name = "FILE", requires = "dut")]
    pub rack: Option<PathBuf>,

    /// Baud rate, 1 to 12000000 as in a rack file (default: the rack file's for --dut, else
    /// 115200).
    #[arg(long, value_parser = parse_baud)]
    pub baud: Option<u32>,

    /// Deadline of each command, seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10.0, value_parser = parse_secs)]
    pub timeout: f64,

    /// Commands to send, in order (quote each one: `hil at --port P 'AT+CGMR' 'AT%HWVERSION'`).
    #[arg(value_name = "COMMAND", required = true)]
    pub commands: Vec<String>,

    #[command(flatten)]
    pub lease: LeaseArgs,

    #[command(flatten)]
    pub labgrid: LabgridArgs,
}

/// Which console the command line (and `HIL_PORT`) chose.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Choice {
    /// A labgrid place's (`--labgrid`/`--place`/`--place-tag`).
    Place,
    /// A rack DUT's (`--dut`).
    Dut(String),
    /// A port named directly: `--port`, else `HIL_PORT`.
    Port(PathBuf),
}

/// The console chosen by `args`: an explicit `--port` excludes `--dut` and the labgrid
/// options; `HIL_PORT` (from `env`) is used only when none of them is given.
fn choose(args: &AtArgs, env: &Env) -> anyhow::Result<Choice> {
    let explicit_port = args.port.is_some();
    if args.labgrid.given() {
        if args.dut.is_some() || explicit_port {
            return Err(config_error(
                "give one of --port, --dut or --labgrid/--place",
            ));
        }
        return Ok(Choice::Place);
    }
    if let Some(dut) = &args.dut {
        if explicit_port {
            return Err(config_error("give either --port or --dut, not both"));
        }
        return Ok(Choice::Dut(dut.clone()));
    }
    args.port
        .clone()
        .or_else(|| env.path(HIL_PORT))
        .map(Choice::Port)
        .ok_or_else(|| {
            config_error(format!(
                "no console selected: give --port PATH (or set {HIL_PORT}), --dut NAME or \
                 --labgrid/--place"
            ))
        })
}

/// The console to open: port, baud, the lease that covers it, and the labgrid place held for
/// it (`--labgrid … --place NAME`).
type Console = (PathBuf, u32, BoardClaim, Option<HeldPlaces>);

fn console(args: &AtArgs, env: &Env) -> anyhow::Result<Console> {
    match choose(args, env)? {
        Choice::Place => place_console(args),
        Choice::Dut(dut) => dut_console(args, &dut),
        Choice::Port(port) => {
            let claim = BoardClaim::hardware(LeaseKey::port(&port));
            Ok((port, args.baud.unwrap_or(DEFAULT_BAUD), claim, None))
        }
    }
}

/// The console of the labgrid place `args` name, held for the command.
fn place_console(args: &AtArgs) -> anyhow::Result<Console> {
    let (spec, held) = place_dut(&args.labgrid, &args.lease, "hil at")?;
    let serial = spec
        .serial
        .clone()
        .ok_or_else(|| config_error("the place has no console"))?;
    let claim = BoardClaim {
        board: Some(spec.name.clone()),
        keys: Vec::new(),
    };
    Ok((
        serial.port,
        args.baud.unwrap_or(serial.baud),
        claim,
        Some(held),
    ))
}

/// The console of the rack DUT `dut`.
fn dut_console(args: &AtArgs, dut: &str) -> anyhow::Result<Console> {
    let (path, spec) = rack_dut(args.rack.as_deref(), dut)?;
    let serial = spec.serial.clone().ok_or_else(|| {
        config_error(format!(
            "{}: DUT `{dut}` has no serial port in the rack file",
            path.display()
        ))
    })?;
    let baud = args.baud.unwrap_or(serial.baud);
    Ok((serial.port, baud, BoardClaim::of(&spec), None))
}

/// A baud rate within the rack file's limits.
fn parse_baud(s: &str) -> Result<u32, String> {
    let baud = s
        .parse::<u32>()
        .map_err(|_| format!("`{s}` is not a baud rate"))?;
    hil_rack::SerialSpec::check_baud(baud)
}

fn parse_secs(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 3600.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds in (0, 3600]")),
    }
}

pub fn run(args: AtArgs) -> anyhow::Result<Status> {
    crate::signals::release_places_on_stop()?;
    let (port, baud, claim, _place) = console(&args, &Env::capture())?;
    let _leases = args.lease.take("hil at", &[claim])?;
    let config = ClientConfig {
        timeout: Duration::from_secs_f64(args.timeout),
        ..ClientConfig::default()
    };
    let mut at = AtClient::open_with(&port, baud, config).map_err(|e| match e {
        AtError::PortMissing { .. } | AtError::PortBusy { .. } | AtError::PortOpen { .. } => {
            config_error(e)
        }
        other => anyhow::Error::new(other),
    })?;
    let mut out = std::io::stdout().lock();
    let mut all_ok = true;
    for command in &args.commands {
        let cmd = redact_text(command);
        writeln!(out, "> {cmd}")?;
        let result = at.exchange(command);
        print_urcs(&mut out, &mut at)?;
        match result {
            Ok(response) => {
                print_response(&mut out, &response)?;
                all_ok &= response.is_ok();
            }
            Err(AtError::Timeout {
                partial, pending, ..
            }) => {
                for line in &partial {
                    writeln!(out, "{line}")?;
                }
                if !pending.is_empty() {
                    writeln!(out, "{pending}")?;
                }
                out.flush()?;
                anyhow::bail!(
                    "`{cmd}` got no final result within {} s on {} ({} lines of partial output above)",
                    args.timeout,
                    port.display(),
                    partial.len() + usize::from(!pending.is_empty())
                );
            }
            Err(e @ AtError::InvalidRequest(_)) => {
                out.flush()?;
                return Err(config_error(format!("`{cmd}`: {e}")));
            }
            Err(e) => {
                out.flush()?;
                return Err(anyhow::Error::new(e).context(format!("`{cmd}`")));
            }
        }
    }
    // URCs that arrived after the last answer.
    at.poll_urcs().context("reading unsolicited lines")?;
    print_urcs(&mut out, &mut at)?;
    out.flush()?;
    Ok(Status::from_ok(all_ok))
}

fn print_response(out: &mut impl std::io::Write, response: &Response) -> std::io::Result<()> {
    for line in redact_lines(&response.lines) {
        writeln!(out, "{line}")?;
    }
    writeln!(out, "{}", response.result)
}

fn print_urcs(out: &mut impl std::io::Write, at: &mut AtClient) -> anyhow::Result<()> {
    let urcs: Vec<Urc> = at.take_urcs().context("reading unsolicited lines")?;
    for urc in urcs {
        writeln!(
            out,
            "[URC +{:.3}s] {}",
            urc.since_open.as_secs_f64(),
            redact_text(&urc.line)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        at: AtArgs,
    }

    fn choice(args: &[&str], env: &Env) -> Result<Choice, String> {
        let cli = Cli::try_parse_from(["hil-at"].iter().chain(args)).map_err(|e| e.to_string())?;
        choose(&cli.at, env).map_err(|e| e.to_string())
    }

    #[test]
    fn the_port_comes_from_the_option_else_from_hil_port() {
        let env = Env::default().with_var(HIL_PORT, "/dev/from-env");
        assert_eq!(
            choice(&["--port", "/dev/opt", "AT"], &env),
            Ok(Choice::Port("/dev/opt".into()))
        );
        assert_eq!(
            choice(&["AT"], &env),
            Ok(Choice::Port("/dev/from-env".into()))
        );
    }

    #[test]
    fn hil_port_gives_way_to_a_dut_or_a_place() {
        let env = Env::default().with_var(HIL_PORT, "/dev/from-env");
        assert_eq!(
            choice(&["--dut", "dk-1", "AT"], &env),
            Ok(Choice::Dut("dk-1".into()))
        );
        assert_eq!(choice(&["--place", "p1", "AT"], &env), Ok(Choice::Place));
    }

    #[test]
    fn an_explicit_port_with_a_dut_or_a_place_is_refused() {
        let env = Env::default();
        let both = choice(&["--port", "/dev/p", "--dut", "dk-1", "AT"], &env).unwrap_err();
        assert!(both.contains("either --port or --dut"), "{both}");
        let both = choice(&["--port", "/dev/p", "--place", "p1", "AT"], &env).unwrap_err();
        assert!(both.contains("one of --port, --dut"), "{both}");
    }

    #[test]
    fn no_console_at_all_names_every_way_to_choose_one() {
        let err = choice(&["AT"], &Env::default()).unwrap_err();
        assert!(
            err.contains("--port") && err.contains(HIL_PORT) && err.contains("--dut"),
            "{err}"
        );
    }
}
