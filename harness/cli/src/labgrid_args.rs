//! The labgrid options of the commands that touch boards (`--labgrid HOST:PORT`, `--place NAME`,
//! `--place-tag KEY=VALUE`): the boards are a labgrid coordinator's places instead of a rack
//! file's DUTs. `LG_COORDINATOR` stands for `--labgrid` when places are named.

use clap::Args;
use hil_app::LabgridRequest;

#[derive(Debug, Clone, Default, Args)]
pub struct LabgridArgs {
    /// Take the boards from this labgrid coordinator's places (HOST[:PORT], port 20408 by
    /// default; else `LG_COORDINATOR` when --place/--place-tag are given).
    #[arg(long, value_name = "HOST:PORT")]
    pub labgrid: Option<String>,

    /// A labgrid place to use (repeatable).
    #[arg(long = "place", value_name = "NAME")]
    pub places: Vec<String>,

    /// Use every labgrid place carrying this tag (repeatable; all must match), e.g. hil=nrf91.
    #[arg(long = "place-tag", value_name = "KEY=VALUE")]
    pub place_tags: Vec<String>,
}

impl LabgridArgs {
    /// What the command line asked for.
    pub fn request(&self) -> LabgridRequest {
        LabgridRequest {
            coordinator: self.labgrid.clone(),
            places: self.places.clone(),
            tags: self.place_tags.clone(),
        }
    }

    /// Whether any labgrid option was given.
    pub fn given(&self) -> bool {
        self.labgrid.is_some() || !self.places.is_empty() || !self.place_tags.is_empty()
    }
}
