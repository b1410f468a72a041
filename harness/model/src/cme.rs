//! `+CME ERROR` codes of the credential commands (ref §2.1) and how NCS maps them (ref §2.4).

use std::fmt;

/// A `+CME ERROR: <n>` code. Unknown codes are kept as numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CmeCode(pub u16);

impl CmeCode {
    /// 0: phone failure.
    pub const PHONE_FAILURE: CmeCode = CmeCode(0);
    /// 23: memory failure.
    pub const MEMORY_FAILURE: CmeCode = CmeCode(23);
    /// 50: incorrect parameters (ref §2.1).
    pub const INCORRECT_PARAMETERS: CmeCode = CmeCode(50);
    /// 60: system error.
    pub const SYSTEM_ERROR: CmeCode = CmeCode(60);
    /// 513: credential not found (ref §2.1).
    pub const NOT_FOUND: CmeCode = CmeCode(513);
    /// 514: no access / not allowed (ref §2.1).
    pub const NO_ACCESS: CmeCode = CmeCode(514);
    /// 515: memory full on write (ref §2.1).
    pub const MEMORY_FULL: CmeCode = CmeCode(515);
    /// 518: not allowed while the modem is active (ref §2.1).
    pub const NOT_ALLOWED_ACTIVE: CmeCode = CmeCode(518);
    /// 519: the credential already exists (ref §2.1).
    pub const ALREADY_EXISTS: CmeCode = CmeCode(519);
    /// 520: `%XPMNG` write: already exists; `%XSUDO`: authentication failed (ref §2.1).
    pub const XPMNG_EXISTS_OR_AUTH_FAILED: CmeCode = CmeCode(520);
    /// 523: key generation failed (ref §2.1).
    pub const KEYGEN_FAILED: CmeCode = CmeCode(523);
    /// 527: invalid content (ref §2.1).
    pub const INVALID_CONTENT: CmeCode = CmeCode(527);
    /// 528: not allowed while a power-off warning is active (ref §2.1).
    pub const POWER_OFF_WARNING: CmeCode = CmeCode(528);
    /// 529: claim token failed (ref §2.1).
    pub const CLAIM_TOKEN_FAILED: CmeCode = CmeCode(529);

    /// The meaning Nordic documents for the code, paraphrased (ref §2.1).
    pub fn meaning(self) -> &'static str {
        match self.0 {
            0 => "phone failure",
            23 => "memory failure",
            50 => "incorrect parameters",
            51 => "command disabled in this build",
            60 => "system error",
            513 => "not found",
            514 => "no access",
            515 => "memory full",
            518 => "not allowed in active state",
            519 => "already exists",
            520 => "already exists / authentication failed",
            523 => "key generation failed",
            527 => "invalid content",
            528 => "not allowed when power off warning is active",
            529 => "claim token failed",
            _ => "unlisted code",
        }
    }

    /// The errno NCS `modem_key_mgmt` returns for this code, by NCS generation (ref §2.4).
    /// `None` means the code falls into NCS's default branch (assert / `0xBAADBAAD`).
    pub fn ncs_errno(self, ncs: NcsGeneration) -> Option<(&'static str, i32)> {
        use NcsGeneration::*;
        match (self.0, ncs) {
            (513, _) => Some(("-ENOENT", -2)),
            (514, Pre2_2) => Some(("-EPERM", -1)),
            (514, _) => Some(("-EACCES", -13)),
            (515, _) => Some(("-ENOMEM", -12)),
            (518, Pre2_2) => Some(("-EACCES", -13)),
            (518, _) => Some(("-EPERM", -1)),
            (519, Pre2_2) => None,
            (519, _) => Some(("-EALREADY", -120)),
            (527, From2_9) => Some(("-EINVAL", -22)),
            (528, Pre2_2) => None,
            (528, _) => Some(("-ECANCELED", -140)),
            (0, From2_9) => Some(("-EIO", -5)),
            (23, From2_9) => Some(("-E2BIG", -7)),
            (50, From2_9) => Some(("-EINVAL", -22)),
            (60, From2_9) => Some(("-ENOEXEC", -8)),
            _ => None,
        }
    }
}

/// NCS releases that translate CME codes differently (ref §2.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NcsGeneration {
    /// NCS 1.x – 2.1
    Pre2_2,
    /// NCS 2.2 – 2.8
    From2_2,
    /// NCS 2.9 and later
    From2_9,
}

impl fmt::Display for CmeCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+CME ERROR: {} ({})", self.0, self.meaning())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_528_maps_to_ecanceled_from_ncs_2_2() {
        // Field report 1: NCS 2.6.0 logged `err -140` for 528 (ref §2.4, [F1]).
        assert_eq!(
            CmeCode::POWER_OFF_WARNING.ncs_errno(NcsGeneration::From2_2),
            Some(("-ECANCELED", -140))
        );
        assert_eq!(
            CmeCode::POWER_OFF_WARNING.ncs_errno(NcsGeneration::Pre2_2),
            None
        );
    }

    #[test]
    fn eperm_and_eacces_swapped_in_2_2() {
        assert_eq!(
            CmeCode::NO_ACCESS
                .ncs_errno(NcsGeneration::Pre2_2)
                .unwrap()
                .0,
            "-EPERM"
        );
        assert_eq!(
            CmeCode::NO_ACCESS
                .ncs_errno(NcsGeneration::From2_2)
                .unwrap()
                .0,
            "-EACCES"
        );
    }
}
