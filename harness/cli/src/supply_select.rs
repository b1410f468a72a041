//! Which supply `hil psu` drives, and with which limits: a DUT's entry in a rack file, or an
//! instrument given on the command line with explicit limits. Either way the result is a
//! [`GuardedSupply`], so no set point outside the limits ever reaches the instrument. The
//! selection also says which lease to hold: the whole board's for a rack DUT, the supply
//! output's for an ad hoc one.

use std::path::PathBuf;
use std::str::FromStr;

use clap::Args;
use clap::builder::{PossibleValuesParser, TypedValueParser};
use hil_lease::{BoardClaim, LeaseKey};
use hil_model::{ScpiModel, SupplyDriver, UnknownName};
use hil_power::{GuardedSupply, Limits, PowerError, SupplySpec};

use crate::exit::{OrConfig, config_error};
use crate::labgrid_args::LabgridArgs;
use crate::lease_args::LeaseArgs;
use crate::rack_select::{place_dut, rack_dut};
use hil_labgrid::HeldPlaces;

#[derive(Debug, Clone, Args)]
pub struct SupplySelection {
    #[command(flatten)]
    pub labgrid: LabgridArgs,

    /// Rack file holding the DUT (default `HIL_RACK`); its supply and limits are used.
    #[arg(long, value_name = "FILE", global = true)]
    pub rack: Option<PathBuf>,

    /// The DUT whose supply to drive (with --rack).
    #[arg(long, value_name = "NAME", global = true)]
    pub dut: Option<String>,

    /// Ad hoc: the driver of the instrument.
    #[arg(long, global = true, value_parser = names::<SupplyDriver>(SupplyDriver::NAMES))]
    pub driver: Option<SupplyDriver>,

    /// Ad hoc: `host:port` (scpi-tcp) or a serial device path.
    #[arg(long, value_name = "ADDR", global = true)]
    pub address: Option<String>,

    /// Ad hoc: SCPI dialect (default generic).
    #[arg(long, value_name = "M", global = true, value_parser = names::<ScpiModel>(ScpiModel::NAMES))]
    pub model: Option<ScpiModel>,

    /// Ad hoc: output channel, 1-based.
    #[arg(long, value_name = "N", global = true, default_value_t = 1)]
    pub channel: u8,

    /// Ad hoc: baud rate of a serial instrument (driver default otherwise).
    #[arg(long, global = true)]
    pub baud: Option<u32>,

    /// Ad hoc: lowest voltage any set point may have.
    #[arg(long, value_name = "V", global = true)]
    pub min_volts: Option<f64>,

    /// Ad hoc: highest voltage any set point may have.
    #[arg(long, value_name = "V", global = true)]
    pub max_volts: Option<f64>,

    /// Ad hoc: highest current limit.
    #[arg(long, value_name = "A", global = true)]
    pub max_amps: Option<f64>,
}

/// A parser for one of the shared vocabulary's enums (`names` is its `NAMES`): help and shell
/// completion list the names, and anything else is refused with the list.
pub fn names<T>(names: &'static [&'static str]) -> impl TypedValueParser<Value = T>
where
    T: FromStr<Err = UnknownName> + Clone + Send + Sync + 'static,
{
    PossibleValuesParser::new(names).try_map(|s| s.parse::<T>())
}

/// The supply entry, its limits and the lease to hold, as the selection names them.
pub struct Selected {
    /// The supply.
    pub spec: SupplySpec,
    /// Its limits.
    pub limits: Limits,
    /// The board (rack DUT) or hardware (ad hoc) whose lease `hil psu` holds.
    pub claim: BoardClaim,
    /// The labgrid place held for it (`--labgrid … --place NAME`), released when dropped.
    pub _place: Option<HeldPlaces>,
}

