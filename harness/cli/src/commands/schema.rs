//! `hil schema`: prints the JSON Schema of the rack file (for editors and CI validation).

use clap::Args;

use crate::exit::Status;

#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn run(_args: SchemaArgs) -> anyhow::Result<Status> {
    println!(
        "{}",
        serde_json::to_string_pretty(&hil_rack::json_schema())?
    );
    Ok(Status::Success)
}
