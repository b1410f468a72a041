//! The DUT's UART receiver: a byte reaches the firmware when its frame has crossed the wire.
//!
//! A client writes a whole command to the pseudo-terminal at once, but on a real board its
//! bytes arrive one 10-bit frame after another at the console's baud rate: a 620-byte
//! `%CMNG` write takes 54 ms at 115200 baud before the modem even sees it. In realistic timing
//! every byte read from the pty is queued with the instant its frame ends (back to back while
//! the line is busy, [`Timing::byte_time`] apart); the board takes it then, so the command
//! reaches the modem when its last byte has arrived. In fast timing a byte arrives when it is
//! read. Nothing here sleeps: the DUT thread asks [`Receiver::next_due`] when to come back.
//!
//! The queue is bounded: when it is full the thread stops reading the pty, so a client that
//! writes faster than the wire carries waits in its own write, as it would on a slow UART.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use crate::timing::Timing;

/// Most bytes in flight from the client before the pty is left unread.
pub const DEFAULT_RX_QUEUE: usize = 4096;

/// The receive side of the board's UART.
#[derive(Debug)]
pub struct Receiver {
    /// Bytes on the wire, each with the instant its frame ends.
    queue: VecDeque<(u8, Instant)>,
    byte_time: Duration,
    /// When the frame of the last queued byte ends (the line is busy until then).
    line_busy_until: Option<Instant>,
    capacity: usize,
}

impl Receiver {
    /// A receiver at `baud` that keeps up to `capacity` bytes in flight.
    pub fn new(timing: Timing, baud: u32, capacity: usize) -> Self {
        Receiver {
            queue: VecDeque::new(),
            byte_time: timing.byte_time(baud),
            line_busy_until: None,
            capacity: capacity.max(1),
        }
    }

    /// How many more bytes may be read from the client now.
    pub fn room(&self) -> usize {
        self.capacity.saturating_sub(self.queue.len())
    }

    /// Puts `bytes`, read from the client at `now`, on the wire: the first starts its frame at
    /// `now` or when the line is free, each next one right after. Returns how many were taken
    /// (at most [`Receiver::room`]).
    pub fn accept(&mut self, bytes: &[u8], now: Instant) -> usize {
        let take = bytes.len().min(self.room());
        let mut end = self.line_busy_until.filter(|t| *t > now).unwrap_or(now);
        for &byte in &bytes[..take] {
            end += self.byte_time;
            self.queue.push_back((byte, end));
        }
        if take > 0 {
            self.line_busy_until = Some(end);
        }
        take
    }

    /// The next byte whose frame has ended by `now`, with the instant it ended.
    pub fn take_due(&mut self, now: Instant) -> Option<(u8, Instant)> {
        match self.queue.front() {
            Some(&(_, at)) if at <= now => self.queue.pop_front(),
            _ => None,
        }
    }

    /// When the next byte arrives; `None` when nothing is on the wire.
    pub fn next_due(&self) -> Option<Instant> {
        self.queue.front().map(|&(_, at)| at)
    }

    /// Whether nothing is on the wire.
    pub fn is_idle(&self) -> bool {
        self.queue.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(rx: &mut Receiver, now: Instant) -> Vec<(u8, Instant)> {
        std::iter::from_fn(|| rx.take_due(now)).collect()
    }

    #[test]
    fn fast_timing_delivers_what_was_read_at_once() {
        let now = Instant::now();
        let mut rx = Receiver::new(Timing::Fast, 115_200, 64);
        assert_eq!(rx.accept(b"AT\r", now), 3);
        assert_eq!(rx.next_due(), Some(now));
        let got = drain(&mut rx, now);
        assert_eq!(got, [(b'A', now), (b'T', now), (b'\r', now)]);
        assert!(rx.is_idle());
    }

    #[test]
    fn realistic_timing_delivers_each_byte_when_its_frame_ends() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut rx = Receiver::new(Timing::Realistic, 10_000, 64); // 1 ms per byte
        rx.accept(b"AT\r", t0);
        assert_eq!(drain(&mut rx, t0), [], "nothing has crossed the wire yet");
        assert_eq!(rx.next_due(), Some(t0 + ms(1)));
        assert_eq!(
            drain(&mut rx, t0 + ms(2)),
            [(b'A', t0 + ms(1)), (b'T', t0 + ms(2))]
        );
        assert_eq!(drain(&mut rx, t0 + ms(10)), [(b'\r', t0 + ms(3))]);
    }

    #[test]
    fn bytes_read_while_the_line_is_busy_queue_behind_it() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut rx = Receiver::new(Timing::Realistic, 10_000, 64);
        rx.accept(b"AB", t0);
        rx.accept(b"C", t0 + Duration::from_micros(500));
        let got = drain(&mut rx, t0 + ms(10));
        assert_eq!(got[2], (b'C', t0 + ms(3)), "not restarted at 0.5 ms");
        // An idle line starts the next frame when the byte is read.
        rx.accept(b"D", t0 + ms(20));
        assert_eq!(rx.next_due(), Some(t0 + ms(21)));
    }

    #[test]
    fn a_full_queue_takes_nothing_more() {
        let now = Instant::now();
        let mut rx = Receiver::new(Timing::Realistic, 115_200, 4);
        assert_eq!(rx.accept(b"123456", now), 4);
        assert_eq!(rx.room(), 0);
        assert_eq!(rx.accept(b"7", now), 0);
    }
}
