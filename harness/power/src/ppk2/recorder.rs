//! Where decoded samples go during a recording: the envelope (every sample, bounded memory),
//! a look-back ring of recent raw samples, and the marked windows being filled.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::current::{
    CurrentRecording, DataLoss, Envelope, MAX_LOSS_EVENTS, RawWindow, RecordOptions, WindowCut,
    ms_since,
};

use super::decoder::SampleSink;

/// Time between samples at 100 kS/s.
pub const SAMPLE_PERIOD: Duration = Duration::from_micros(10);
const PERIOD_MS: f64 = 0.01;

/// A window asked for by [`crate::CurrentRecorder::mark`].
#[derive(Debug, Clone)]
pub struct MarkRequest {
    /// The window's label.
    pub label: String,
    /// Where the window starts.
    pub from: Instant,
    /// Where the window ends.
    pub to: Instant,
}

/// A window still being filled.
#[derive(Debug)]
struct Open {
    /// First sample index of the window.
    from: u64,
    /// First sample index past the window.
    end: u64,
    /// Most samples kept.
    max: usize,
    window: RawWindow,
}

/// The raw samples of the last `cap` sample slots.
#[derive(Debug)]
struct Ring {
    /// Index of the oldest slot held.
    start: u64,
    microamps: VecDeque<f32>,
    logic: VecDeque<u8>,
    cap: usize,
}

impl Ring {
    #[inline]
    fn push(&mut self, microamps: f32, logic: u8) {
        if self.microamps.len() == self.cap {
            self.microamps.pop_front();
            self.logic.pop_front();
            self.start += 1;
        }
        self.microamps.push_back(microamps);
        self.logic.push_back(logic);
    }

    /// Index one past the newest slot.
    fn end(&self) -> u64 {
        self.start + self.microamps.len() as u64
    }
}

/// The sink of one recording.
#[derive(Debug)]
pub struct Recorder {
    epoch: Instant,
    /// Time of sample 0, ms since the epoch.
    t0_ms: f64,
    envelope: Envelope,
    ring: Ring,
    open: Vec<Open>,
    done: Vec<RawWindow>,
    losses: Vec<DataLoss>,
    lost: u64,
    samples: u64,
    max_window: usize,
}

impl Recorder {
    /// A recording whose sample 0 was taken at `start`.
    pub fn new(source: &str, options: &RecordOptions, start: Instant) -> Self {
        let t0_ms = ms_since(options.epoch, start);
        let cap = (options.lookback.as_nanos() / SAMPLE_PERIOD.as_nanos()).max(1) as usize;
        Recorder {
            epoch: options.epoch,
            t0_ms,
            envelope: Envelope::new(source, t0_ms, SAMPLE_PERIOD, options.bucket),
            ring: Ring {
                start: 0,
                microamps: VecDeque::with_capacity(cap),
                logic: VecDeque::with_capacity(cap),
                cap,
            },
            open: Vec::new(),
            done: Vec::new(),
            losses: Vec::new(),
            lost: 0,
            samples: 0,
            max_window: options.max_window_samples,
        }
    }

    fn index_at(&self, t: Instant) -> u64 {
        let ms = ms_since(self.epoch, t) - self.t0_ms;
        (ms / PERIOD_MS).ceil().max(0.0) as u64
    }

    /// Starts filling a window; the part already past comes from the look-back ring.
    pub fn mark(&mut self, req: MarkRequest) {
        let from = self.index_at(req.from);
        let end = self.index_at(req.to).max(from);
        let start = from.max(self.ring.start);
        let cut = if start > from {
            WindowCut::StartTooOld
        } else {
            WindowCut::Whole
        };
        let mut window = RawWindow {
            label: req.label,
            t0_ms: self.t0_ms + start as f64 * PERIOD_MS,
            period_us: SAMPLE_PERIOD.as_secs_f64() * 1e6,
            microamps: Vec::new(),
            logic: Vec::new(),
            cut,
        };
        let expected = (end - start).min(self.max_window as u64).min(1 << 20) as usize;
        window.microamps.reserve_exact(expected);
        window.logic.reserve_exact(expected);
        let past_end = end.min(self.ring.end());
        for i in start..past_end {
            let k = (i - self.ring.start) as usize;
            window.microamps.push(self.ring.microamps[k]);
            window.logic.push(self.ring.logic[k]);
        }
        let open = Open {
            from: start,
            end,
            max: self.max_window,
            window,
        };
        if self.ring.end() >= end {
            self.done.push(open.window);
        } else {
            self.open.push(open);
        }
    }

    #[inline]
    fn slot(&mut self, index: u64, microamps: f32, logic: u8) {
        self.ring.push(microamps, logic);
        if self.open.is_empty() {
            return;
        }
        let mut i = 0;
        while i < self.open.len() {
            let o = &mut self.open[i];
            if index < o.from {
                i += 1;
                continue;
            }
            if index >= o.end || o.window.microamps.len() >= o.max {
                if index < o.end {
                    o.window.cut = WindowCut::TooLong;
                }
                let closed = self.open.swap_remove(i);
                self.done.push(closed.window);
                continue;
            }
            o.window.microamps.push(microamps);
            o.window.logic.push(logic);
            i += 1;
        }
    }

    /// Mean of the last closed buckets (up to `n`), µA.
    pub fn recent_mean(&self, n: usize) -> Option<f64> {
        let closed = self.envelope.closed();
        let tail = &closed[closed.len().saturating_sub(n)..];
        crate::current::WindowStats::of_buckets(tail).map(|s| s.mean_ua)
    }

