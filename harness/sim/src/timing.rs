//! Timing modes of the simulated rack, and the delays each mode adds.
//!
//! The simulator never sleeps to model time: components ask how long something takes here and
//! schedule it (the DUT's transmitter releases bytes when their wire time is up, an answer waits
//! for the modem's latency), so a DUT keeps watching its rail while time passes.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Bits on the wire per UART byte: start bit, 8 data bits, stop bit (8N1).
pub const BITS_PER_BYTE: u64 = 10;

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

impl Timing {
    /// Wire time of one UART byte at `baud` (8N1); zero in fast mode or for a zero baud rate.
    pub fn byte_time(self, baud: u32) -> Duration {
        match self {
            Timing::Realistic if baud > 0 => {
                Duration::from_nanos(BITS_PER_BYTE * 1_000_000_000 / u64::from(baud))
            }
            _ => Duration::ZERO,
        }
    }

    /// Wire time of `bytes` UART bytes at `baud`; zero in fast mode.
    pub fn wire_time(self, bytes: usize, baud: u32) -> Duration {
        match self {
            Timing::Realistic if baud > 0 => Duration::from_nanos(
                (bytes as u64).saturating_mul(BITS_PER_BYTE * 1_000_000_000) / u64::from(baud),
            ),
            _ => Duration::ZERO,
        }
    }

    /// The modem's processing time for a command as this mode applies it: the profile's latency
    /// in realistic mode, none in fast mode.
    pub fn modem_latency(self, profile_latency: Duration) -> Duration {
        match self {
            Timing::Fast => Duration::ZERO,
            Timing::Realistic => profile_latency,
        }
    }

    /// Whether timing is realistic.
    pub fn is_realistic(self) -> bool {
        self == Timing::Realistic
    }
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Timing::Fast => "fast",
            Timing::Realistic => "realistic",
        })
    }
}

impl std::str::FromStr for Timing {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fast" => Ok(Timing::Fast),
            "realistic" => Ok(Timing::Realistic),
            other => Err(format!(
                "unknown timing mode `{other}` (expected fast or realistic)"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_mode_adds_nothing() {
        assert_eq!(Timing::Fast.wire_time(4096, 115_200), Duration::ZERO);
        assert_eq!(Timing::Fast.byte_time(9600), Duration::ZERO);
        assert_eq!(
            Timing::Fast.modem_latency(Duration::from_millis(30)),
            Duration::ZERO
        );
    }

    #[test]
    fn realistic_wire_time_is_ten_bits_per_byte() {
        // 115200 baud: 11520 bytes per second, so 11520 bytes take one second.
        assert_eq!(
            Timing::Realistic.wire_time(11_520, 115_200),
            Duration::from_secs(1)
        );
        assert_eq!(
            Timing::Realistic.byte_time(9600),
            Duration::from_nanos(1_041_666)
        );
        assert_eq!(
            Timing::Realistic.wire_time(10, 0),
            Duration::ZERO,
            "no division by zero"
        );
        let latency = Duration::from_millis(30);
        assert_eq!(Timing::Realistic.modem_latency(latency), latency);
    }

    #[test]
    fn parses_and_prints_the_same_names() {
        for t in [Timing::Fast, Timing::Realistic] {
            assert_eq!(t.to_string().parse::<Timing>(), Ok(t));
        }
        assert!("slow".parse::<Timing>().is_err());
    }
}
