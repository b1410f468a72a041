//! Flash progress: the phases (erase, program, verify), the events a [`Flasher`](crate::Flasher)
//! reports while it works, and the throughput figures (bytes, elapsed, bytes/s) they carry.
//!
//! Both flashers emit the same sequence: per phase one [`FlashEvent::Started`], any number of
//! [`FlashEvent::Progress`], then [`FlashEvent::Finished`] (or [`FlashEvent::Failed`], which ends
//! the stream). Figures are cumulative per phase. When an image spans several flash algorithms
//! (application flash and UICR), probe-rs runs erase/program/verify once per algorithm, so a
//! phase can finish more than once; each `Finished` then carries the running total.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// One phase of flashing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlashPhase {
    /// Erasing the flash pages the image covers.
    Erase,
    /// Writing the image.
    Program,
    /// Reading the flash back and comparing it with the image.
    Verify,
}

impl FlashPhase {
    /// The phases in the order a flash runs them.
    pub const ALL: [FlashPhase; 3] = [FlashPhase::Erase, FlashPhase::Program, FlashPhase::Verify];

    /// Lower-case name (`erase`, `program`, `verify`).
    pub fn name(self) -> &'static str {
        match self {
            FlashPhase::Erase => "erase",
            FlashPhase::Program => "program",
            FlashPhase::Verify => "verify",
        }
    }

    fn index(self) -> usize {
        match self {
            FlashPhase::Erase => 0,
            FlashPhase::Program => 1,
            FlashPhase::Verify => 2,
        }
    }
}

impl std::fmt::Display for FlashPhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How far a phase has got and how fast.
///
/// `elapsed` is the time spent in the phase: wall-clock time for probe-rs, the throughput
/// model's time for the simulated probe (also in its zero-delay `fast` mode, so the figures stay
/// meaningful).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// The phase the figures are for.
    pub phase: FlashPhase,
    /// Bytes done so far in this phase.
    pub bytes: u64,
    /// Bytes this phase will handle, when known.
    pub total_bytes: Option<u64>,
    /// Time spent in this phase so far.
    pub elapsed: Duration,
    /// `bytes / elapsed`; `None` while no time has passed.
    pub bytes_per_second: Option<f64>,
}

impl Throughput {
    /// Figures for `bytes` done in `elapsed`; the rate is left out while no time has passed.
    pub fn new(phase: FlashPhase, bytes: u64, total_bytes: Option<u64>, elapsed: Duration) -> Self {
        let secs = elapsed.as_secs_f64();
        Throughput {
            phase,
            bytes,
            total_bytes,
            elapsed,
            bytes_per_second: (secs > 0.0).then(|| bytes as f64 / secs),
        }
    }

    /// Fraction done (0.0..=1.0) when the total is known and non-zero.
    pub fn fraction(&self) -> Option<f64> {
        match self.total_bytes {
            Some(total) if total > 0 => Some((self.bytes as f64 / total as f64).min(1.0)),
            _ => None,
        }
    }
}

/// What a flasher reports while it works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum FlashEvent {
    /// A phase started (reported once per phase).
    Started {
        /// The phase.
        phase: FlashPhase,
        /// Bytes the phase will handle, when known.
        total_bytes: Option<u64>,
    },
    /// A phase made progress (cumulative figures).
    Progress(Throughput),
    /// A phase completed (cumulative figures).
    Finished(Throughput),
    /// A phase failed; no further events follow.
    Failed(Throughput),
    /// A diagnostic line from the flash algorithm or probe.
    Message {
        /// The line.
        text: String,
    },
}

/// Cumulative per-phase bookkeeping shared by the flashers: turns "phase started / n more
/// bytes / phase finished" into [`FlashEvent`]s with throughput, and remembers the totals for
/// the [`FlashReport`](crate::FlashReport).
#[derive(Debug, Default)]
pub(crate) struct PhaseTracker {
    phases: [PhaseState; 3],
    /// Phases in the order they first started.
    order: Vec<FlashPhase>,
}

#[derive(Debug, Default, Clone)]
struct PhaseState {
    total: Option<u64>,
    bytes: u64,
    elapsed: Duration,
    started: bool,
}

