//! Timing modes of the simulated rack.

use serde::{Deserialize, Serialize};

/// How much real time the simulation spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Timing {
    /// No added delay: as fast as the host can go. For CI.
    #[default]
    Fast,
    /// UART wire time at the configured baud rate, per-command modem latency from the profile,
    /// and supply slew as specified by the supply model.
    Realistic,
}

impl std::str::FromStr for Timing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fast" => Ok(Timing::Fast),
            "realistic" => Ok(Timing::Realistic),
            other => Err(format!("unknown timing mode `{other}` (expected fast or realistic)")),
        }
    }
}
