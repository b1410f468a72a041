//! The PPK2 sample stream, bytes to calibrated microamperes: words are cut from the bytes as
//! they arrive (a word may straddle two reads), split into fields ([`RawSample`]), checked
//! against the rolling counter ([`CounterCheck`]), converted ([`Converter`]) and spike-filtered
//! ([`SpikeFilter`]). Each sample gets an index counting from the stream start, lost samples
//! included, so index × 10 µs is its time.

use super::convert::Converter;
use super::counter::CounterCheck;
use super::metadata::Calibration;
use super::spike::SpikeFilter;
use super::word::{RawSample, WORD_BYTES};

/// Where decoded samples go.
pub trait SampleSink {
    /// Sample number `index` (from the stream start) measured `microamps` with `logic` inputs.
    fn sample(&mut self, index: u64, microamps: f32, logic: u8);
    /// `missing` samples were lost just before sample `index`.
    fn lost(&mut self, index: u64, missing: u32);
}

/// Running totals of a decoder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecodeStats {
    /// Samples decoded.
    pub samples: u64,
    /// Samples known lost (counter gaps, modulo 64 each).
    pub lost: u64,
    /// Counter gaps seen.
    pub gaps: u64,
    /// Samples whose range differed from the previous sample's.
    pub range_switches: u64,
    /// Samples per range 0–4.
    pub per_range: [u64; 5],
}

/// Decodes one stream (from one `AverageStart`).
#[derive(Debug, Clone)]
pub struct StreamDecoder {
    calibration: Calibration,
    converter: Converter,
    vdd_mv: u16,
    spike: SpikeFilter,
    counter: CounterCheck,
    partial: [u8; WORD_BYTES],
    partial_len: usize,
    next_index: u64,
    last_range: Option<u8>,
    stats: DecodeStats,
}

impl StreamDecoder {
    /// A decoder for a stream measured at `vdd_mv` (the `S` calibration term needs it).
    pub fn new(calibration: Calibration, vdd_mv: u16) -> Self {
        StreamDecoder {
            converter: Converter::new(&calibration, vdd_mv),
            calibration,
            vdd_mv,
            spike: SpikeFilter::default(),
            counter: CounterCheck::default(),
            partial: [0; WORD_BYTES],
            partial_len: 0,
            next_index: 0,
            last_range: None,
            stats: DecodeStats::default(),
        }
    }

    /// The supply voltage changed (source meter set to a new voltage).
    pub fn set_vdd(&mut self, vdd_mv: u16) {
        if vdd_mv != self.vdd_mv {
            self.vdd_mv = vdd_mv;
            self.converter = Converter::new(&self.calibration, vdd_mv);
        }
    }

    /// What the decoder has counted so far.
    pub fn stats(&self) -> DecodeStats {
        self.stats
    }

    /// Bytes of an incomplete word held until the next push.
    pub fn pending_bytes(&self) -> usize {
        self.partial_len
    }

    /// Decodes `bytes` (any length) into `sink`.
    pub fn push(&mut self, mut bytes: &[u8], sink: &mut impl SampleSink) {
        if self.partial_len > 0 {
            let take = (WORD_BYTES - self.partial_len).min(bytes.len());
            self.partial[self.partial_len..self.partial_len + take].copy_from_slice(&bytes[..take]);
            self.partial_len += take;
            bytes = &bytes[take..];
            if self.partial_len < WORD_BYTES {
                return;
            }
            self.partial_len = 0;
            self.word(RawSample::from_le_bytes(self.partial), sink);
        }
        let mut words = bytes.chunks_exact(WORD_BYTES);
        for w in &mut words {
            self.word(RawSample::from_le_bytes([w[0], w[1], w[2], w[3]]), sink);
        }
        let rest = words.remainder();
        self.partial[..rest.len()].copy_from_slice(rest);
        self.partial_len = rest.len();
    }

