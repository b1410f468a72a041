//! The DUT's power supply: which driver talks to it, which SCPI dialect, where it is and which
//! output channel feeds the DUT. Checked as a whole (a model only makes sense for SCPI drivers,
//! a TCP driver needs `host:port`, the channel must exist on the model). The drivers and
//! dialects are the shared vocabulary of `hil_model::supply`.

use hil_model::{ScpiModel, SupplyDriver, SupplyModel};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::validate::{Checked, checked_serde};

fn default_channel() -> u8 {
    1
}

/// A bench supply output feeding one DUT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "SupplySpec", deny_unknown_fields)]
pub struct SupplySpec {
    /// Which kind of supply this is and how to reach it.
    pub driver: SupplyDriver,
    /// SCPI dialect; only for `scpi-tcp` and `scpi-serial` (default `generic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<ScpiModel>,
    /// `host:port` (or `host`, port defaulting per model; `tcp://` prefix allowed) for
    /// `scpi-tcp`; for the serial drivers a device path, `rfc2217://host:port` (e.g. ser2net)
    /// or `tcp://host:port` (a raw TCP serial server).
    pub address: String,
    /// Output channel, 1-based (default 1).
    #[serde(default = "default_channel")]
    #[schemars(range(min = 1))]
    pub channel: u8,
    /// Baud rate for serial drivers (driver default when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baud: Option<u32>,
}

impl SupplySpec {
    /// The SCPI dialect (`generic` when not given); `None` for non-SCPI drivers.
    pub fn scpi_model(&self) -> Option<ScpiModel> {
        self.driver
            .is_scpi()
            .then(|| self.model.unwrap_or_default())
    }

    /// The instrument this entry describes (`generic-scpi` for an SCPI driver without a model).
    pub fn supply_model(&self) -> SupplyModel {
        SupplyModel::from_driver(self.driver, self.model.unwrap_or_default())
    }

    /// Checks the entry as a whole (a model only for SCPI drivers, the address's shape for the
    /// driver, a channel the model has, a baud rate only for serial drivers); the rack file runs
    /// this while it is read, and a supply given on the command line gets the same words.
    pub fn validate(&self) -> Result<(), String> {
        if let (false, Some(model)) = (self.driver.is_scpi(), self.model) {
            return Err(format!(
                "model `{}` only applies to the scpi-tcp and scpi-serial drivers, not `{}`",
                model.as_str(),
                self.driver.as_str()
            ));
        }
        if self.driver == SupplyDriver::ScpiTcp {
            split_host_port(&self.address, 5025)?;
        } else if self.address.is_empty() {
            return Err(format!(
                "driver `{}` needs a device path as address",
                self.driver.as_str()
            ));
        } else {
            // A device path, or a network serial port (rfc2217://host:port, tcp://host:port).
            hil_rfc2217::PortSpec::parse(&self.address).map_err(|e| e.to_string())?;
        }
        let channels = self.supply_model().channels();
        if self.channel == 0 || self.channel > channels {
            let what = self
                .scpi_model()
                .map_or(self.driver.as_str(), ScpiModel::as_str);
            return Err(format!(
                "channel {} does not exist on {what} (1 to {channels})",
                self.channel
            ));
        }
        if let Some(0) = self.baud {
            return Err("baud 0 is not a baud rate".into());
        }
        if self.baud.is_some() && self.driver == SupplyDriver::ScpiTcp {
            return Err("baud only applies to serial drivers".into());
        }
        Ok(())
    }

    /// `(host, port)` for `scpi-tcp`, with the model's default port filled in.
    pub fn tcp_endpoint(&self) -> Option<(String, u16)> {
        if self.driver != SupplyDriver::ScpiTcp {
            return None;
        }
        let model = self.model.unwrap_or_default();
        split_host_port(&self.address, model.default_tcp_port()).ok()
    }
}

