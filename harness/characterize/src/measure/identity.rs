//! Identity strings (ref §6) and the IMEI's hash (the IMEI itself is never written).

use hil_sim::profile::IdentityStrings;

use crate::error::Error;
use crate::findings::Findings;
use crate::options::Options;
use crate::session::Session;

/// `+CGMR`, `%SHORTSWVER`, `%HWVERSION`, `+CGMM`, `+CGMI`, `+CGSN`.
pub fn measure(s: &mut Session, _: &Options, f: &mut Findings) -> Result<(), Error> {
    let id = s.at()?.identity()?;
    f.imei_hash = id
        .imei
        .as_ref()
        .map(|imei| hil_model::sha256_upper_hex(imei.as_bytes())[..16].to_lowercase());
    f.identity = Some(IdentityStrings {
        cgmr: id.revision,
        shortswver: id.short_sw_version.unwrap_or_default(),
        hwversion: id.hw_version.unwrap_or_default(),
        cgmm: id.model.unwrap_or_default(),
        cgmi: id.manufacturer.unwrap_or_default(),
        attest_device_type: 0,
        cite: String::new(),
    });
    f.skip(
        "identity.attest_device_type",
        "not decoded from the attestation token",
    );
    Ok(())
}
