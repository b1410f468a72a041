//! The DUT's UART transmitter: bytes leave at the wire rate, never inside another reply.
//!
//! Everything the board says (echo, replies, URC lines, the banner) is queued here as a whole
//! unit, so a URC lands between two replies and never inside one (firmware.md §3: one reply = one
//! `write_all` under the TX mutex). In fast timing the queue is flushed to the pty at once; in
//! realistic timing a byte is released only when its 10-bit frame at the configured baud rate
//! has had time to cross the wire ([`Timing::byte_time`]). Nothing here sleeps: the DUT thread
//! asks [`Transmitter::next_due`] when to come back.
//!
//! A UART with nobody listening loses what it sends; likewise, when the pty's buffer stays full
//! the queue is capped and the excess is dropped (counted), so a client that never reads cannot
//! make the simulator grow without bound. Losing power empties the queue ([`Transmitter::clear`]).

use std::collections::VecDeque;
use std::io;
use std::time::{Duration, Instant};

use crate::pty::PtyEndpoint;
use crate::timing::Timing;

/// Most bytes kept waiting for the wire before new output is dropped.
pub const DEFAULT_TX_QUEUE: usize = 64 * 1024;

/// Where queued bytes go; the pty in the simulator, a `Vec` in unit tests.
pub trait Wire {
    /// Writes what fits now without blocking; returns how many bytes were taken.
    fn write_now(&mut self, bytes: &[u8]) -> io::Result<usize>;
}

impl Wire for &PtyEndpoint {
    fn write_now(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.write_timeout(bytes, Duration::ZERO)
    }
}

impl Wire for Vec<u8> {
    fn write_now(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.extend_from_slice(bytes);
        Ok(bytes.len())
    }
}

/// The transmit side of the board's UART.
#[derive(Debug)]
pub struct Transmitter {
    queue: VecDeque<u8>,
    byte_time: Duration,
    /// When the frame of the first queued byte started (realistic timing).
    line_free_at: Instant,
    capacity: usize,
    written: u64,
    dropped: u64,
    /// The wire refused bytes on the last pump (pty buffer full): retry soon, not at once.
    stalled: bool,
}

impl Transmitter {
    /// A transmitter at `baud` that queues up to `capacity` bytes.
    pub fn new(timing: Timing, baud: u32, capacity: usize) -> Self {
        Transmitter {
            queue: VecDeque::new(),
            byte_time: timing.byte_time(baud),
            line_free_at: Instant::now(),
            capacity: capacity.max(1),
            written: 0,
            dropped: 0,
            stalled: false,
        }
    }

    /// Queues one whole unit (a reply, a URC line, an echo). Bytes beyond the queue's capacity
    /// are dropped and counted.
    pub fn send(&mut self, bytes: &[u8], now: Instant) {
        if self.queue.is_empty() {
            self.line_free_at = now; // the line was idle: the first frame starts now
        }
        let room = self.capacity.saturating_sub(self.queue.len());
        let take = bytes.len().min(room);
        self.queue.extend(&bytes[..take]);
        self.dropped += (bytes.len() - take) as u64;
    }

    /// Hands every byte whose wire time is up to `wire`.
    pub fn pump(&mut self, wire: &mut impl Wire, now: Instant) -> io::Result<()> {
        self.stalled = false;
        while !self.queue.is_empty() {
            let due = self.due_count(now);
            if due == 0 {
                return Ok(());
            }
            let (front, _) = self.queue.as_slices();
            let chunk = &front[..front.len().min(due)];
            let len = chunk.len();
            let n = wire.write_now(chunk)?.min(len);
            self.queue.drain(..n);
            self.written += n as u64;
            self.line_free_at += self.byte_time * n as u32;
            if n < len {
                self.stalled = true;
                return Ok(());
            }
        }
        Ok(())
    }

    /// How many queued bytes have finished their frame by `now`.
    fn due_count(&self, now: Instant) -> usize {
        if self.byte_time.is_zero() {
            return self.queue.len();
        }
        let elapsed = now.saturating_duration_since(self.line_free_at);
        let frames = elapsed.as_nanos() / self.byte_time.as_nanos().max(1);
        (frames.min(self.queue.len() as u128)) as usize
    }

    /// When the next queued byte is due: `None` when nothing is queued, or when the wire is
    /// full (then the DUT thread retries at its regular poll, not in a tight loop).
    pub fn next_due(&self) -> Option<Instant> {
        if self.queue.is_empty() || self.stalled {
            None
        } else {
            Some(self.line_free_at + self.byte_time)
        }
    }

    /// Drops everything not yet sent (power loss, wedged board).
    pub fn clear(&mut self) {
        self.queue.clear();
        self.stalled = false;
    }

    /// Whether nothing is queued.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }

    /// Bytes handed to the wire so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Bytes dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_timing_releases_everything_at_once() {
        let now = Instant::now();
        let mut tx = Transmitter::new(Timing::Fast, 115_200, 1024);
        let mut wire = Vec::new();
        tx.send(b"OK\r\n", now);
        assert_eq!(tx.next_due(), Some(now));
        tx.pump(&mut wire, now).unwrap();
        assert_eq!(wire, b"OK\r\n");
        assert!(tx.is_idle());
        assert_eq!(tx.next_due(), None);
    }

    #[test]
    fn realistic_timing_releases_bytes_as_their_frames_end() {
        let t0 = Instant::now();
        let mut tx = Transmitter::new(Timing::Realistic, 10_000, 1024); // 1 ms per byte
        let mut wire = Vec::new();
        tx.send(b"OK\r\n", t0);
        tx.pump(&mut wire, t0).unwrap();
        assert!(wire.is_empty(), "nothing has crossed the wire yet");
        assert_eq!(tx.next_due(), Some(t0 + Duration::from_millis(1)));
        tx.pump(&mut wire, t0 + Duration::from_micros(2500))
            .unwrap();
        assert_eq!(wire, b"OK");
        tx.pump(&mut wire, t0 + Duration::from_millis(10)).unwrap();
        assert_eq!(wire, b"OK\r\n");
    }

    #[test]
    fn back_to_back_units_keep_the_wire_busy() {
        let t0 = Instant::now();
        let mut tx = Transmitter::new(Timing::Realistic, 10_000, 1024);
        let mut wire = Vec::new();
        tx.send(b"AB", t0);
        tx.send(b"CD", t0 + Duration::from_micros(500)); // queued behind AB, not restarted
        tx.pump(&mut wire, t0 + Duration::from_micros(3500))
            .unwrap();
        assert_eq!(wire, b"ABC");
    }

    #[test]
    fn the_queue_is_capped() {
        let now = Instant::now();
        let mut tx = Transmitter::new(Timing::Fast, 115_200, 4);
        tx.send(b"123456", now);
        assert_eq!(tx.dropped(), 2);
        tx.clear();
        assert!(tx.is_idle());
    }

    struct Full;
    impl Wire for Full {
        fn write_now(&mut self, _: &[u8]) -> io::Result<usize> {
            Ok(0)
        }
    }

    #[test]
    fn a_full_wire_is_retried_at_the_next_poll() {
        let now = Instant::now();
        let mut tx = Transmitter::new(Timing::Fast, 115_200, 64);
        tx.send(b"x", now);
        tx.pump(&mut Full, now).unwrap();
        assert_eq!(tx.next_due(), None);
        assert!(!tx.is_idle());
        let mut wire = Vec::new();
        tx.pump(&mut wire, now).unwrap();
        assert_eq!(wire, b"x");
    }
}
