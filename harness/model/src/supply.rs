//! Bench supplies, named once for the whole harness: the instrument ([`SupplyModel`]), the
//! SCPI dialect of an SCPI instrument ([`ScpiModel`]) and the driver that talks to it
//! ([`SupplyDriver`]). Rack files, the simulator, the lab and the `hil` command line all use
//! these types and these names; nothing else spells them.
//!
//! A rack file names a real supply by driver and dialect (`driver: scpi-tcp, model:
//! rigol-dp800`); a simulated DUT names the instrument (`supply_model: rigol-dp800`).
//! [`SupplyModel::driver`] and [`SupplyModel::from_driver`] go between the two.

use std::fmt;
use std::str::FromStr;

use crate::named::{UnknownName, deserialize_name, lookup, name_schema, named_enum};

named_enum! {
    /// The SCPI dialect of a supply (what `model:` says in a rack file's `supply:` entry).
    #[derive(Default)]
    pub enum ScpiModel("SCPI model") {
        #[default]
        Generic => "generic":
            "Plain SCPI (`VOLT`, `CURR`, `OUTP`, `MEAS:VOLT?`), channel selected by `INST:NSEL`.",
        KeysightE36300 => "keysight-e36300": "Keysight E36300 series (E36311A/E36312A/E36313A).",
        KeysightE3631a => "keysight-e3631a": "Keysight (Agilent) E3631A.",
        RigolDp800 => "rigol-dp800": "Rigol DP800 series.",
        SiglentSpd3303x => "siglent-spd3303x": "Siglent SPD3303X.",
        RsHmc804x => "rs-hmc804x": "Rohde & Schwarz HMC804x.",
        RsNge100 => "rs-nge100": "Rohde & Schwarz NGE100.",
        Keithley2230 => "keithley-2230": "Keithley 2230 series.",
        Keithley2280 => "keithley-2280": "Keithley 2280S series.",
    }
}

impl ScpiModel {
    /// Number of programmable outputs of the largest model in the family.
    pub const fn channels(self) -> u8 {
        match self {
            ScpiModel::Generic => 8,
            ScpiModel::KeysightE36300 | ScpiModel::KeysightE3631a | ScpiModel::RigolDp800 => 3,
            ScpiModel::SiglentSpd3303x => 2,
            ScpiModel::RsHmc804x | ScpiModel::RsNge100 | ScpiModel::Keithley2230 => 3,
            ScpiModel::Keithley2280 => 1,
        }
    }

    /// Raw-socket port used when a `scpi-tcp` address has none (Rigol listens on 5555,
    /// the others on the Keysight convention 5025).
    pub const fn default_tcp_port(self) -> u16 {
        match self {
            ScpiModel::RigolDp800 => 5555,
            _ => 5025,
        }
    }
}

named_enum! {
    /// How the harness talks to a supply (what `driver:` says in a rack file's `supply:` entry).
    pub enum SupplyDriver("supply driver") {
        ScpiTcp => "scpi-tcp": "SCPI text over a raw TCP socket.",
        ScpiSerial => "scpi-serial": "SCPI text over a serial port (RS-232 or USB CDC).",
        Korad => "korad": "Korad/Tenma KA3005P-style serial protocol (not SCPI).",
        Ppk2 => "ppk2": "Nordic Power Profiler Kit II in source-meter mode.",
    }
}

impl SupplyDriver {
    /// True for the drivers that speak SCPI (and so take a [`ScpiModel`]).
    pub const fn is_scpi(self) -> bool {
        matches!(self, SupplyDriver::ScpiTcp | SupplyDriver::ScpiSerial)
    }
}

/// How an SCPI instrument is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ScpiLink {
    /// A raw SCPI socket (`scpi-tcp`).
    #[default]
    Tcp,
    /// A serial port (`scpi-serial`).
    Serial,
}

