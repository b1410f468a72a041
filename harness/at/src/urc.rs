//! Unsolicited lines: which prefixes are known URCs, how an out-of-transaction line is
//! classified, and the time-stamped [`Urc`] record the client queues for waiters.

use std::time::{Duration, Instant};

/// URC prefixes recognised by default (ref §7.1, §4.2, §4.5; 3GPP TS 27.007 network URCs).
pub const DEFAULT_URC_PREFIXES: &[&str] = &[
    "+CGEV:",
    "%MDMEV:",
    "%XVBATLOWLVL:",
    "+CEREG:",
    "+CSCON:",
    "%CESQ:",
    "%XSIM:",
    "%XTIME:",
    "%XMODEMSLEEP:",
    "%NCELLMEAS:",
    "%XT3412:",
    "+CNEC_ESM:",
    "+CNEC_EMM:",
    "+CIREPI:",
    "+CIREPH:",
    "+CRTDCP:",
];

/// The default prefixes as owned strings (the client's configurable list starts from these).
pub fn default_urc_prefixes() -> Vec<String> {
    DEFAULT_URC_PREFIXES.iter().map(|s| s.to_string()).collect()
}

/// What kind of unsolicited line it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UrcKind {
    /// A modem event with a known URC prefix (`+CGEV:`, `%MDMEV:`, ...).
    Event,
    /// Firmware boot output: the `#XFWVER:` banner, `READY`, `#XFWERR: modem init`.
    Boot,
    /// `#XFWPANIC: ...`: the firmware crashed and is about to reset.
    Panic,
    /// Any other line outside a transaction (a late reply to a timed-out command, noise).
    Stray,
}

/// Classifies a line that is not (or might not be) part of a reply. `None` for blank lines.
pub fn classify_unsolicited(line: &str, urc_prefixes: &[String]) -> Option<UrcKind> {
    let t = line.trim_end();
    if t.is_empty() {
        return None;
    }
    if t.starts_with("#XFWPANIC:") {
        return Some(UrcKind::Panic);
    }
    if t == "READY" || t.starts_with("#XFWVER:") || t == "#XFWERR: modem init" {
        return Some(UrcKind::Boot);
    }
    if urc_prefixes.iter().any(|p| t.starts_with(p.as_str())) {
        return Some(UrcKind::Event);
    }
    Some(UrcKind::Stray)
}

/// An unsolicited line, time-stamped when it was read from the port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urc {
    /// The line without its ending (not redacted: the caller's own data).
    pub line: String,
    /// What kind of URC the line is.
    pub kind: UrcKind,
    /// When the line's last byte was read.
    pub at: Instant,
    /// Time since the client opened the port.
    pub since_open: Duration,
    /// The bytes were not valid UTF-8.
    pub lossy: bool,
}

impl Urc {
    /// The `+XYZ:` / `%XYZ:` prefix including the colon, if the line has one.
    pub fn prefix(&self) -> Option<&str> {
        let colon = self.line.find(':').filter(|&c| c > 1)?;
        let p = &self.line[..=colon];
        let name = &p.as_bytes()[1..colon];
        (!name.is_empty()
            && matches!(p.as_bytes()[0], b'+' | b'%' | b'#')
            && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_'))
        .then_some(p)
    }

    /// The text after the prefix, trimmed (`%MDMEV: ME BATTERY LOW` → `ME BATTERY LOW`).
    pub fn value(&self) -> &str {
        match self.prefix() {
            Some(p) => self.line[p.len()..].trim(),
            None => self.line.trim(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("%MDMEV: ME BATTERY LOW", Some(UrcKind::Event))]
    #[case("+CGEV: ME BATTERY LOW", Some(UrcKind::Event))]
    #[case("%XVBATLOWLVL: 3100", Some(UrcKind::Event))]
    #[case("+CEREG: 1,\"002F\",\"0012BEEF\",7", Some(UrcKind::Event))]
    #[case("READY", Some(UrcKind::Boot))]
    #[case("#XFWVER: \"0.1.0+dev\"", Some(UrcKind::Boot))]
    #[case("#XFWERR: modem init", Some(UrcKind::Boot))]
    #[case("#XFWPANIC: panicked at src/main.rs:10", Some(UrcKind::Panic))]
    #[case("OK", Some(UrcKind::Stray))]
    #[case("", None)]
    #[case("\r", None)]
    fn classifies_unsolicited(#[case] line: &str, #[case] kind: Option<UrcKind>) {
        assert_eq!(classify_unsolicited(line, &default_urc_prefixes()), kind);
    }

    #[test]
    fn splits_prefix_and_value() {
        let now = Instant::now();
        let urc = |line: &str| Urc {
            line: line.into(),
            kind: UrcKind::Event,
            at: now,
            since_open: Duration::ZERO,
            lossy: false,
        };
        assert_eq!(urc("%MDMEV: ME BATTERY LOW").prefix(), Some("%MDMEV:"));
        assert_eq!(urc("%MDMEV: ME BATTERY LOW").value(), "ME BATTERY LOW");
        assert_eq!(urc("READY").prefix(), None);
        assert_eq!(urc("é: x").prefix(), None);
        assert_eq!(urc(":x").prefix(), None);
        assert_eq!(urc("+:x").prefix(), None);
        assert_eq!(urc("READY").value(), "READY");
    }
}
