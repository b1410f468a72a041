//! Per-device identity of a simulated modem: IMEI, device UUID and attestation key.
//!
//! A real nRF91 carries a factory IMEI (`AT+CGSN`, ref §6), a device UUID (the default CSR
//! subject and the first field of the `%KEYGEN`/`%ATTESTTOKEN` COSE payloads) and a device
//! key that signs those payloads. The simulator derives all three deterministically from a
//! seed string (typically the DUT name) so a rack restart gives the same device.

use p256::ecdsa::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Type Allocation Code used for simulated IMEIs (8 digits; any value works for the harness).
const SIM_TAC: &str = "35404599";

/// Who a simulated modem is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModemIdentity {
    /// 15-digit IMEI with a valid Luhn check digit.
    pub imei: String,
    /// Device UUID, lower-case 8-4-4-4-12 form.
    pub uuid: String,
    /// Seed of the per-device attestation key (signs the COSE parts).
    pub attestation_seed: [u8; 32],
}

impl ModemIdentity {
    /// Derives IMEI, UUID and attestation key from `seed` (e.g. the DUT name).
    pub fn from_seed(seed: &str) -> Self {
        let h = |label: &str| -> [u8; 32] {
            let mut d = Sha256::new();
            d.update(b"hil-sim modem identity\0");
            d.update(label.as_bytes());
            d.update(b"\0");
            d.update(seed.as_bytes());
            d.finalize().into()
        };
        let serial = u64::from_be_bytes(h("imei")[..8].try_into().expect("8 bytes")) % 1_000_000;
        let body = format!("{SIM_TAC}{serial:06}");
        let imei = format!("{body}{}", luhn_digit(&body));

        let mut u = h("uuid");
        u[6] = (u[6] & 0x0f) | 0x40; // version 4 layout, as the modem's UUIDs show
        u[8] = (u[8] & 0x3f) | 0x80; // RFC 4122 variant
        let uuid = format_uuid(&u[..16]);
        ModemIdentity {
            imei,
            uuid,
            attestation_seed: h("attestation"),
        }
    }

    /// The 16 raw bytes of the UUID.
    pub fn uuid_bytes(&self) -> [u8; 16] {
        let hex: String = self.uuid.chars().filter(|c| *c != '-').collect();
        let mut out = [0u8; 16];
        for (i, b) in out.iter_mut().enumerate() {
            *b = hex
                .get(2 * i..2 * i + 2)
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .unwrap_or(0);
        }
        out
    }

    /// The per-device key that signs `%KEYGEN` / `%ATTESTTOKEN` COSE parts.
    pub fn attestation_key(&self) -> SigningKey {
        let mut seed = self.attestation_seed;
        loop {
            if let Ok(k) = SigningKey::from_slice(&seed) {
                return k;
            }
            // Out-of-range scalar (probability ~2^-32): rehash until valid.
            seed = Sha256::digest(seed).into();
        }
    }

    /// Public half of [`attestation_key`](Self::attestation_key), for verifiers in tests.
    pub fn attestation_verifying_key(&self) -> VerifyingKey {
        *self.attestation_key().verifying_key()
    }
}

/// Luhn check digit for a string of decimal digits.
pub fn luhn_digit(digits: &str) -> u32 {
    let sum: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// True when `imei` is 15 digits with a valid Luhn check digit.
pub fn imei_is_valid(imei: &str) -> bool {
    imei.len() == 15
        && imei.chars().all(|c| c.is_ascii_digit())
        && luhn_digit(&imei[..14]) == imei[14..].parse::<u32>().unwrap_or(99)
}

fn format_uuid(b: &[u8]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_known_imei() {
        // 49015420323751 8 is the textbook Luhn IMEI example.
        assert_eq!(luhn_digit("49015420323751"), 8);
        assert!(imei_is_valid("490154203237518"));
        assert!(!imei_is_valid("490154203237519"));
    }

    #[test]
    fn identity_is_deterministic_and_valid() {
        let a = ModemIdentity::from_seed("dut-1");
        let b = ModemIdentity::from_seed("dut-1");
        let c = ModemIdentity::from_seed("dut-2");
        assert_eq!(a, b);
        assert_ne!(a.imei, c.imei);
        assert_ne!(a.uuid, c.uuid);
        assert!(imei_is_valid(&a.imei), "{}", a.imei);
        assert_eq!(a.uuid.len(), 36);
        assert_eq!(&a.uuid[14..15], "4");
        assert_eq!(format_uuid(&a.uuid_bytes()), a.uuid);
        assert_eq!(a.attestation_verifying_key(), b.attestation_verifying_key());
    }
}