/// A bench-supply instrument: an SCPI supply of some dialect, a Korad/Tenma, or a PPK2.
/// Named like its dialect (`rigol-dp800`), `generic-scpi` for plain SCPI, `korad`, `ppk2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SupplyModel {
    /// An SCPI supply speaking this dialect.
    Scpi(ScpiModel),
    /// Korad/Tenma KA3005P serial protocol.
    Korad,
    /// Nordic Power Profiler Kit II in source-meter mode.
    Ppk2,
}

const MODEL_COUNT: usize = ScpiModel::ALL.len() + 2;

impl SupplyModel {
    /// Plain SCPI, the default.
    pub const GENERIC_SCPI: SupplyModel = SupplyModel::Scpi(ScpiModel::Generic);

    /// Every model: the SCPI dialects in [`ScpiModel::ALL`] order, then Korad and PPK2.
    pub const ALL: &'static [SupplyModel] = &{
        let mut all = [SupplyModel::Korad; MODEL_COUNT];
        let mut i = 0;
        while i < ScpiModel::ALL.len() {
            all[i] = SupplyModel::Scpi(ScpiModel::ALL[i]);
            i += 1;
        }
        all[MODEL_COUNT - 1] = SupplyModel::Ppk2;
        all
    };

    /// Every name, in [`Self::ALL`] order.
    pub const NAMES: &'static [&'static str] = &{
        let mut names = [""; MODEL_COUNT];
        let mut i = 0;
        while i < MODEL_COUNT {
            names[i] = SupplyModel::ALL[i].as_str();
            i += 1;
        }
        names
    };

    /// What a value of this type is, in messages.
    pub const WHAT: &'static str = "supply model";

    /// The name, as written in rack files (`supply_model:`) and on the command line.
    pub const fn as_str(self) -> &'static str {
        match self {
            SupplyModel::Scpi(ScpiModel::Generic) => "generic-scpi",
            SupplyModel::Scpi(m) => m.as_str(),
            SupplyModel::Korad => SupplyDriver::Korad.as_str(),
            SupplyModel::Ppk2 => SupplyDriver::Ppk2.as_str(),
        }
    }

    /// The SCPI dialect; `None` for Korad and PPK2.
    pub const fn scpi_model(self) -> Option<ScpiModel> {
        match self {
            SupplyModel::Scpi(m) => Some(m),
            SupplyModel::Korad | SupplyModel::Ppk2 => None,
        }
    }

    /// What the instrument is, for help texts and the JSON Schema.
    pub const fn description(self) -> &'static str {
        match self {
            SupplyModel::Scpi(m) => m.description(),
            SupplyModel::Korad => SupplyDriver::Korad.description(),
            SupplyModel::Ppk2 => SupplyDriver::Ppk2.description(),
        }
    }

    /// True for the SCPI models.
    pub const fn is_scpi(self) -> bool {
        matches!(self, SupplyModel::Scpi(_))
    }

    /// The driver that talks to this model; an SCPI model over `link`.
    pub const fn driver(self, link: ScpiLink) -> SupplyDriver {
        match (self, link) {
            (SupplyModel::Scpi(_), ScpiLink::Tcp) => SupplyDriver::ScpiTcp,
            (SupplyModel::Scpi(_), ScpiLink::Serial) => SupplyDriver::ScpiSerial,
            (SupplyModel::Korad, _) => SupplyDriver::Korad,
            (SupplyModel::Ppk2, _) => SupplyDriver::Ppk2,
        }
    }

    /// The model a driver talks to; `scpi` is the dialect of the SCPI drivers (ignored
    /// otherwise).
    pub const fn from_driver(driver: SupplyDriver, scpi: ScpiModel) -> SupplyModel {
        match driver {
            SupplyDriver::ScpiTcp | SupplyDriver::ScpiSerial => SupplyModel::Scpi(scpi),
            SupplyDriver::Korad => SupplyModel::Korad,
            SupplyDriver::Ppk2 => SupplyModel::Ppk2,
        }
    }

    /// Number of programmable outputs (largest model of the family for SCPI dialects; the
    /// KA3005P family goes up to 2, the PPK2 has one).
    pub const fn channels(self) -> u8 {
        match self {
            SupplyModel::Scpi(m) => m.channels(),
            SupplyModel::Korad => 2,
            SupplyModel::Ppk2 => 1,
        }
    }
}

