//! The reader thread of a recording: reads the sample stream from its own handle on the port,
//! decodes it and feeds the [`Recorder`], so memory stays bounded however long the capture runs.
//! The driver keeps its handle for commands (a voltage step while recording goes out at once).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::current::{CurrentRecording, RecordOptions};
use crate::transport::Transport;

use super::decoder::{DecodeStats, StreamDecoder};
use super::metadata::Calibration;
use super::recorder::{MarkRequest, Recorder};

/// How long one read waits before the thread looks at its mailbox again.
const READ_SLICE: Duration = Duration::from_millis(20);
/// After `AverageStop`, the stream is over once nothing arrived for this long...
const DRAIN_IDLE: Duration = Duration::from_millis(50);
/// ... or at the latest after this.
const DRAIN_MAX: Duration = Duration::from_secs(2);
/// Before `AverageStop`, wait at most this long for the stream to reach the stop instant...
const CATCH_UP_MAX: Duration = Duration::from_secs(3);
/// ... and give up sooner when no sample arrived for this long (the stream is not flowing).
const CATCH_UP_IDLE: Duration = Duration::from_millis(250);
/// Buckets averaged for a current reading while recording (10 ms at 1 ms buckets).
const READING_BUCKETS: usize = 10;

/// What the driver and the reader thread share.
#[derive(Debug, Default)]
struct Mailbox {
    marks: Vec<MarkRequest>,
    /// Mean of the latest buckets, µA.
    recent_ua: Option<f64>,
}

#[derive(Debug)]
struct Shared {
    stop: AtomicBool,
    vdd_mv: AtomicU32,
    lost: AtomicU64,
    samples: AtomicU64,
    mailbox: Mutex<Mailbox>,
}

/// What the thread returns.
pub struct Finished {
    /// The recording the thread made.
    pub recording: CurrentRecording,
    /// What the decoder counted.
    pub stats: DecodeStats,
    /// Bytes held by the recorder at the end.
    pub heap_bytes: usize,
    /// The read error that ended the recording early, if any.
    pub error: Option<std::io::Error>,
}

/// A running recording.
pub struct Capture {
    shared: Arc<Shared>,
    thread: JoinHandle<Finished>,
    started: Instant,
}

impl Capture {
    /// Starts the reader on `reader` (a second handle on the PPK2's port). `start` is when
    /// `AverageStart` went out: sample 0's time.
    pub fn spawn(
        reader: Box<dyn Transport>,
        label: &str,
        calibration: Calibration,
        vdd_mv: u16,
        options: RecordOptions,
        start: Instant,
    ) -> std::io::Result<Capture> {
        let shared = Arc::new(Shared {
            stop: AtomicBool::new(false),
            vdd_mv: AtomicU32::new(u32::from(vdd_mv)),
            lost: AtomicU64::new(0),
            samples: AtomicU64::new(0),
            mailbox: Mutex::new(Mailbox::default()),
        });
        let recorder = Recorder::new(label, &options, start);
        let decoder = StreamDecoder::new(calibration, vdd_mv);
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("ppk2-reader".into())
            .spawn(move || run(reader, decoder, recorder, &s))?;
        Ok(Capture {
            shared,
            thread,
            started: start,
        })
    }

    fn mailbox(&self) -> std::sync::MutexGuard<'_, Mailbox> {
        self.shared
            .mailbox
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    /// Asks for the raw samples of a window.
    pub fn mark(&self, req: MarkRequest) {
        self.mailbox().marks.push(req);
    }

    /// The supply voltage changed (the calibration's `S` term).
    pub fn set_vdd(&self, vdd_mv: u16) {
        self.shared
            .vdd_mv
            .store(u32::from(vdd_mv), Ordering::Relaxed);
    }

    pub fn lost(&self) -> u64 {
        self.shared.lost.load(Ordering::Relaxed)
    }

    pub fn samples(&self) -> u64 {
        self.shared.samples.load(Ordering::Relaxed)
    }

    /// Mean current of the last few milliseconds, µA.
    pub fn recent_microamps(&self) -> Option<f64> {
        self.mailbox().recent_ua
    }

    /// Waits until the stream has delivered (or reported lost) every sample up to `until`, so
    /// a window marked just before the stop is whole even when the instrument's stream lags
    /// (USB latency, a loaded host). Bounded: at most [`CATCH_UP_MAX`], and less when the
    /// stream has stopped flowing.
    pub fn catch_up(&self, until: Instant) {
        let wanted = until.saturating_duration_since(self.started).as_nanos()
            / super::SAMPLE_PERIOD.as_nanos();
        let begun = Instant::now();
        let (mut seen, mut last_progress) = (self.delivered(), begun);
        while u128::from(seen) < wanted && begun.elapsed() < CATCH_UP_MAX {
            std::thread::sleep(Duration::from_millis(5));
            let now = self.delivered();
            if now != seen {
                (seen, last_progress) = (now, Instant::now());
            } else if last_progress.elapsed() >= CATCH_UP_IDLE {
                return;
            }
        }
    }

    /// Samples received or counted as lost: the stream's position.
    fn delivered(&self) -> u64 {
        self.samples() + self.lost()
    }

    /// How long it has been running.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Stops the reader once the stream has run dry (call after `AverageStop`).
    pub fn finish(self) -> Finished {
        self.shared.stop.store(true, Ordering::SeqCst);
        match self.thread.join() {
            Ok(f) => f,
            Err(_) => Finished {
                recording: CurrentRecording::default(),
                stats: DecodeStats::default(),
                heap_bytes: 0,
                error: Some(std::io::Error::other("the PPK2 reader thread panicked")),
            },
        }
    }
}

fn run(
    mut reader: Box<dyn Transport>,
    mut decoder: StreamDecoder,
    mut recorder: Recorder,
    shared: &Shared,
) -> Finished {
    let mut buf = vec![0u8; 64 * 1024];
    let mut draining_since: Option<Instant> = None;
    let mut last_byte = Instant::now();
    let mut error = None;
    loop {
        let now = Instant::now();
        if draining_since.is_none() && shared.stop.load(Ordering::SeqCst) {
            draining_since = Some(now);
        }
        if let Some(since) = draining_since
            && (now.duration_since(last_byte) >= DRAIN_IDLE
                || now.duration_since(since) >= DRAIN_MAX)
        {
            break;
        }
        let slice = if draining_since.is_some() {
            DRAIN_IDLE
        } else {
            READ_SLICE
        };
        let n = match reader.read_some(&mut buf, now + slice) {
            Ok(n) => n,
            Err(e) => {
                error = Some(e);
                break;
            }
        };
        if n > 0 {
            last_byte = Instant::now();
            decoder.set_vdd(shared.vdd_mv.load(Ordering::Relaxed) as u16);
            decoder.push(&buf[..n], &mut recorder);
        }
        exchange(shared, &mut recorder);
    }
    exchange(shared, &mut recorder);
    Finished {
        heap_bytes: recorder.heap_bytes(),
        stats: decoder.stats(),
        recording: recorder.finish(),
        error,
    }
}

/// Takes new mark requests and publishes the running figures.
fn exchange(shared: &Shared, recorder: &mut Recorder) {
    shared.samples.store(recorder.samples(), Ordering::Relaxed);
    shared.lost.store(recorder.lost(), Ordering::Relaxed);
    let marks = {
        let mut mb = shared.mailbox.lock().unwrap_or_else(|p| p.into_inner());
        mb.recent_ua = recorder.recent_mean(READING_BUCKETS);
        std::mem::take(&mut mb.marks)
    };
    for m in marks {
        recorder.mark(m);
    }
}
