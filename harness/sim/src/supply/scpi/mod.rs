//! Simulated SCPI supplies: a shared instrument core and one small file per dialect.
//!
//! [`parse`] splits a line into a normalised header (short forms, optional nodes dropped) and
//! arguments; [`instrument`] holds the channels (the wired one lives on the rail), the error
//! queue and the IEEE 488.2 common commands; each dialect file maps its model's command forms
//! onto the instrument; [`server`] runs the TCP and pty front ends with the fault knobs, timing
//! TCP commands by their arrival ([`super::arrival`]).

pub(crate) mod instrument;
pub(crate) mod parse;
pub(crate) mod server;

mod generic;
mod keithley_2230;
mod keithley_2280;
mod keysight_e36300;
mod keysight_e3631a;
mod rigol_dp800;
mod rs_hmc;
mod siglent_spd3303x;

use hil_model::ScpiModel;
use instrument::Dialect;

/// The simulated dialect of a SCPI model.
pub(crate) fn dialect(model: ScpiModel) -> &'static dyn Dialect {
    match model {
        ScpiModel::Generic => &generic::Generic,
        ScpiModel::KeysightE36300 => &keysight_e36300::E36300,
        ScpiModel::KeysightE3631a => &keysight_e3631a::E3631a,
        ScpiModel::RigolDp800 => &rigol_dp800::Dp800,
        ScpiModel::SiglentSpd3303x => &siglent_spd3303x::Spd3303x,
        ScpiModel::RsHmc804x => &rs_hmc::RsSupply::HMC804X,
        ScpiModel::RsNge100 => &rs_hmc::RsSupply::NGE100,
        ScpiModel::Keithley2230 => &keithley_2230::K2230,
        ScpiModel::Keithley2280 => &keithley_2280::K2280,
    }
}
