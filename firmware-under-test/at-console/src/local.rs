//! Local commands: the few `AT` lines the firmware answers itself and never forwards to the modem.
//!
//! Matching is case-insensitive and ignores leading/trailing spaces, like the modem's own parser
//! for these simple forms; anything else (including `AT#XFWVER?` or `ATE0;+CGMR`) is not local.

/// A command the console handles without the modem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LocalCommand {
    /// `ATE0`: echo off (the power-on default). Applied by [`crate::Console`] itself.
    EchoOff,
    /// `ATE1`: echo on. Applied by [`crate::Console`] itself.
    EchoOn,
    /// `AT#XFWVER`: answer [`crate::response::FwVersion`] (`#XFWVER: "<fw id>"` + `OK`).
    Version,
    /// `AT#XRESET`: answer [`crate::response::OK`], then `AT+CFUN=0`, modem shutdown and a SoC
    /// reset; the boot banner follows.
    Reset,
}

impl LocalCommand {
    /// The command text in its canonical (upper-case) spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::EchoOff => "ATE0",
            Self::EchoOn => "ATE1",
            Self::Version => "AT#XFWVER",
            Self::Reset => "AT#XRESET",
        }
    }

    const ALL: [Self; 4] = [Self::EchoOff, Self::EchoOn, Self::Version, Self::Reset];
}

/// Recognises a local command in a complete line (without terminator).
pub fn classify(line: &[u8]) -> Option<LocalCommand> {
    let line = line.trim_ascii();
    LocalCommand::ALL
        .into_iter()
        .find(|cmd| line.eq_ignore_ascii_case(cmd.as_str().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(b"ATE0", Some(LocalCommand::EchoOff))]
    #[case(b"ate0", Some(LocalCommand::EchoOff))]
    #[case(b"ATE1", Some(LocalCommand::EchoOn))]
    #[case(b"aTe1", Some(LocalCommand::EchoOn))]
    #[case(b"AT#XFWVER", Some(LocalCommand::Version))]
    #[case(b"at#xfwver", Some(LocalCommand::Version))]
    #[case(b" AT#XFWVER ", Some(LocalCommand::Version))]
    #[case(b"AT#XRESET", Some(LocalCommand::Reset))]
    #[case(b"At#XReSeT", Some(LocalCommand::Reset))]
    #[case(b"AT", None)]
    #[case(b"ATE", None)]
    #[case(b"ATE2", None)]
    #[case(b"AT#XFWVER?", None)]
    #[case(b"AT#XFWVER=1", None)]
    #[case(b"AT#XRESETX", None)]
    #[case(b"ATE0;+CGMR", None)]
    #[case(b"AT+CGMR", None)]
    #[case(b"", None)]
    fn classifies(#[case] line: &[u8], #[case] expected: Option<LocalCommand>) {
        assert_eq!(classify(line), expected);
    }
}