impl PhaseTracker {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds to the phase's expected total (probe-rs announces one total per flash algorithm).
    pub(crate) fn add_total(&mut self, phase: FlashPhase, total: Option<u64>) {
        let state = &mut self.phases[phase.index()];
        if let Some(more) = total {
            state.total = Some(state.total.unwrap_or(0) + more);
        }
    }

    /// The `Started` event the first time a phase starts; `None` when it resumes.
    pub(crate) fn start(&mut self, phase: FlashPhase) -> Option<FlashEvent> {
        let state = &mut self.phases[phase.index()];
        if state.started {
            return None;
        }
        state.started = true;
        self.order.push(phase);
        Some(FlashEvent::Started {
            phase,
            total_bytes: state.total,
        })
    }

    /// `bytes` more done; `elapsed` is the phase's cumulative time so far.
    pub(crate) fn advance(
        &mut self,
        phase: FlashPhase,
        bytes: u64,
        elapsed: Duration,
    ) -> FlashEvent {
        self.ensure_started(phase);
        let state = &mut self.phases[phase.index()];
        state.bytes += bytes;
        state.elapsed = elapsed;
        FlashEvent::Progress(self.snapshot(phase))
    }

    pub(crate) fn finish(&mut self, phase: FlashPhase, elapsed: Duration) -> FlashEvent {
        self.ensure_started(phase);
        self.phases[phase.index()].elapsed = elapsed;
        FlashEvent::Finished(self.snapshot(phase))
    }

    /// The `Failed` event, only for a phase that had started.
    pub(crate) fn fail(&mut self, phase: FlashPhase, elapsed: Duration) -> Option<FlashEvent> {
        let state = &mut self.phases[phase.index()];
        if !state.started {
            return None;
        }
        state.elapsed = elapsed;
        Some(FlashEvent::Failed(self.snapshot(phase)))
    }

    pub(crate) fn snapshot(&self, phase: FlashPhase) -> Throughput {
        let state = &self.phases[phase.index()];
        Throughput::new(phase, state.bytes, state.total, state.elapsed)
    }

    /// Final figures of every phase that ran, in the order they started.
    pub(crate) fn summary(&self) -> Vec<Throughput> {
        self.order.iter().map(|&p| self.snapshot(p)).collect()
    }

    fn ensure_started(&mut self, phase: FlashPhase) {
        let state = &mut self.phases[phase.index()];
        if !state.started {
            state.started = true;
            self.order.push(phase);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throughput_is_bytes_over_seconds() {
        let t = Throughput::new(
            FlashPhase::Program,
            8192,
            Some(16384),
            Duration::from_millis(500),
        );
        assert_eq!(t.bytes_per_second, Some(16384.0));
        assert_eq!(t.fraction(), Some(0.5));
        let zero = Throughput::new(FlashPhase::Erase, 10, None, Duration::ZERO);
        assert_eq!(zero.bytes_per_second, None);
        assert_eq!(zero.fraction(), None);
    }

    #[test]
    fn tracker_accumulates_across_algorithms() {
        let mut t = PhaseTracker::new();
        t.add_total(FlashPhase::Program, Some(4096));
        t.add_total(FlashPhase::Program, Some(4));
        assert_eq!(
            t.start(FlashPhase::Program),
            Some(FlashEvent::Started {
                phase: FlashPhase::Program,
                total_bytes: Some(4100)
            })
        );
        t.advance(FlashPhase::Program, 4096, Duration::from_secs(1));
        t.finish(FlashPhase::Program, Duration::from_secs(1));
        assert_eq!(
            t.start(FlashPhase::Program),
            None,
            "a resumed phase is not restarted"
        );
        let last = t.advance(FlashPhase::Program, 4, Duration::from_secs(2));
        let FlashEvent::Progress(p) = last else {
            panic!("{last:?}")
        };
        assert_eq!(
            (p.bytes, p.total_bytes, p.bytes_per_second),
            (4100, Some(4100), Some(2050.0))
        );
        assert_eq!(t.summary().len(), 1);
        assert_eq!(t.fail(FlashPhase::Verify, Duration::ZERO), None);
    }
}
