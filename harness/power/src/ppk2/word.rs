//! One PPK2 sample word: 4 bytes little-endian; bits 0–13 ADC value, 14–16 measurement range,
//! 18–23 a rolling counter, 24–31 the logic inputs D0–D7 (ref instruments §8; masks as in
//! Nordic's serialDevice.ts).

/// Bytes per sample on the wire.
pub const WORD_BYTES: usize = 4;
/// Highest range number; a larger field value is clamped to it, as the apps do.
pub const MAX_RANGE: u8 = 4;
/// The counter's modulus (6 bits).
pub const COUNTER_MODULUS: u8 = 64;

const ADC_MASK: u32 = (1 << 14) - 1;
const RANGE_SHIFT: u32 = 14;
const RANGE_MASK: u32 = 0b111;
const COUNTER_SHIFT: u32 = 18;
const COUNTER_MASK: u32 = 0b11_1111;
const LOGIC_SHIFT: u32 = 24;

/// The fields of one sample word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawSample {
    /// The 14-bit ADC value as sent (the conversion multiplies it by 4).
    pub adc: u16,
    /// Measurement range 0 (most sensitive) to 4, clamped.
    pub range: u8,
    /// Rolling counter, 0–63, one step per sample.
    pub counter: u8,
    /// Logic inputs, D0 in bit 0.
    pub logic: u8,
}

impl RawSample {
    /// Splits a word into its fields.
    #[inline]
    pub fn from_word(word: u32) -> RawSample {
        RawSample {
            adc: (word & ADC_MASK) as u16,
            range: (((word >> RANGE_SHIFT) & RANGE_MASK) as u8).min(MAX_RANGE),
            counter: ((word >> COUNTER_SHIFT) & COUNTER_MASK) as u8,
            logic: (word >> LOGIC_SHIFT) as u8,
        }
    }

    /// The word from 4 bytes as they arrive.
    #[inline]
    pub fn from_le_bytes(bytes: [u8; WORD_BYTES]) -> RawSample {
        RawSample::from_word(u32::from_le_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_from_their_bits() {
        // logic 0xA5, counter 0x2B, bit 17 set (unused), range 3, adc 0x1234.
        let word = 0xA5 << 24 | 0x2B << 18 | 1 << 17 | 3 << 14 | 0x1234;
        let s = RawSample::from_word(word);
        assert_eq!(
            s,
            RawSample {
                adc: 0x1234,
                range: 3,
                counter: 0x2B,
                logic: 0xA5
            }
        );
        assert_eq!(RawSample::from_le_bytes(word.to_le_bytes()), s);
    }

    #[test]
    fn extremes_and_clamped_range() {
        let s = RawSample::from_word(u32::MAX);
        assert_eq!((s.adc, s.range, s.counter, s.logic), (0x3FFF, 4, 63, 0xFF));
        assert_eq!(RawSample::from_word(6 << 14).range, MAX_RANGE);
        assert_eq!(
            RawSample::from_word(0),
            RawSample {
                adc: 0,
                range: 0,
                counter: 0,
                logic: 0
            }
        );
    }
}