    #[inline]
    fn word(&mut self, s: RawSample, sink: &mut impl SampleSink) {
        let missing = self.counter.check(s.counter);
        if missing > 0 {
            self.stats.gaps += 1;
            self.stats.lost += u64::from(missing);
            self.next_index += u64::from(missing);
            sink.lost(self.next_index, missing);
        }
        if self.last_range.is_some_and(|r| r != s.range) {
            self.stats.range_switches += 1;
        }
        self.last_range = Some(s.range);
        self.stats.per_range[usize::from(s.range)] += 1;
        let raw = self.converter.microamps(s.range, s.adc);
        let value = self.spike.filter(s.range, raw);
        sink.sample(self.next_index, value as f32, s.logic);
        self.next_index += 1;
        self.stats.samples += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Collect {
        samples: Vec<(u64, f32, u8)>,
        lost: Vec<(u64, u32)>,
    }

    impl SampleSink for Collect {
        fn sample(&mut self, index: u64, microamps: f32, logic: u8) {
            self.samples.push((index, microamps, logic));
        }
        fn lost(&mut self, index: u64, missing: u32) {
            self.lost.push((index, missing));
        }
    }

    fn word(adc: u32, range: u32, counter: u32, logic: u32) -> [u8; 4] {
        (logic << 24 | (counter % 64) << 18 | range << 14 | adc).to_le_bytes()
    }

    fn stream(n: u32, range: u32) -> Vec<u8> {
        (0..n)
            .flat_map(|i| word(1000, range, i, i & 0xFF))
            .collect()
    }

    #[test]
    fn words_split_across_reads_decode_the_same() {
        let bytes = stream(10, 2);
        let mut whole = Collect::default();
        StreamDecoder::new(Calibration::default(), 3300).push(&bytes, &mut whole);
        let mut pieces = Collect::default();
        let mut d = StreamDecoder::new(Calibration::default(), 3300);
        for chunk in bytes.chunks(3) {
            d.push(chunk, &mut pieces);
        }
        assert_eq!(whole.samples.len(), 10);
        assert_eq!(whole.samples, pieces.samples);
        assert_eq!(d.pending_bytes(), 0);
        assert_eq!(pieces.samples[7].2, 7, "logic bits carried");
    }

    #[test]
    fn the_counter_rolls_over_without_loss_over_many_wraps() {
        let mut c = Collect::default();
        let mut d = StreamDecoder::new(Calibration::default(), 3300);
        d.push(&stream(1000, 1), &mut c);
        assert!(c.lost.is_empty());
        assert_eq!(d.stats().samples, 1000);
        assert_eq!(c.samples.last().unwrap().0, 999);
    }

    #[test]
    fn a_gap_is_reported_and_indices_skip_it() {
        let mut bytes = stream(100, 1);
        bytes.drain(40 * 4..77 * 4); // 37 samples lost
        let mut c = Collect::default();
        let mut d = StreamDecoder::new(Calibration::default(), 3300);
        d.push(&bytes, &mut c);
        assert_eq!(c.lost, [(77, 37)]);
        assert_eq!(
            c.samples[40].0, 77,
            "the sample after the gap keeps its time"
        );
        let s = d.stats();
        assert_eq!((s.samples, s.lost, s.gaps), (63, 37, 1));
    }

    #[test]
    fn range_switches_are_counted_and_smoothed() {
        let mut bytes = stream(10, 1);
        bytes.extend((10..20).flat_map(|i| word(1000, 2, i, 0)));
        let mut c = Collect::default();
        let mut d = StreamDecoder::new(Calibration::default(), 3300);
        d.push(&bytes, &mut c);
        assert_eq!(d.stats().range_switches, 1);
        assert_eq!(d.stats().per_range[1..3], [10, 10]);
        let conv = Converter::new(&Calibration::default(), 3300);
        let (lo, hi) = (
            conv.microamps(1, 1000) as f32,
            conv.microamps(2, 1000) as f32,
        );
        assert!(
            c.samples[10].1 < hi && c.samples[10].1 > lo,
            "first sample after the switch is averaged"
        );
        assert_eq!(c.samples[13].1, hi, "fourth one is not");
    }
}
