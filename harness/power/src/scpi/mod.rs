//! SCPI supplies: one driver over any [`crate::transport::Transport`], steered by a per-model
//! command table ([`models`]) rendered into command lines and reply parsers ([`dialect`]).

pub mod dialect;
pub mod driver;
pub mod models;

pub use driver::ScpiSupply;
pub use models::{CommandTable, table};
