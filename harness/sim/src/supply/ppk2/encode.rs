//! The simulated PPK2's side of the sample format: its calibration (non-trivial values in the
//! layout of a real device's metadata), its `GetMetaData` reply, and the encoder from a current
//! to a measurement range and 14-bit ADC value — the exact inverse of the host's conversion
//! (ref instruments §8: `x = (adc·4 − O)·(1.8/163840)/R`, `I = UG·(x·(GS·x + GI) + S·VDD/1000 +
//! I)`), written here independently of any decoder so that a decoding bug shows.

/// One range's calibration, as the metadata reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeCal {
    /// R: the divisor of the ADC voltage (the range's resistance).
    pub r: f64,
    /// GS: the quadratic gain term.
    pub gs: f64,
    /// GI: the linear gain term.
    pub gi: f64,
    /// O: ADC offset.
    pub o: f64,
    /// S: the VDD term.
    pub s: f64,
    /// I: current offset.
    pub i: f64,
    /// UG: user gain.
    pub ug: f64,
}

/// The simulated unit's calibration: magnitudes as on a real PPK2 (the `ppk2` crate documents
/// one reply), every value non-trivial (no 0 or 1 a decoder could get away with ignoring).
pub const CALIBRATION: [RangeCal; 5] = [
    RangeCal {
        r: 1003.3506,
        gs: 0.0512,
        gi: 0.9811,
        o: 112.942,
        s: 0.000000048,
        i: -0.000000104,
        ug: 1.012,
    },
    RangeCal {
        r: 101.5865,
        gs: 112.789,
        gi: 0.9695,
        o: 75.4627,
        s: 0.000000596,
        i: -0.000001443,
        ug: 0.996,
    },
    RangeCal {
        r: 10.3027,
        gs: 18.0115,
        gi: 0.9609,
        o: 64.602,
        s: 0.000005281,
        i: 0.000036439,
        ug: 1.005,
    },
    RangeCal {
        r: 0.9636,
        gs: 2.4217,
        gi: 0.9519,
        o: 50.4983,
        s: 0.000062577,
        i: -0.000374119,
        ug: 0.998,
    },
    RangeCal {
        r: 0.0564,
        gs: 0.0729,
        gi: 0.9582,
        o: 87.2177,
        s: 0.002940743,
        i: -0.009388455,
        ug: 1.003,
    },
];

/// Volts per ADC unit before the shunt.
const ADC_MULT: f64 = 1.8 / 163_840.0;
/// Largest 14-bit ADC value.
pub const ADC_MAX: u16 = (1 << 14) - 1;
/// Switch up when a range's ADC value would pass this fraction of full scale...
const UP_FRACTION: f64 = 0.85;
/// ... and down only when the lower range's value stays below this one (hysteresis, INFERRED:
/// the real switch points are set in the PPK2's firmware and not documented in the reference).
const DOWN_FRACTION: f64 = 0.70;

/// The metadata reply in a real PPK2's key order (Calibrated, R, GS, GI, O, VDD, HW, mode, S, I,
/// UG, IA, END).
pub fn metadata_reply(vdd_mv: u16, source_mode: bool) -> String {
    let mut s = String::from("Calibrated: 0\n");
    let mut keys = |name: &str, f: fn(&RangeCal) -> f64| {
        for (n, c) in CALIBRATION.iter().enumerate() {
            s += &format!("{name}{n}: {}\n", f(c));
        }
    };
    keys("R", |c| c.r);
    keys("GS", |c| c.gs);
    keys("GI", |c| c.gi);
    keys("O", |c| c.o);
    let mode = if source_mode { 2 } else { 1 };
    let mut s2 = format!("VDD: {vdd_mv}\nHW: 9173\nmode: {mode}\n");
    let mut tail = |name: &str, f: fn(&RangeCal) -> f64| {
        for (n, c) in CALIBRATION.iter().enumerate() {
            s2 += &format!("{name}{n}: {}\n", f(c));
        }
    };
    tail("S", |c| c.s);
    tail("I", |c| c.i);
    tail("UG", |c| c.ug);
    s + &s2 + "IA: 56\nEND\n"
}

/// The ADC value (14-bit units, not rounded or clamped) that decodes to `amps` in `range`.
pub fn adc_for(range: u8, amps: f64, vdd_mv: u16) -> f64 {
    let c = &CALIBRATION[usize::from(range)];
    // Solve GS·x² + GI·x + k = 0 with k = S·VDD + I − amps/UG, the root near −k/GI, in the
    // form that stays exact for GS → 0.
    let k = c.s * f64::from(vdd_mv) / 1000.0 + c.i - amps / c.ug;
    let disc = c.gi * c.gi - 4.0 * c.gs * k;
    if disc < 0.0 {
        return f64::INFINITY;
    }
    let x = -2.0 * k / (c.gi + disc.sqrt());
    (x * c.r / ADC_MULT + c.o) / 4.0
}

