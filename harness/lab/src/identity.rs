//! Binding a board to its rack entry: what the modem says it is (IMEI, modem firmware) must
//! match what the rack file expects, so swapped ports or a wrong board stop that DUT before
//! anything is written to it (hil-anchors §3 item 7).

use std::fmt;

use hil_at::Identity;
use hil_model::MfwVersion;
use hil_rack::{DutSpec, Imei};

/// One field where the board differs from its rack entry: what the rack expects and what the
/// board said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Mismatch {
    /// Another IMEI than `expected_imei`.
    Imei {
        /// The rack's `expected_imei`.
        expected: Imei,
        /// What `AT+CGSN` answered.
        actual: String,
    },
    /// No IMEI at all (e.g. a PTI image), where the rack expects one.
    NoImei {
        /// The rack's `expected_imei`.
        expected: Imei,
    },
    /// Another modem firmware than `expected_mfw`.
    Mfw {
        /// The rack's `expected_mfw`.
        expected: MfwVersion,
        /// The firmware `AT+CGMR` names.
        actual: MfwVersion,
    },
    /// A revision that is not a known modem-firmware name, where the rack expects one.
    UnknownMfw {
        /// The rack's `expected_mfw`.
        expected: MfwVersion,
        /// `AT+CGMR`, verbatim.
        revision: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Imei { expected, actual } => write!(
                f,
                "IMEI is {actual}, the rack expects {} (ports swapped or wrong board?)",
                expected.as_str()
            ),
            Mismatch::NoImei { expected } => write!(
                f,
                "the board reports no IMEI, the rack expects {}",
                expected.as_str()
            ),
            Mismatch::Mfw { expected, actual } => {
                write!(f, "modem firmware is {actual}, the rack expects {expected}")
            }
            Mismatch::UnknownMfw { expected, revision } => write!(
                f,
                "modem firmware `{revision}` is not a known MFW name, the rack expects {expected}"
            ),
        }
    }
}

/// The board is not the one its rack entry names; never empty.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("identity mismatch: {}", join(.mismatches))]
pub struct IdentityMismatch {
    /// Every field that differs.
    pub mismatches: Vec<Mismatch>,
}

fn join(mismatches: &[Mismatch]) -> String {
    mismatches
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Checks `identity` against the rack entry; `Ok` has notes about fields the rack leaves
/// unbound, the error every field that differs.
pub fn bind(spec: &DutSpec, identity: &Identity) -> Result<Vec<String>, IdentityMismatch> {
    let mut mismatches = Vec::new();
    let mut notes = Vec::new();
    match (&spec.expected_imei, &identity.imei) {
        (Some(expected), Some(seen)) if expected.as_str() != seen => {
            mismatches.push(Mismatch::Imei {
                expected: expected.clone(),
                actual: seen.clone(),
            })
        }
        (Some(expected), None) => mismatches.push(Mismatch::NoImei {
            expected: expected.clone(),
        }),
        (None, _) => notes.push("no expected_imei in the rack file: IMEI not bound".to_string()),
        _ => {}
    }
    match (&spec.expected_mfw, &identity.mfw) {
        (Some(expected), Some(seen)) if expected != seen => mismatches.push(Mismatch::Mfw {
            expected: expected.clone(),
            actual: seen.clone(),
        }),
        (Some(expected), None) => mismatches.push(Mismatch::UnknownMfw {
            expected: expected.clone(),
            revision: identity.revision.clone(),
        }),
        (None, _) => {
            notes.push("no expected_mfw in the rack file: modem firmware not bound".to_string())
        }
        _ => {}
    }
    if mismatches.is_empty() {
        Ok(notes)
    } else {
        Err(IdentityMismatch { mismatches })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let err = bind(&spec(), &identity("490154203237518", "mfw_nrf9160_1.3.6"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("IMEI is 490154203237518"), "{err}");
        assert!(err.contains("351234567890125"), "{err}");
    }

    #[test]
    fn another_modem_firmware_is_refused() {
        let err = bind(&spec(), &identity("351234567890125", "mfw_nrf9160_1.3.1")).unwrap_err();
        assert_eq!(
            err.mismatches,
            [Mismatch::Mfw {
                expected: MfwVersion::parse("mfw_nrf9160_1.3.6").unwrap(),
                actual: MfwVersion::parse("mfw_nrf9160_1.3.1").unwrap(),
            }]
        );
        let err = err.to_string();
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
