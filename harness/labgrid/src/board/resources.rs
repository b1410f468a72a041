//! The resources of a place that make a board: `console` (a `NetworkSerialPort`, reached at
//! `rfc2217://host:port` while the place is acquired, hil-anchors §7.1), `supply` (a
//! `PyVISADevice` TCPIP socket for SCPI over TCP, or a serial resource for serial instruments
//! such as the Korad and the PPK2), and `ssh` (a `NetworkService` for flashing on the exporter).

use std::fmt;

use hil_model::{ScpiLink, SupplyModel};
use hil_rack::ProbeSelector;

use super::Flashing;
use super::tags::{TAG_PROBE, TAG_SUPPLY_MODEL};
use crate::model::{Param, PlaceResource, ResourceEntry};

/// The resource name of a board's console.
pub const CONSOLE: &str = "console";
/// The resource name of a board's supply.
pub const SUPPLY: &str = "supply";
/// The resource name of the exporter's SSH service, used to flash.
pub const FLASH_SERVICE: &str = "ssh";

/// The console as a network serial port.
pub(crate) struct Console {
    pub exporter: String,
    pub host: String,
    pub url: String,
    pub baud: u32,
}

/// An exporter's SSH service (`NetworkService`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshService {
    /// Host.
    pub address: String,
    /// User.
    pub username: String,
    /// Port.
    pub port: u16,
}

impl fmt::Display for SshService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}:{}", self.username, self.address, self.port)
    }
}

fn find<'a>(resources: &'a [PlaceResource<'_>], name: &str) -> Option<&'a ResourceEntry> {
    resources
        .iter()
        .find(|r| r.name == name)
        .map(|r| r.resource)
}

/// `host:port` of an acquired network serial port, and its speed.
fn network_serial(r: &ResourceEntry, name: &str) -> Result<(String, u16, Option<u32>), String> {
    if r.cls != "NetworkSerialPort" {
        return Err(format!(
            "resource `{name}` ({}) is a {}, not a serial port (NetworkSerialPort)",
            r.id, r.cls
        ));
    }
    let host = r
        .param("host")
        .and_then(Param::as_str)
        .filter(|h| !h.is_empty());
    let host = host.ok_or_else(|| format!("resource `{name}` ({}) has no `host`", r.id))?;
    let port = r.param("port").and_then(Param::as_int);
    let port = port.and_then(|p| u16::try_from(p).ok()).filter(|p| *p > 0).ok_or_else(|| {
        format!(
            "resource `{name}` ({}) has no TCP port: the exporter serves it only while the place is acquired",
            r.id
        )
    })?;
    let speed = r
        .param("speed")
        .and_then(Param::as_int)
        .and_then(|s| u32::try_from(s).ok());
    Ok((host.to_string(), port, speed))
}

/// The `console` resource.
pub(crate) fn console(resources: &[PlaceResource<'_>]) -> Result<Console, String> {
    let r = find(resources, CONSOLE).ok_or("no `console` resource (a serial port)")?;
    if !r.avail {
        return Err(format!(
            "resource `console` ({}) is not available on its exporter",
            r.id
        ));
    }
    let (host, port, speed) = network_serial(r, CONSOLE)?;
    Ok(Console {
        exporter: r.id.exporter.clone(),
        url: format!("rfc2217://{}:{port}", bracket(&host)),
        host,
        baud: speed.unwrap_or(hil_rack::DEFAULT_BAUD),
    })
}

/// The rack-file `supply:` entry of the `supply` resource, if there is one.
pub(crate) fn supply(
    resources: &[PlaceResource<'_>],
    model: Option<SupplyModel>,
) -> Result<Option<serde_json::Value>, String> {
    let Some(r) = find(resources, SUPPLY) else {
        return match model {
            Some(_) => Err(format!(
                "tag `{TAG_SUPPLY_MODEL}` is set but there is no `supply` resource"
            )),
            None => Ok(None),
        };
    };
    let (link, address, baud) = match r.cls.as_str() {
        "PyVISADevice" => (ScpiLink::Tcp, visa_socket(r)?, None),
        _ => {
            let (host, port, speed) = network_serial(r, SUPPLY)?;
            (
                ScpiLink::Serial,
                format!("rfc2217://{}:{port}", bracket(&host)),
                speed,
            )
        }
    };
    let model = model.ok_or_else(|| {
        format!("resource `supply` ({}) needs tag `{TAG_SUPPLY_MODEL}` (e.g. generic-scpi, rigol-dp800, korad, ppk2)", r.id)
    })?;
    if link == ScpiLink::Tcp && !model.is_scpi() {
        return Err(format!(
            "tag `{TAG_SUPPLY_MODEL}` is `{model}`, a serial instrument, but resource `supply` ({}) is a TCP socket",
            r.id
        ));
    }
    let mut entry = serde_json::json!({
        "driver": model.driver(link).as_str(),
        "address": address,
    });
    if let Some(scpi) = model.scpi_model() {
        entry["model"] = scpi.as_str().into();
    }
    if let Some(baud) = baud {
        entry["baud"] = baud.into();
    }
    Ok(Some(entry))
}

/// `host:port` of a `PyVISADevice` of type TCPIP with a `host::port::SOCKET` url.
fn visa_socket(r: &ResourceEntry) -> Result<String, String> {
    let kind = r.param("type").and_then(Param::as_str).unwrap_or_default();
    let url = r.param("url").and_then(Param::as_str).unwrap_or_default();
    let parts: Vec<&str> = url.split("::").collect();
    match (kind.eq_ignore_ascii_case("TCPIP"), parts.as_slice()) {
        (true, [host, port, socket])
            if socket.eq_ignore_ascii_case("SOCKET") && !host.is_empty() =>
        {
            let port: u16 = port.parse().map_err(|_| {
                format!(
                    "resource `supply` ({}): `{port}` in url `{url}` is not a TCP port",
                    r.id
                )
            })?;
            Ok(format!("{}:{port}", bracket(host)))
        }
        _ => Err(format!(
            "resource `supply` ({}) is a PyVISADevice of type `{kind}` with url `{url}`; \
             expected type TCPIP and url HOST::PORT::SOCKET (SCPI over a raw socket)",
            r.id
        )),
    }
}

/// How the place's board is flashed: over its `ssh` service with the `hil-probe` probe, by
/// `remote_hil` (default `hil`) on the exporter host.
pub(crate) fn flashing(
    resources: &[PlaceResource<'_>],
    probe: Option<ProbeSelector>,
    remote_hil: Option<String>,
) -> Flashing {
    let ssh = find(resources, FLASH_SERVICE).filter(|r| r.cls == "NetworkService");
    match (ssh.and_then(ssh_service), probe) {
        (Some(ssh), Some(probe)) => Flashing::OverSsh {
            ssh,
            probe,
            remote_hil: remote_hil.unwrap_or_else(|| super::DEFAULT_REMOTE_HIL.to_string()),
        },
        (None, _) => Flashing::Unavailable(format!(
            "the place has no `{FLASH_SERVICE}` NetworkService resource (the exporter host runs `hil flash`)"
        )),
        (Some(_), None) => Flashing::Unavailable(format!("the place has no `{TAG_PROBE}` tag")),
    }
}

fn ssh_service(r: &ResourceEntry) -> Option<SshService> {
    Some(SshService {
        address: r.param("address")?.as_str()?.to_string(),
        username: r.param("username")?.as_str()?.to_string(),
        port: r
            .param("port")
            .and_then(Param::as_int)
            .and_then(|p| u16::try_from(p).ok())
            .unwrap_or(22),
    })
}

fn bracket(host: &str) -> String {
    if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}
