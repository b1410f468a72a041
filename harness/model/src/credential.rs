//! `%CMNG` credential types (ref §1.2).

use std::fmt;

/// A `%CMNG` `<type>` value. Types beyond the named ones are kept as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CredentialType(pub u8);

impl CredentialType {
    /// 0: root CA certificate (ref §1.2).
    pub const ROOT_CA: CredentialType = CredentialType(0);
    /// 1: client certificate.
    pub const CLIENT_CERT: CredentialType = CredentialType(1);
    /// 2: client private key.
    pub const CLIENT_KEY: CredentialType = CredentialType(2);
    /// 3: pre-shared key, as an ASCII hex string.
    pub const PSK: CredentialType = CredentialType(3);
    /// 4: PSK identity.
    pub const PSK_IDENTITY: CredentialType = CredentialType(4);
    /// 5: public key, used by authenticated AT commands (`%XSUDO`).
    pub const PUBLIC_KEY: CredentialType = CredentialType(5);
    /// 6: device identity public key.
    pub const DEVICE_ID_PUBLIC_KEY: CredentialType = CredentialType(6);
    /// 8: endorsement key.
    pub const ENDORSEMENT_KEY: CredentialType = CredentialType(8);

    /// A human-readable name of the type, or `unknown type` for numbers without one.
    pub fn name(self) -> &'static str {
        match self.0 {
            0 => "root CA certificate",
            1 => "client certificate",
            2 => "client private key",
            3 => "PSK",
            4 => "PSK identity",
            5 => "public key",
            6 => "device identity public key",
            7 => "reserved",
            8 => "endorsement key",
            9 => "ownership key",
            10 => "Nordic identity root CA",
            11 => "Nordic public key",
            _ => "unknown type",
        }
    }

    /// Secret material that must never appear in logs or reports: private keys and PSKs.
    pub fn is_secret(self) -> bool {
        matches!(self.0, 2 | 3 | 8 | 9)
    }

    /// X.509 certificates, which MFW ≥ 2.0.2 validates on write (ref §1.3).
    pub fn is_certificate(self) -> bool {
        matches!(self.0, 0 | 1)
    }
}

impl fmt::Display for CredentialType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.0, self.name())
    }
}
