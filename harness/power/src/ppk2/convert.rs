//! From a sample's ADC value to microamperes with the range's calibration (ref instruments §8):
//! `x = (adc·4 − O)·(1.8/163840)/R`, `I = UG·(x·(GS·x + GI) + S·VDD/1000 + I)`, ×1e6 for µA.
//!
//! [`Converter`] folds the calibration and VDD into three coefficients per range once, so a
//! sample costs a multiply-add chain.

use super::metadata::Calibration;
use super::word::MAX_RANGE;

/// Volts per ADC unit before the shunt (Nordic's `adcMult`).
pub const ADC_MULT: f64 = 1.8 / 163_840.0;

#[derive(Debug, Clone, Copy, PartialEq)]
struct Coefficients {
    /// x = adc·k − ko (adc as sent, the ×4 folded in).
    k: f64,
    ko: f64,
    /// µA = (a·x + b)·x + c.
    a: f64,
    b: f64,
    c: f64,
}

/// Calibrated conversion for one VDD.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Converter {
    ranges: [Coefficients; MAX_RANGE as usize + 1],
}

impl Converter {
    /// The conversion of `calibration` at a supply of `vdd_mv` (the `S` term depends on it).
    pub fn new(calibration: &Calibration, vdd_mv: u16) -> Converter {
        let volts = f64::from(vdd_mv) / 1000.0;
        Converter {
            ranges: calibration.ranges.map(|c| {
                let k = ADC_MULT / c.r;
                Coefficients {
                    k: 4.0 * k,
                    ko: c.o * k,
                    a: c.ug * c.gs * 1e6,
                    b: c.ug * c.gi * 1e6,
                    c: c.ug * (c.s * volts + c.i) * 1e6,
                }
            }),
        }
    }

    /// Microamperes for the 14-bit `adc` value of a sample in `range` (0–4).
    #[inline]
    pub fn microamps(&self, range: u8, adc: u16) -> f64 {
        let c = &self.ranges[usize::from(range.min(MAX_RANGE))];
        let x = f64::from(adc) * c.k - c.ko;
        (c.a * x + c.b) * x + c.c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ppk2::metadata::{Metadata, RangeCalibration};

    /// The formula as written in the reference, term by term.
    fn reference(c: &RangeCalibration, adc: u16, vdd_mv: u16) -> f64 {
        let x = (f64::from(adc) * 4.0 - c.o) * (1.8 / 163_840.0) / c.r;
        c.ug * (x * (c.gs * x + c.gi) + c.s * f64::from(vdd_mv) / 1000.0 + c.i) * 1e6
    }

    #[test]
    fn matches_the_formula_in_every_range() {
        let meta = Metadata::parse(crate::ppk2::metadata::tests::REAL).unwrap();
        let conv = Converter::new(&meta.calibration, 3300);
        for range in 0..=4u8 {
            let c = &meta.calibration.ranges[usize::from(range)];
            for adc in [0u16, 1, 28, 1000, 8191, 16383] {
                let want = reference(c, adc, 3300);
                let got = conv.microamps(range, adc);
                assert!(
                    (got - want).abs() <= 1e-9 * want.abs().max(1.0),
                    "range {range} adc {adc}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn default_calibration_is_the_apps() {
        let conv = Converter::new(&Calibration::default(), 3000);
        // Range 2 (10.15 Ω): adc 1000 → 4000 units → x = 4000·1.8/163840/10.15; GS = GI = 1.
        let x = 4000.0 * 1.8 / 163_840.0 / 10.15;
        let want = x * (x + 1.0) * 1e6;
        assert!((conv.microamps(2, 1000) - want).abs() < 1e-9);
        assert_eq!(conv.microamps(7, 0), conv.microamps(4, 0), "range clamped");
    }

    #[test]
    fn vdd_enters_through_s() {
        let mut cal = Calibration::default();
        cal.ranges[0].s = 1e-6; // 1 µA per volt
        let at3 = Converter::new(&cal, 3000).microamps(0, 0);
        let at5 = Converter::new(&cal, 5000).microamps(0, 0);
        assert!((at5 - at3 - 2.0).abs() < 1e-9);
    }
}
