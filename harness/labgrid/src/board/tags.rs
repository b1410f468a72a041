//! The place tags that describe a board: which supply instrument, which probe, what identity
//! the board must show, and the safety limits (required before the supply is touched).

use std::collections::HashMap;

use hil_model::{MfwVersion, SupplyModel};
use hil_rack::{Imei, Limits, ProbeSelector};

/// The supply's instrument vocabulary (`hil_model::SupplyModel` names, e.g. `rigol-dp800`).
pub const TAG_SUPPLY_MODEL: &str = "hil-supply-model";
/// The debug probe on the exporter host, `VID:PID:serial`.
pub const TAG_PROBE: &str = "hil-probe";
/// The `hil` program on the exporter host that flashes the board (default `hil` on the
/// remote `PATH`).
pub const TAG_REMOTE_HIL: &str = "hil-remote-hil";
/// The modem firmware the board must report.
pub const TAG_MFW: &str = "hil-mfw";
/// The IMEI the board must report.
pub const TAG_IMEI: &str = "hil-imei";
/// Lowest supply voltage (required with a supply).
pub const TAG_MIN_VOLTS: &str = "hil-min-volts";
/// Highest supply voltage (required with a supply).
pub const TAG_MAX_VOLTS: &str = "hil-max-volts";
/// Current limit (required with a supply).
pub const TAG_MAX_AMPS: &str = "hil-max-amps";
/// The voltage the board runs at between cases (optional).
pub const TAG_NOMINAL_VOLTS: &str = "hil-nominal-volts";

/// What a place's tags say about its board.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct BoardTags {
    pub supply_model: Option<SupplyModel>,
    pub probe: Option<ProbeSelector>,
    pub remote_hil: Option<String>,
    pub mfw: Option<String>,
    pub imei: Option<String>,
    pub limits: Option<Limits>,
    pub nominal_volts: Option<f64>,
}

impl BoardTags {
    /// Reads the `hil-*` tags; a malformed one is an error naming it.
    pub fn read(tags: &HashMap<String, String>) -> Result<BoardTags, String> {
        let get = |key: &str| tags.get(key).map(String::as_str).filter(|v| !v.is_empty());
        let bad = |key: &str, why: String| format!("tag `{key}`: {why}");
        let supply_model = get(TAG_SUPPLY_MODEL)
            .map(|v| {
                v.parse::<SupplyModel>()
                    .map_err(|e| bad(TAG_SUPPLY_MODEL, e.to_string()))
            })
            .transpose()?;
        let probe = get(TAG_PROBE)
            .map(|v| ProbeSelector::parse(v).map_err(|e| bad(TAG_PROBE, e.to_string())))
            .transpose()?;
        let remote_hil = get(TAG_REMOTE_HIL)
            .map(|v| match v.chars().any(char::is_control) {
                true => Err(bad(TAG_REMOTE_HIL, "contains control characters".into())),
                false => Ok(v.to_string()),
            })
            .transpose()?;
        let mfw = get(TAG_MFW)
            .map(|v| {
                MfwVersion::parse(v)
                    .map(|_| v.to_string())
                    .map_err(|e| bad(TAG_MFW, e.to_string()))
            })
            .transpose()?;
        let imei = get(TAG_IMEI)
            .map(|v| {
                Imei::parse(v)
                    .map(|_| v.to_string())
                    .map_err(|e| bad(TAG_IMEI, e))
            })
            .transpose()?;
        let number = |key: &str| -> Result<Option<f64>, String> {
            get(key)
                .map(|v| match v.parse::<f64>() {
                    Ok(x) if x.is_finite() => Ok(x),
                    _ => Err(bad(key, format!("`{v}` is not a number"))),
                })
                .transpose()
        };
        let limits = limits(
            number(TAG_MIN_VOLTS)?,
            number(TAG_MAX_VOLTS)?,
            number(TAG_MAX_AMPS)?,
        )?;
        Ok(BoardTags {
            supply_model,
            probe,
            remote_hil,
            mfw,
            imei,
            limits,
            nominal_volts: number(TAG_NOMINAL_VOLTS)?,
        })
    }
}

/// The limits, when all three are given; some but not all is an error naming the missing.
fn limits(min: Option<f64>, max: Option<f64>, amps: Option<f64>) -> Result<Option<Limits>, String> {
    match (min, max, amps) {
        (None, None, None) => Ok(None),
        (Some(min_volts), Some(max_volts), Some(max_amps)) => {
            let l = Limits {
                min_volts,
                max_volts,
                max_amps,
            };
            l.validate().map_err(|e| {
                format!("tags `{TAG_MIN_VOLTS}`/`{TAG_MAX_VOLTS}`/`{TAG_MAX_AMPS}`: {e}")
            })?;
            Ok(Some(l))
        }
        _ => {
            let missing: Vec<String> = [
                (TAG_MIN_VOLTS, min),
                (TAG_MAX_VOLTS, max),
                (TAG_MAX_AMPS, amps),
            ]
            .iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| format!("`{k}`"))
            .collect();
            Err(format!(
                "the safety limits need tag {} too",
                missing.join(" and ")
            ))
        }
    }
}
