//! Binding a board to its rack entry: what the modem says it is (IMEI, modem firmware) must
//! match what the rack file expects, so swapped ports or a wrong board stop that DUT before
//! anything is written to it (hil-anchors §3 item 7).

use hil_at::Identity;
use hil_rack::DutSpec;

/// Checks `identity` against the rack entry; the error says which field differs and how.
pub fn bind(spec: &DutSpec, identity: &Identity) -> Result<Vec<String>, String> {
    let mut mismatches = Vec::new();
    let mut notes = Vec::new();
    match (&spec.expected_imei, &identity.imei) {
        (Some(expected), Some(seen)) if expected.as_str() != seen => mismatches.push(format!(
            "IMEI is {seen}, the rack expects {} (ports swapped or wrong board?)",
            expected.as_str()
        )),
        (Some(expected), None) => mismatches.push(format!(
            "the board reports no IMEI, the rack expects {}",
            expected.as_str()
        )),
        (None, _) => notes.push("no expected_imei in the rack file: IMEI not bound".to_string()),
        _ => {}
    }
    match (&spec.expected_mfw, &identity.mfw) {
        (Some(expected), Some(seen)) if expected != seen => mismatches.push(format!(
            "modem firmware is {seen}, the rack expects {expected}"
        )),
        (Some(expected), None) => mismatches.push(format!(
            "modem firmware `{}` is not a known MFW name, the rack expects {expected}",
            identity.revision
        )),
        (None, _) => {
            notes.push("no expected_mfw in the rack file: modem firmware not bound".to_string())
        }
        _ => {}
    }
    if mismatches.is_empty() {
        Ok(notes)
    } else {
        Err(format!(
            "identity mismatch on `{}`: {}",
            spec.name,
            mismatches.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hil_model::MfwVersion;

    fn spec() -> DutSpec {
        hil_rack::parse(
            "name: r\nduts:\n  - name: a\n    serial: { port: /dev/null }\n    expected_mfw: mfw_nrf9160_1.3.6\n    expected_imei: \"351234567890125\"\n",
            "test.yaml",
        )
        .expect("valid rack")
        .duts
        .remove(0)
    }

    fn identity(imei: &str, mfw: &str) -> Identity {
        Identity {
            revision: mfw.to_string(),
            mfw: MfwVersion::parse(mfw).ok(),
            short_sw_version: None,
            hw_version: None,
            model: None,
            manufacturer: None,
            imei: Some(imei.to_string()),
        }
    }

    #[test]
    fn matching_identity_binds() {
        assert!(bind(&spec(), &identity("351234567890125", "mfw_nrf9160_1.3.6")).is_ok());
    }

    #[test]
    fn another_boards_imei_is_refused() {
        let err = bind(&spec(), &identity("490154203237518", "mfw_nrf9160_1.3.6")).unwrap_err();
        assert!(err.contains("IMEI is 490154203237518"), "{err}");
        assert!(err.contains("351234567890125"), "{err}");
    }

    #[test]
    fn another_modem_firmware_is_refused() {
        let err = bind(&spec(), &identity("351234567890125", "mfw_nrf9160_1.3.1")).unwrap_err();
        assert!(err.contains("modem firmware is mfw_nrf9160_1.3.1"), "{err}");
    }

    #[test]
    fn unbound_fields_are_noted() {
        let mut s = spec();
        s.expected_imei = None;
        let notes = bind(&s, &identity("351234567890125", "mfw_nrf9160_1.3.6")).unwrap();
        assert!(notes.iter().any(|n| n.contains("IMEI not bound")));
    }
}
