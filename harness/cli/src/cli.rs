//! The command line: global options and the subcommands. Each subcommand's arguments are
//! defined next to its implementation in [`crate::commands`].

use clap::{Parser, Subcommand, ValueEnum};
use hil_sim::timing::Timing;

use crate::commands::{
    at, bench, boards, characterize, diff, doctor, flash, history, probes, psu, rack, report, run,
    schema, sim,
};

/// Hardware-in-the-loop conformance for nRF91 modems.
///
/// Without a rack file (`--rack` or `HIL_RACK`) every command that needs boards uses the
/// simulated rack: one simulated nRF91 per bundled modem-firmware profile.
#[derive(Debug, Parser)]
#[command(name = "hil", version, propagate_version = true)]
pub struct Cli {
    /// More log output (-v info, -vv debug, -vvv trace); `RUST_LOG` overrides.
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the conformance suites on every DUT of the rack; JUnit + HTML in the report dir.
    Run(run::RunArgs),
    /// Start simulated DUTs (modem, console, supply) until Ctrl-C.
    Sim(sim::SimArgs),
    /// Send AT commands to a console and print the answers.
    At(at::AtArgs),
    /// Bench work on a power supply (identify, set, on, off, measure, profile).
    Psu(psu::PsuArgs),
    /// Flash the firmware-under-test onto the rack's boards.
    Flash(flash::FlashArgs),
    /// Measure one DUT's modem into a modem-firmware profile for the simulator (with `--base`: a diff).
    Characterize(characterize::CharacterizeArgs),
    /// Check every DUT of the rack (probe, port, AT, identity, supply) and say how to fix problems.
    Doctor(doctor::DoctorArgs),
    /// List every board of a rack with its lease (free, or held by whom).
    Boards(boards::BoardsArgs),
    /// List attached debug probes.
    Probes(probes::ProbesArgs),
    /// Print the JSON Schema of the rack file.
    Schema(schema::SchemaArgs),
    /// Benchmark the conformance runner: wall time, peak memory, parallel efficiency.
    Bench(bench::BenchArgs),
    /// Recent runs from the run history, and each trial's recent outcomes.
    History(history::HistoryArgs),
    /// What changed between two recorded runs (default: the last two completed runs of a rack).
    Diff(diff::DiffArgs),
    /// Work on report directories: merge the reports of several shards or hosts into one.
    Report(report::ReportArgs),
    /// Rack files: discover the boards on this host's serial ports and pair them with probes.
    Rack(rack::RackArgs),
}

/// Timing of simulated DUTs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum TimingArg {
    /// No added delays (CI).
    #[default]
    Fast,
    /// UART wire time, per-command modem latency, supply slew.
    Realistic,
}

impl From<TimingArg> for Timing {
    fn from(t: TimingArg) -> Self {
        match t {
            TimingArg::Fast => Timing::Fast,
            TimingArg::Realistic => Timing::Realistic,
        }
    }
}

impl TimingArg {
    pub fn name(self) -> &'static str {
        match self {
            TimingArg::Fast => "fast",
            TimingArg::Realistic => "realistic",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
