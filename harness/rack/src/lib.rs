//! The rack file: a YAML description of one lab rack — its DUTs, how to reach each one's
//! console, probe and supply, what each is expected to be, and the safety limits the harness
//! must respect — with validation that names the file, line, field and reason, and a JSON
//! Schema for editors generated from the same types.
//!
//! ```yaml
//! name: bench-a
//! duts:
//!   - name: dk-1
//!     serial: /dev/serial/by-id/usb-SEGGER_J-Link_000960012345-if00
//!     probe: "1366:1015:000960012345"
//!     supply: { driver: scpi-tcp, model: rigol-dp800, address: "10.0.0.5:5555", channel: 1 }
//!     limits: { min_volts: 2.8, max_volts: 4.2, max_amps: 1.0 }
//!     expected_mfw: mfw_nrf9160_1.3.6
//!   - name: sim-1
//!     simulated: { profile: mfw_nrf9160_1.3.6 }
//! ```
//!
//! Semantic checks run *inside* deserialization (the `validate` module), so every error carries
//! the location `serde_yaml_ng` knows: `rack.yaml:12:7: duts[1].limits: min_volts 4.2 is not
//! below max_volts 3.0`.

#![warn(missing_docs)]

mod dut;
mod error;
mod labgrid;
mod limits;
mod load;
mod locate;
mod located;
mod prescan;
mod probe;
mod rack;
mod serial;
mod shared;
mod supply;
mod validate;

pub use dut::{DutSpec, Imei, SimulatedSpec};
pub use error::RackError;
pub use labgrid::LabgridSection;
pub use limits::{Limits, MAX_SANE_AMPS, MAX_SANE_VOLTS};
pub use load::{MAX_BYTES, error_at, load, parse};
pub use locate::{Step, field_path};
pub use prescan::MAX_DEPTH;
pub use probe::{
    ProbeSelector, ProbeSelectorError, SIM_PROBE_PREFIX, SimProbeAddress, UsbProbeSelector,
};
pub use rack::{MAX_DUTS, RackFile};
pub use serial::{DEFAULT_BAUD, SerialSpec};
pub use supply::SupplySpec;

/// The supply vocabulary and simulator policies rack files name, defined in `hil_model`.
pub use hil_model::policy::Policy;
pub use hil_model::{ScpiModel, SupplyDriver, SupplyModel};

/// The JSON Schema of the rack file (draft 2020-12), for editors; committed as
/// `rack.schema.json` next to this crate's manifest.
pub fn json_schema() -> serde_json::Value {
    let mut schema = schemars::schema_for!(RackFile).to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "title".into(),
            serde_json::Value::String("nRF91 HIL rack file".into()),
        );
    }
    schema
}
