//! `hil probes`: the debug probes probe-rs can see, with the selector to put in a rack file.

use clap::Args;

use crate::exit::Status;
use crate::output;

#[derive(Debug, Args)]
pub struct ProbesArgs {
    /// One JSON object per probe per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ProbesArgs) -> anyhow::Result<Status> {
    let probes = hil_flash::list_probes();
    if args.json {
        for probe in &probes {
            println!("{}", serde_json::to_string(probe)?);
        }
        return Ok(Status::Success);
    }
    if probes.is_empty() {
        println!("no debug probes attached");
        return Ok(Status::Success);
    }
    let mut table = output::table(["probe", "selector (rack file `probe:`)", "access"]);
    for p in &probes {
        let access = if p.accessible {
            "ok"
        } else {
            "permission denied (udev rules?)"
        };
        table.add_row([p.identifier.as_str(), p.selector.as_str(), access]);
    }
    println!("{table}");
    Ok(Status::Success)
}