/// Chooses ranges as the current moves (with hysteresis) and encodes samples.
#[derive(Debug, Clone, Default)]
pub struct Encoder {
    range: u8,
    /// Samples whose current did not fit the ADC (clamped).
    pub saturated: u64,
}

impl Encoder {
    /// Range and ADC value for `amps` at `vdd_mv`.
    pub fn encode(&mut self, amps: f64, vdd_mv: u16) -> (u8, u16) {
        let full = f64::from(ADC_MAX);
        let fits = |r: u8, frac: f64| adc_for(r, amps, vdd_mv) <= frac * full;
        let lowest = (0..5u8).find(|&r| fits(r, UP_FRACTION)).unwrap_or(4);
        let switch_down = lowest < self.range && fits(lowest, DOWN_FRACTION);
        if lowest > self.range || switch_down || !fits(self.range, 1.0) {
            self.range = lowest;
        }
        let adc = adc_for(self.range, amps, vdd_mv).round();
        if !(0.0..=full).contains(&adc) {
            self.saturated += 1;
        }
        (self.range, adc.clamp(0.0, full) as u16)
    }
}

/// One sample word: ADC in bits 0–13, range in 14–16, counter in 18–23, logic in 24–31.
pub fn word(range: u8, adc: u16, counter: u8, logic: u8) -> u32 {
    u32::from(adc & ADC_MAX)
        | u32::from(range & 0b111) << 14
        | u32::from(counter & 0b11_1111) << 18
        | u32::from(logic) << 24
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The conversion the host applies (ref §8), spelled out for the round trip.
    fn decode(range: u8, adc: u16, vdd_mv: u16) -> f64 {
        let c = &CALIBRATION[usize::from(range)];
        let x = (f64::from(adc) * 4.0 - c.o) * ADC_MULT / c.r;
        c.ug * (x * (c.gs * x + c.gi) + c.s * f64::from(vdd_mv) / 1000.0 + c.i)
    }

    #[test]
    fn encoding_inverts_the_conversion_to_quantisation() {
        let mut e = Encoder::default();
        for amps in [0.0, 2e-6, 50e-6, 3e-3, 12e-3, 45e-3, 0.3, 1.5] {
            let (range, adc) = e.encode(amps, 3700);
            let back = decode(range, adc, 3700);
            let exact = adc_for(range, amps, 3700);
            assert!(
                (exact - f64::from(adc)).abs() <= 0.5,
                "{amps} A: {exact} vs {adc}"
            );
            let lsb = (decode(range, adc.saturating_add(1), 3700) - back).abs();
            assert!(
                (back - amps).abs() <= lsb,
                "{amps} A came back as {back} (range {range})"
            );
        }
        assert_eq!(e.saturated, 0);
    }

    #[test]
    fn ranges_follow_the_current_with_hysteresis() {
        let mut e = Encoder::default();
        assert_eq!(e.encode(1e-6, 3700).0, 0);
        assert_eq!(e.encode(3e-3, 3700).0, 1);
        assert_eq!(e.encode(45e-3, 3700).0, 2);
        assert_eq!(e.encode(0.3, 3700).0, 3);
        assert_eq!(e.encode(3e-3, 3700).0, 1, "down again");
        // Just below range 1's up threshold: stays in 2 when coming from above.
        let edge = (1..1000)
            .map(|k| f64::from(k) * 1e-5)
            .find(|&a| adc_for(1, a, 3700) > UP_FRACTION * f64::from(ADC_MAX))
            .unwrap()
            - 2e-5;
        e.encode(45e-3, 3700);
        assert_eq!(e.encode(edge, 3700).0, 2, "hysteresis");
        assert_eq!(Encoder::default().encode(edge, 3700).0, 1);
    }

    #[test]
    fn metadata_prints_the_calibration_exactly() {
        let m = metadata_reply(3300, true);
        assert!(m.starts_with("Calibrated: 0\nR0: 1003.3506\n"));
        assert!(m.contains("VDD: 3300\nHW: 9173\nmode: 2\nS0: 0.000000048\n"));
        assert!(m.contains("I4: -0.009388455\nUG0: 1.012\n"));
        assert!(m.ends_with("UG4: 1.003\nIA: 56\nEND\n"));
        assert_eq!(
            m.lines().count(),
            41,
            "Calibrated, 35 calibration keys, VDD, HW, mode, IA, END"
        );
    }

    #[test]
    fn words_carry_their_fields() {
        assert_eq!(
            word(3, 0x1234, 0x2B, 0xA5),
            0xA5 << 24 | 0x2B << 18 | 3 << 14 | 0x1234
        );
        assert_eq!(word(4, 0xFFFF, 64, 0) >> 14 & 0b111, 4);
    }
}