/// Splits `host[:port]` (with an optional `tcp://` prefix and `[v6]` brackets).
fn split_host_port(address: &str, default_port: u16) -> Result<(String, u16), String> {
    let rest = address.strip_prefix("tcp://").unwrap_or(address);
    if rest.is_empty() {
        return Err("the address is empty".into());
    }
    if rest.contains('/') {
        return Err(format!(
            "`{address}` looks like a path; scpi-tcp needs host:port"
        ));
    }
    let (host, port) = if let Some(v6) = rest.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| format!("`{address}`: unclosed `[`"))?;
        (host, after.strip_prefix(':'))
    } else {
        match rest.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (rest, None),
        }
    };
    if host.is_empty() {
        return Err(format!("`{address}` has no host"));
    }
    let port = match port {
        None => default_port,
        Some(p) => match p.parse::<u16>() {
            Ok(0) | Err(_) => return Err(format!("`{p}` is not a TCP port (1–65535)")),
            Ok(n) => n,
        },
    };
    Ok((host.to_string(), port))
}

impl Checked for SupplySpec {
    const EXPECTING: &'static str = "a supply (driver, model, address, channel)";
    fn unchecked<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::deserialize(d)
    }
    fn check(self) -> Result<Self, String> {
        self.validate()?;
        Ok(self)
    }
}

checked_serde!(SupplySpec);

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("10.0.0.5:5025", 5025, ("10.0.0.5", 5025))]
    #[case("tcp://127.0.0.1:40000", 5025, ("127.0.0.1", 40000))]
    #[case("psu-3.lab", 5555, ("psu-3.lab", 5555))]
    #[case("[::1]:5025", 5025, ("::1", 5025))]
    fn splits_addresses(#[case] a: &str, #[case] dflt: u16, #[case] want: (&str, u16)) {
        let (h, p) = split_host_port(a, dflt).unwrap();
        assert_eq!((h.as_str(), p), want);
    }

    #[rstest]
    #[case("")]
    #[case("/dev/ttyUSB0")]
    #[case(":5025")]
    #[case("host:0")]
    #[case("host:http")]
    fn refuses_addresses(#[case] a: &str) {
        assert!(split_host_port(a, 5025).is_err(), "{a}");
    }

    /// `validate` is the rack file's check: the same entries refused in the same words.
    #[rstest]
    #[case("{ driver: korad, address: /dev/x, channel: 7 }")]
    #[case("{ driver: korad, address: /dev/x, baud: 0 }")]
    #[case("{ driver: scpi-tcp, address: \"10.0.0.5:5025\", baud: 9600 }")]
    #[case("{ driver: korad, model: rigol-dp800, address: /dev/x }")]
    fn validate_refuses_what_the_rack_file_does(#[case] yaml: &str) {
        // The entry as read field by field, unchecked (the derived inherent deserializer).
        let spec = SupplySpec::deserialize(serde_yaml_ng::Deserializer::from_str(yaml)).unwrap();
        let why = spec.validate().unwrap_err();
        let from_file = serde_yaml_ng::from_str::<SupplySpec>(yaml).unwrap_err();
        assert!(
            from_file.to_string().starts_with(&why),
            "{why} / {from_file}"
        );
    }

    #[rstest]
    #[case("korad", "/dev/ttyUSB0", None)]
    #[case("korad", "rfc2217://rack-host-1:4001", None)]
    #[case("ppk2", "tcp://rack-host-1:4002", None)]
    #[case("scpi-serial", "rfc2217://[::1]:4003", None)]
    #[case("korad", "rfc2217://rack-host-1", Some("port is required"))]
    #[case("ppk2", "telnet://rack-host-1:23", Some("unknown scheme"))]
    fn serial_drivers_take_paths_and_network_ports(
        #[case] driver: &str,
        #[case] address: &str,
        #[case] error: Option<&str>,
    ) {
        let yaml = format!("{{ driver: {driver}, address: \"{address}\" }}");
        let got: Result<SupplySpec, _> = serde_yaml_ng::from_str(&yaml);
        match (got, error) {
            (Ok(spec), None) => assert_eq!(spec.address, address),
            (Err(e), Some(why)) => assert!(e.to_string().contains(why), "{address}: {e}"),
            (got, _) => panic!("{address}: unexpected {got:?}"),
        }
    }
}
