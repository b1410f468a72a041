//! Rack-file problems the lab finds after the file was read — a simulator profile the
//! simulator does not know — turned into rack-file errors at the line of the offending value
//! (`rack.yaml:7:16: duts[1].simulated.profile: ...`). Supply models and policy knobs are typed
//! in the rack file, so the YAML reader already places those.

use std::path::Path;

use hil_rack::{DutSpec, Step};
use hil_sim::rack::SimError;

use crate::error::LabError;

/// `err` located in the rack file at `path` when it is about a value of `specs` (which the file
/// was read into); any other error unchanged.
pub(crate) fn located(path: &Path, specs: &[DutSpec], err: LabError) -> LabError {
    let (dut, field, message) = match &err {
        LabError::Simulator(SimError::UnknownProfile {
            dut,
            profile,
            known,
        }) => (
            dut,
            vec![Step::Key("profile")],
            format!(
                "unknown simulator profile `{profile}` (known: {})",
                known.join(", ")
            ),
        ),
        LabError::Simulator(SimError::InvalidDut { dut, what }) => (dut, Vec::new(), what.clone()),
        _ => return err,
    };
    let Some(index) = specs.iter().position(|s| &s.name == dut) else {
        return err;
    };
    let mut steps = vec![
        Step::Key("duts"),
        Step::Index(index),
        Step::Key("simulated"),
    ];
    steps.extend(field);
    LabError::Rack(hil_rack::error_at(
        path,
        &steps,
        format!("DUT `{dut}`: {message}"),
    ))
}
