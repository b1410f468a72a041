//! Simulated SCPI supplies: one engine, one table per model.
//!
//! [`parse`] splits a line into `;`-separated units with normalised headers (short forms,
//! optional nodes dropped); [`spec`] says what a model is as data and [`models`] holds each
//! model's command table with its sources; [`instrument`] holds the channels (the wired one
//! lives on the rail), protection latches and settings; [`status`] the error queue and IEEE
//! 488.2 status registers; [`engine`] runs a line against a model's table and [`answer`]
//! formats its queries ([`readings`] the Keithley 2280S reading buffer); [`server`] runs the TCP and pty front ends with the fault knobs,
//! timing TCP commands by their arrival ([`super::arrival`]).

mod answer;
pub(crate) mod engine;
pub(crate) mod instrument;
mod models;
pub(crate) mod parse;
mod readings;
pub(crate) mod server;
pub(crate) mod spec;
pub(crate) mod status;
#[cfg(test)]
mod tests;

use hil_model::ScpiModel;

pub(crate) use models::spec as model_spec;

/// The depth of a model's error queue and whether a source states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueDepth {
    /// Entries the queue holds (the last becomes `-350,"Queue overflow"` when more arrive).
    pub depth: usize,
    /// `false`: OPEN — no source read gives the depth; `depth` is a default to override with
    /// [`super::SupplyOptions::error_queue_depth`] once measured on the real instrument.
    pub sourced: bool,
}

/// The error-queue depth the simulated `model` uses unless told otherwise (E3631A: 20,
/// reference §1.1; the others OPEN).
pub fn error_queue_depth(model: ScpiModel) -> QueueDepth {
    let (depth, known) = model_spec(model).queue;
    QueueDepth {
        depth,
        sourced: known == spec::Known::Sourced,
    }
}