    /// Samples received so far.
    pub fn samples(&self) -> u64 {
        self.samples
    }

    /// Samples lost so far.
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// Bytes held (envelope, look-back ring, windows).
    pub fn heap_bytes(&self) -> usize {
        self.envelope.heap_bytes()
            + self.ring.microamps.capacity() * 4
            + self.ring.logic.capacity()
            + self.done.iter().map(RawWindow::heap_bytes).sum::<usize>()
            + self
                .open
                .iter()
                .map(|o| o.window.heap_bytes())
                .sum::<usize>()
    }

    /// Ends the recording.
    pub fn finish(mut self) -> CurrentRecording {
        for o in self.open.drain(..) {
            let mut w = o.window;
            w.cut = WindowCut::RecordingEnded;
            self.done.push(w);
        }
        CurrentRecording {
            trace: self.envelope.finish(),
            windows: self.done,
            losses: self.losses,
            samples: self.samples,
            lost_samples: self.lost,
        }
    }
}

impl SampleSink for Recorder {
    #[inline]
    fn sample(&mut self, index: u64, microamps: f32, logic: u8) {
        self.samples += 1;
        self.envelope.push(index, microamps);
        self.slot(index, microamps, logic);
    }

    fn lost(&mut self, index: u64, missing: u32) {
        self.lost += u64::from(missing);
        if self.losses.len() < MAX_LOSS_EVENTS {
            self.losses.push(DataLoss {
                t_ms: self.t0_ms + (index - u64::from(missing)) as f64 * PERIOD_MS,
                missing,
            });
        }
        for k in 0..u64::from(missing) {
            self.slot(index - u64::from(missing) + k, f32::NAN, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorder(lookback_ms: u64) -> (Recorder, Instant) {
        let epoch = Instant::now();
        let mut o = RecordOptions::new(epoch);
        o.lookback = Duration::from_millis(lookback_ms);
        (Recorder::new("t", &o, epoch), epoch)
    }

    fn at(epoch: Instant, ms: f64) -> Instant {
        epoch + Duration::from_secs_f64(ms / 1000.0)
    }

    #[test]
    fn a_window_in_the_past_comes_from_the_ring_and_one_in_the_future_fills_later() {
        let (mut r, epoch) = recorder(100);
        for i in 0..1000 {
            r.sample(i, i as f32, 0);
        }
        r.mark(MarkRequest {
            label: "past".into(),
            from: at(epoch, 2.0),
            to: at(epoch, 3.0),
        });
        r.mark(MarkRequest {
            label: "later".into(),
            from: at(epoch, 9.5),
            to: at(epoch, 12.0),
        });
        for i in 1000..1300 {
            r.sample(i, i as f32, 1);
        }
        let rec = r.finish();
        let past = rec.window("past").unwrap();
        assert_eq!(past.microamps.len(), 100);
        assert_eq!(past.microamps[0], 200.0);
        assert_eq!(past.cut, WindowCut::Whole);
        let later = rec.window("later").unwrap();
        assert_eq!(later.microamps.len(), 250);
        assert_eq!(later.microamps[0], 950.0);
        assert_eq!(later.logic[60], 1);
        assert!((later.t0_ms - 9.5).abs() < 1e-9);
        assert_eq!(rec.trace.buckets.len(), 13);
    }

    #[test]
    fn too_old_too_long_and_unfinished_windows_say_so() {
        let (mut r, epoch) = recorder(1); // 100 samples of look-back
        for i in 0..500 {
            r.sample(i, 1.0, 0);
        }
        r.mark(MarkRequest {
            label: "old".into(),
            from: at(epoch, 0.0),
            to: at(epoch, 5.0),
        });
        r.max_window = 50;
        r.mark(MarkRequest {
            label: "long".into(),
            from: at(epoch, 5.0),
            to: at(epoch, 10.0),
        });
        r.max_window = usize::MAX;
        r.mark(MarkRequest {
            label: "open".into(),
            from: at(epoch, 5.0),
            to: at(epoch, 100.0),
        });
        for i in 500..600 {
            r.sample(i, 1.0, 0);
        }
        let rec = r.finish();
        let old = rec.window("old").unwrap();
        assert_eq!(
            (old.cut, old.microamps.len()),
            (WindowCut::StartTooOld, 100)
        );
        assert!((old.t0_ms - 4.0).abs() < 1e-9);
        assert_eq!(rec.window("long").unwrap().cut, WindowCut::TooLong);
        assert_eq!(rec.window("long").unwrap().microamps.len(), 50);
        assert_eq!(rec.window("open").unwrap().cut, WindowCut::RecordingEnded);
    }

    #[test]
    fn lost_samples_are_events_and_nan_in_windows() {
        let (mut r, epoch) = recorder(100);
        r.mark(MarkRequest {
            label: "w".into(),
            from: epoch,
            to: at(epoch, 1.0),
        });
        for i in 0..10 {
            r.sample(i, 5.0, 0);
        }
        SampleSink::lost(&mut r, 47, 37);
        for i in 47..100 {
            r.sample(i, 5.0, 0);
        }
        let rec = r.finish();
        assert_eq!(
            rec.losses,
            [DataLoss {
                t_ms: 0.1,
                missing: 37
            }]
        );
        assert_eq!(rec.lost_samples, 37);
        let w = rec.window("w").unwrap();
        assert_eq!((w.microamps.len(), w.lost()), (100, 37));
        assert!(w.microamps[10].is_nan() && !w.microamps[47].is_nan());
        assert!(!rec.complete());
    }
}
