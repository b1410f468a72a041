//! `%XPOFWARN`: the modem's power-off warning (ref §4.1). Enabling takes a threshold of 3000,
//! 3100, 3200 or 3300 mV, sent as 30–33.

use crate::{AtClient, AtError, Response};

/// The enable command for `threshold_mv`, refusing thresholds the modem does not have.
pub fn enable_command(threshold_mv: u16) -> Result<String, AtError> {
    match threshold_mv {
        3000 | 3100 | 3200 | 3300 => Ok(format!("AT%XPOFWARN=1,{}", threshold_mv / 100)),
        other => Err(AtError::InvalidRequest(format!(
            "power-off warning threshold {other} mV is not one of 3000, 3100, 3200, 3300"
        ))),
    }
}

impl AtClient {
    /// `AT%XPOFWARN=1,<30..33>`; must answer `OK`.
    pub fn xpofwarn_enable(&mut self, threshold_mv: u16) -> Result<Response, AtError> {
        let cmd = enable_command(threshold_mv)?;
        self.command(&cmd)
    }

    /// `AT%XPOFWARN=0`; must answer `OK`.
    pub fn xpofwarn_disable(&mut self) -> Result<Response, AtError> {
        self.command("AT%XPOFWARN=0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(3000, Some("AT%XPOFWARN=1,30"))]
    #[case(3300, Some("AT%XPOFWARN=1,33"))]
    #[case(2900, None)]
    #[case(3050, None)]
    #[case(3400, None)]
    fn thresholds(#[case] mv: u16, #[case] want: Option<&str>) {
        assert_eq!(enable_command(mv).ok().as_deref(), want);
    }
}