/// The supply entry and limits the selection names.
pub fn resolve(sel: &SupplySelection, lease: &LeaseArgs) -> anyhow::Result<Selected> {
    let ad_hoc = sel.driver.is_some() || sel.address.is_some();
    if sel.labgrid.given() {
        if ad_hoc || sel.dut.is_some() {
            return Err(config_error(
                "give either --labgrid/--place or --dut or --driver/--address, not two",
            ));
        }
        return from_place(sel, lease);
    }
    match (&sel.dut, ad_hoc) {
        (Some(_), true) => Err(config_error(
            "give either --dut (with --rack) or --driver/--address, not both",
        )),
        (Some(dut), false) => from_rack(sel, dut),
        (None, true) => ad_hoc_spec(sel),
        (None, false) => Err(config_error(
            "no supply selected: give --rack FILE --dut NAME, or --driver, --address, \
             --min-volts, --max-volts and --max-amps",
        )),
    }
}

fn from_place(sel: &SupplySelection, lease: &LeaseArgs) -> anyhow::Result<Selected> {
    let (spec, held) = place_dut(&sel.labgrid, lease, "hil psu")?;
    let missing = |what: &str| config_error(format!("labgrid place `{}` has no {what}", spec.name));
    Ok(Selected {
        spec: spec
            .supply
            .clone()
            .ok_or_else(|| missing("`supply` resource"))?,
        limits: spec.limits.ok_or_else(|| missing("safety limit tags"))?,
        claim: BoardClaim {
            board: Some(spec.name.clone()),
            keys: Vec::new(),
        },
        _place: Some(held),
    })
}

fn from_rack(sel: &SupplySelection, dut: &str) -> anyhow::Result<Selected> {
    let (path, spec) = rack_dut(sel.rack.as_deref(), dut)?;
    let supply = spec.supply.clone().ok_or_else(|| {
        config_error(format!(
            "{}: DUT `{dut}` has no supply in the rack file",
            path.display()
        ))
    })?;
    let limits = spec.limits.ok_or_else(|| {
        config_error(format!(
            "{}: DUT `{dut}` has no limits in the rack file",
            path.display()
        ))
    })?;
    Ok(Selected {
        spec: supply,
        limits,
        claim: BoardClaim::of(&spec),
        _place: None,
    })
}

fn ad_hoc_spec(sel: &SupplySelection) -> anyhow::Result<Selected> {
    let driver = sel
        .driver
        .ok_or_else(|| config_error("--address needs --driver"))?;
    let address = sel
        .address
        .clone()
        .ok_or_else(|| config_error("--driver needs --address"))?;
    if sel.model.is_some() && !driver.is_scpi() {
        return Err(config_error(format!(
            "--model only applies to the scpi-tcp and scpi-serial drivers, not {}",
            driver.as_str()
        )));
    }
    if sel.channel == 0 {
        return Err(config_error("--channel is 1-based"));
    }
    let (Some(min_volts), Some(max_volts), Some(max_amps)) =
        (sel.min_volts, sel.max_volts, sel.max_amps)
    else {
        return Err(config_error(
            "an ad hoc supply needs its limits: --min-volts, --max-volts and --max-amps",
        ));
    };
    let limits = Limits {
        min_volts,
        max_volts,
        max_amps,
    };
    limits
        .validate()
        .or_config_with(|| "supply limits".to_string())?;
    let spec = SupplySpec {
        driver,
        model: sel.model,
        address,
        channel: sel.channel,
        baud: sel.baud,
    };
    // The rack file's own check of a supply entry (address shape, channel range of the model,
    // baud), so the command line accepts exactly what a rack file does, in its words.
    spec.validate().or_config_with(|| "supply".to_string())?;
    Ok(Selected {
        claim: BoardClaim::hardware(LeaseKey::supply(&spec)),
        spec,
        limits,
        _place: None,
    })
}

/// Connects to the selected supply behind the limit guard.
pub fn open(selected: &Selected) -> anyhow::Result<GuardedSupply> {
    let inner = hil_power::open(&selected.spec).map_err(power_error)?;
    GuardedSupply::new(inner, selected.limits).map_err(power_error)
}

/// Power errors that are the user's input (limits, addresses) exit 2; the rest exit 1.
pub fn power_error(e: PowerError) -> anyhow::Error {
    match e {
        PowerError::OutOfLimits { .. }
        | PowerError::InvalidLimits(_)
        | PowerError::NoSetPoint
        | PowerError::Open { .. }
        | PowerError::Profile(_) => config_error(e),
        other => anyhow::Error::new(other),
    }
}
