//! A DUT named on the command line (`--rack FILE --dut NAME`, the rack defaulting to
//! `HIL_RACK`), for the bench commands that drive one piece of a board (`hil at`, `hil psu`).

use std::path::{Path, PathBuf};

use hil_app::{LabRequest, LabSettings};
use hil_lab::RackSource;
use hil_labgrid::HeldPlaces;
use hil_rack::DutSpec;

use crate::exit::{OrConfig, config_error};
use crate::labgrid_args::LabgridArgs;
use crate::lease_args::LeaseArgs;

/// The labgrid place `--labgrid … --place NAME` names, held for `program` (`hil at`, `hil psu`)
/// until the returned guard is dropped; its board as a rack entry.
pub fn place_dut(
    labgrid: &LabgridArgs,
    lease: &LeaseArgs,
    program: &str,
) -> anyhow::Result<(DutSpec, HeldPlaces)> {
    let request = LabRequest {
        state_dir: lease.state_dir.clone(),
        wait_for_boards: lease.wait_for_boards,
        program: Some(program.to_string()),
        labgrid: labgrid.request(),
        ..LabRequest::default()
    };
    let settings = LabSettings::resolve(request, &hil_app::Env::capture()).or_config()?;
    let RackSource::Labgrid(source) = &settings.rack else {
        return Err(config_error(
            "--place needs --labgrid HOST:PORT (or LG_COORDINATOR)",
        ));
    };
    hil_lab::labgrid::hold_one(source, &settings.options).or_config()
}

/// The rack file `rack` (else `HIL_RACK`) and its DUT called `dut`; a simulated DUT is refused
/// (its hardware exists only while a lab runs).
pub fn rack_dut(rack: Option<&Path>, dut: &str) -> anyhow::Result<(PathBuf, DutSpec)> {
    let path =
        match hil_app::settings::rack_source(rack.map(Path::to_path_buf), &hil_app::Env::capture())
        {
            RackSource::File(path) => path,
            RackSource::Simulated | RackSource::Labgrid(_) => {
                return Err(config_error(
                    "--dut needs a rack file: give --rack FILE or set HIL_RACK",
                ));
            }
        };
    let rack = hil_rack::load(&path).or_config()?;
    let spec = rack.dut(dut).cloned().ok_or_else(|| {
        let names: Vec<&str> = rack.duts.iter().map(|d| d.name.as_str()).collect();
        config_error(format!(
            "{}: no DUT called `{dut}` (DUTs: {})",
            path.display(),
            names.join(", ")
        ))
    })?;
    if spec.is_simulated() {
        return Err(config_error(format!(
            "{}: DUT `{dut}` is simulated; its hardware only exists while the lab runs \
             (start it with `hil sim` and name its port or supply directly)",
            path.display()
        )));
    }
    Ok((path, spec))
}
