//! The subcommands, one module each: its arguments and what it does.

pub mod at;
pub mod bench;
pub mod boards;
pub mod boards_health;
pub mod boards_labgrid;
pub mod characterize;
pub mod diff;
pub mod doctor;
pub mod flash;
pub mod flash_probe;
pub mod history;
pub mod probes;
pub mod psu;
pub mod rack;
pub mod report;
pub mod run;
pub mod schema;
pub mod sim;

use crate::cli::Command;
use crate::exit::Status;

/// Runs one subcommand.
pub fn dispatch(command: Command) -> anyhow::Result<Status> {
    match command {
        Command::Run(args) => run::run(args),
        Command::Sim(args) => sim::run(args),
        Command::At(args) => at::run(args),
        Command::Psu(args) => psu::run(args),
        Command::Flash(args) => flash::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Probes(args) => probes::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Bench(args) => bench::run(args),
        Command::History(args) => history::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Report(args) => report::run(args),
        Command::Rack(args) => rack::run(args),
        Command::Characterize(args) => characterize::run(args),
        Command::Boards(args) => boards::run(args),
    }
}
