//! Identification of the DUT's modem (ref §6): `+CGMR` revision (parsed into an
//! [`MfwVersion`] where it follows the known grammar), `%SHORTSWVER`, `%HWVERSION`, `+CGMM`,
//! `+CGMI` and the IMEI from `+CGSN`.

use hil_model::MfwVersion;

use crate::{AtClient, AtError};

/// What a DUT's modem says it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// `AT+CGMR`, verbatim.
    pub revision: String,
    /// The revision parsed, when it follows `mfw[-pti]_<family>_<x.y.z>[-pre]`.
    pub mfw: Option<MfwVersion>,
    /// `AT%SHORTSWVER` value, e.g. `nrf9160_1.3.6` (`None` if the command failed).
    pub short_sw_version: Option<String>,
    /// `AT%HWVERSION` value, e.g. `nRF9160 SICA B1A`.
    pub hw_version: Option<String>,
    /// `AT+CGMM`, e.g. `nRF9160-SICA`.
    pub model: Option<String>,
    /// `AT+CGMI`, e.g. `Nordic Semiconductor ASA`.
    pub manufacturer: Option<String>,
    /// `AT+CGSN` (15 digits); `None` if unset (PTI images answer `ERROR`).
    pub imei: Option<String>,
}

/// Accepts an IMEI line: 15 digits, optionally quoted or after `+CGSN:`.
pub fn parse_imei(line: &str) -> Result<String, String> {
    let v = line.trim();
    let v = v.strip_prefix("+CGSN:").map_or(v, str::trim);
    let v = v.trim_matches('"');
    if v.len() == 15 && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(v.to_string())
    } else {
        Err(format!("`{v}` is not a 15-digit IMEI"))
    }
}

impl AtClient {
    /// `AT+CGMR` → the modem firmware revision line.
    pub fn cgmr(&mut self) -> Result<String, AtError> {
        let r = self.command("AT+CGMR")?;
        Ok(r.single_line()?.to_string())
    }

    /// `AT+CGMR` parsed; [`AtError::Malformed`] if it does not follow the MFW grammar.
    pub fn mfw_version(&mut self) -> Result<MfwVersion, AtError> {
        let r = self.command("AT+CGMR")?;
        let line = r.single_line()?;
        MfwVersion::parse(line).map_err(|e| r.malformed(line, &e.to_string()))
    }

    /// `AT%SHORTSWVER` → e.g. `nrf9160_1.3.6`.
    pub fn short_sw_version(&mut self) -> Result<String, AtError> {
        let r = self.command("AT%SHORTSWVER")?;
        Ok(r.value_of("%SHORTSWVER:")?.to_string())
    }

    /// `AT%HWVERSION` → e.g. `nRF9160 SICA B1A`.
    pub fn hw_version(&mut self) -> Result<String, AtError> {
        let r = self.command("AT%HWVERSION")?;
        Ok(r.value_of("%HWVERSION:")?.to_string())
    }

    /// `AT+CGMM` → e.g. `nRF9160-SICA`.
    pub fn cgmm(&mut self) -> Result<String, AtError> {
        let r = self.command("AT+CGMM")?;
        Ok(r.single_line()?.to_string())
    }

    /// `AT+CGMI` → the manufacturer.
    pub fn cgmi(&mut self) -> Result<String, AtError> {
        let r = self.command("AT+CGMI")?;
        Ok(r.single_line()?.to_string())
    }

    /// `AT+CGSN` → the IMEI.
    pub fn imei(&mut self) -> Result<String, AtError> {
        let r = self.command("AT+CGSN")?;
        let line = r.single_line()?;
        parse_imei(line).map_err(|why| r.malformed(line, &why))
    }

    /// Everything above in one go. `+CGMR` is required; the others are `None` when the modem
    /// rejects them (older firmware, unset IMEI). Timeouts and I/O errors still fail.
    pub fn identity(&mut self) -> Result<Identity, AtError> {
        let revision = self.cgmr()?;
        let mfw = MfwVersion::parse(&revision).ok();
        Ok(Identity {
            mfw,
            revision,
            short_sw_version: optional(self.short_sw_version())?,
            hw_version: optional(self.hw_version())?,
            model: optional(self.cgmm())?,
            manufacturer: optional(self.cgmi())?,
            imei: optional(self.imei())?,
        })
    }
}

/// A rejected or oddly shaped answer becomes `None`; no answer at all stays an error.
fn optional<T>(r: Result<T, AtError>) -> Result<Option<T>, AtError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(AtError::Rejected { .. } | AtError::Malformed { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("352656100123456", Ok("352656100123456"))]
    #[case("+CGSN: \"352656100123456\"", Ok("352656100123456"))]
    #[case(" 352656100123456\r", Ok("352656100123456"))]
    #[case("35265610012345", Err(()))]
    #[case("35265610012345x", Err(()))]
    fn parses_imei(#[case] line: &str, #[case] want: Result<&str, ()>) {
        assert_eq!(parse_imei(line).map_err(|_| ()), want.map(str::to_string));
    }
}