impl Default for SupplyModel {
    fn default() -> Self {
        SupplyModel::GENERIC_SCPI
    }
}

impl From<ScpiModel> for SupplyModel {
    fn from(m: ScpiModel) -> Self {
        SupplyModel::Scpi(m)
    }
}

impl fmt::Display for SupplyModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SupplyModel {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        lookup(Self::WHAT, s, Self::ALL, Self::NAMES, Self::as_str)
    }
}

impl serde::Serialize for SupplyModel {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for SupplyModel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        deserialize_name(d, Self::WHAT, Self::NAMES, |s| s.parse().ok())
    }
}

impl schemars::JsonSchema for SupplyModel {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "SupplyModel".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<(&str, &str)> = Self::ALL
            .iter()
            .map(|m| (m.as_str(), m.description()))
            .collect();
        name_schema(Self::WHAT, &names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_value() {
        for m in SupplyModel::ALL {
            assert_eq!(m.to_string().parse::<SupplyModel>(), Ok(*m));
        }
        for m in ScpiModel::ALL {
            assert_eq!(m.to_string().parse::<ScpiModel>(), Ok(*m));
        }
        for d in SupplyDriver::ALL {
            assert_eq!(d.to_string().parse::<SupplyDriver>(), Ok(*d));
        }
    }

    #[test]
    fn models_are_every_dialect_then_korad_and_ppk2() {
        assert_eq!(SupplyModel::ALL.len(), ScpiModel::ALL.len() + 2);
        assert_eq!(SupplyModel::NAMES[0], "generic-scpi");
        assert_eq!(SupplyModel::NAMES[3], "rigol-dp800");
        assert_eq!(&SupplyModel::NAMES[9..], ["korad", "ppk2"]);
        let mut unique = SupplyModel::NAMES.to_vec();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), SupplyModel::NAMES.len());
    }

    #[test]
    fn an_unknown_name_lists_the_valid_ones() {
        let err = "rigol-dp900".parse::<SupplyModel>().unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("unknown supply model `rigol-dp900`"),
            "{text}"
        );
        for name in SupplyModel::NAMES {
            assert!(text.contains(name), "{text} lacks {name}");
        }
        let err = "visa".parse::<SupplyDriver>().unwrap_err().to_string();
        assert!(err.contains("scpi-tcp, scpi-serial, korad, ppk2"), "{err}");
    }

    #[test]
    fn driver_and_model_convert_both_ways() {
        for m in SupplyModel::ALL {
            for link in [ScpiLink::Tcp, ScpiLink::Serial] {
                let driver = m.driver(link);
                let dialect = m.scpi_model().unwrap_or_default();
                assert_eq!(SupplyModel::from_driver(driver, dialect), *m);
                assert_eq!(driver.is_scpi(), m.is_scpi());
            }
        }
        let rigol = SupplyModel::Scpi(ScpiModel::RigolDp800);
        assert_eq!(rigol.driver(ScpiLink::Serial), SupplyDriver::ScpiSerial);
        assert_eq!(SupplyModel::default().to_string(), "generic-scpi");
    }

    #[test]
    fn serde_uses_the_names_and_refuses_others_with_the_list() {
        let m: SupplyModel = from_yaml("\"keithley-2230\"").unwrap();
        assert_eq!(m, SupplyModel::Scpi(ScpiModel::Keithley2230));
        let err = from_yaml::<SupplyModel>("\"hp-6632b\"").unwrap_err();
        assert!(err.contains("unknown variant `hp-6632b`"), "{err}");
        assert!(err.contains("`ppk2`"), "{err}");
    }

    /// Deserializes one YAML scalar (the formats the harness reads).
    fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
        serde_yaml_ng::from_str(text).map_err(|e| e.to_string())
    }
}
