//! `hil`: the command line of the nRF91 HIL harness.
//!
//! `main` only parses the arguments, sets up logging and turns the outcome of a subcommand
//! into an exit status: 0 success, 1 a failed run / operation, 2 a usage or configuration
//! error (bad arguments, bad rack file, missing port). Errors are printed as one line,
//! `error: <what>: <why>`, never as a panic or backtrace; a usage error adds the command's usage
//! as a second line (never the whole help).

mod bench;
mod cli;
mod commands;
mod exit;
mod flash_progress;
mod labgrid_args;
mod lease_args;
mod logging;
mod output;
mod rack_select;
mod signals;
mod supply_select;
mod usage;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    exit::install_panic_hook();
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and --version exit 0; every parse error exits 2 in two lines (`usage`).
        Err(e) => return usage::exit(e),
    };
    logging::init(cli.verbose);
    let outcome = commands::dispatch(cli.command);
    exit::finish(outcome)
}
