//! The framer: turns the raw console byte stream into complete command lines.
//!
//! Owns firmware.md §4 rules 1–7 and nothing else (no echo, no command meaning, no clock):
//! 1. CR or LF outside double quotes ends a line; an LF right after a terminating CR is
//!    swallowed; blank lines are reported as [`Event::Blank`] and never as a line.
//! 2. Each `"` toggles the quote state (no escapes); inside quotes CR, LF and TAB are data.
//! 3. At most `N` bytes; a longer line is discarded *whole* when its real terminator arrives
//!    (quote tracking continues while overflowing) and reported as [`Event::TooLong`].
//! 4. BS / DEL erase one byte (erasing a `"` flips the quote state back); no-op when empty or
//!    overflowing.
//! 5. ESC / Ctrl-C abandon the current line, even inside an unclosed quote.
//! 6. Idle timeout: the caller owns the clock and calls [`LineBuffer::idle_timeout`].
//! 7. NUL and other control bytes are dropped.

/// Longest command line the firmware accepts (the historical libmodem / at_host limit).
pub const DEFAULT_MAX_LINE: usize = 4096;

const NUL: u8 = 0x00;
const ETX: u8 = 0x03; // Ctrl-C
const BS: u8 = 0x08;
const TAB: u8 = b'\t';
const LF: u8 = b'\n';
const CR: u8 = b'\r';
const ESC: u8 = 0x1b;
const DEL: u8 = 0x7f;
const QUOTE: u8 = b'"';

/// What one byte did to the line being framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event<'a> {
    /// The byte was dropped: a control byte, an LF swallowed after a terminating CR, an erase
    /// with nothing erasable, or an escape with no partial line.
    Ignored,
    /// The byte belongs to the current line (stored, or counted into an over-long line).
    Accepted,
    /// The last byte of the line was erased.
    Erased,
    /// A terminator ended an empty line; nothing to do.
    Blank,
    /// A complete line, without its terminator. Valid until the next call on the buffer.
    Line(&'a [u8]),
    /// A line longer than `N` bytes ended; it was discarded whole.
    TooLong,
    /// ESC or Ctrl-C abandoned a partial line.
    Abandoned,
}

/// Line framer holding at most `N` bytes of the current line.
#[derive(Debug, Clone)]
pub struct LineBuffer<const N: usize> {
    buf: [u8; N],
    len: usize,
    in_quotes: bool,
    overflow: bool,
    /// The previous byte was a CR that ended a line: a following LF is swallowed.
    after_cr: bool,
    /// `buf[..len]` is a line already handed out; clear it before taking the next byte.
    completed: bool,
}

impl<const N: usize> Default for LineBuffer<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> LineBuffer<N> {
    /// An empty framer, outside quotes.
    pub const fn new() -> Self {
        Self {
            buf: [0; N],
            len: 0,
            in_quotes: false,
            overflow: false,
            after_cr: false,
            completed: false,
        }
    }

    /// Maximum line length in bytes.
    pub const fn capacity(&self) -> usize {
        N
    }

    /// True while a line has started and not ended (what the idle timer should watch).
    pub fn has_partial_line(&self) -> bool {
        !self.completed && (self.len > 0 || self.overflow)
    }

    /// True while inside an open double-quoted string.
    pub fn in_quotes(&self) -> bool {
        self.in_quotes
    }

    /// True while the current line is longer than `N` (it will be rejected at its terminator).
    pub fn is_overflowing(&self) -> bool {
        self.overflow
    }

    /// Feeds one byte.
    pub fn push(&mut self, byte: u8) -> Event<'_> {
        if self.completed {
            self.completed = false;
            self.len = 0;
        }
        let after_cr = core::mem::replace(&mut self.after_cr, false);
        match byte {
            ESC | ETX => {
                if self.has_partial_line() {
                    self.clear_line();
                    Event::Abandoned
                } else {
                    Event::Ignored
                }
            }
            BS | DEL => self.erase(),
            CR | LF | TAB if self.in_quotes => self.store(byte),
            LF if after_cr => Event::Ignored,
            CR | LF => {
                self.after_cr = byte == CR;
                self.terminate()
            }
            QUOTE => {
                self.in_quotes = !self.in_quotes;
                self.store(byte)
            }
            NUL..=0x1f => Event::Ignored,
            _ => self.store(byte),
        }
    }

    /// The caller's idle timer fired: drops a partial line. Returns true if one was dropped
    /// (the caller then answers `#XFWERR: idle`), false if there was nothing to drop.
    pub fn idle_timeout(&mut self) -> bool {
        if self.has_partial_line() {
            self.clear_line();
            true
        } else {
            false
        }
    }

    /// Back to the power-on state.
    pub fn reset(&mut self) {
        self.clear_line();
        self.after_cr = false;
    }

    fn clear_line(&mut self) {
        self.len = 0;
        self.in_quotes = false;
        self.overflow = false;
        self.completed = false;
    }

    fn store(&mut self, byte: u8) -> Event<'_> {
        if self.overflow {
            return Event::Accepted;
        }
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = byte;
                self.len += 1;
            }
            None => self.overflow = true,
        }
        Event::Accepted
    }

    fn erase(&mut self) -> Event<'_> {
        if self.overflow || self.len == 0 {
            return Event::Ignored;
        }
        self.len -= 1;
        if self.buf[self.len] == QUOTE {
            self.in_quotes = !self.in_quotes;
        }
        Event::Erased
    }

    fn terminate(&mut self) -> Event<'_> {
        if self.overflow {
            self.clear_line();
            Event::TooLong
        } else if self.len == 0 {
            Event::Blank
        } else {
            self.completed = true;
            Event::Line(&self.buf[..self.len])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::vec::Vec;

    /// What a test sees from a byte stream: complete lines and the non-line outcomes.
    #[derive(Debug, PartialEq, Eq)]
    enum Out {
        Line(Vec<u8>),
        TooLong,
        Abandoned,
    }

    fn feed<const N: usize>(lb: &mut LineBuffer<N>, bytes: &[u8]) -> Vec<Out> {
        let mut out = Vec::new();
        for &b in bytes {
            match lb.push(b) {
                Event::Line(l) => out.push(Out::Line(l.to_vec())),
                Event::TooLong => out.push(Out::TooLong),
                Event::Abandoned => out.push(Out::Abandoned),
                Event::Ignored | Event::Accepted | Event::Erased | Event::Blank => {}
            }
        }
        out
    }

    fn lines(bytes: &[u8]) -> Vec<Out> {
        feed(&mut LineBuffer::<DEFAULT_MAX_LINE>::new(), bytes)
    }

    fn line(s: &[u8]) -> Out {
        Out::Line(s.to_vec())
    }

    #[rstest]
    #[case::cr(b"AT\r")]
    #[case::lf(b"AT\n")]
    #[case::crlf(b"AT\r\n")]
    fn each_terminator_gives_exactly_one_command(#[case] input: &[u8]) {
        assert_eq!(lines(input), [line(b"AT")]);
    }

    #[test]
    fn lf_cr_is_two_terminators_with_a_blank_line_between() {
        assert_eq!(lines(b"AT\n\rAT+CGMR\n"), [line(b"AT"), line(b"AT+CGMR")]);
    }

    #[test]
    fn blank_lines_are_ignored() {
        let mut lb = LineBuffer::<16>::new();
        assert_eq!(lb.push(b'\r'), Event::Blank);
        assert_eq!(lb.push(b'\n'), Event::Ignored);
        assert_eq!(lb.push(b'\n'), Event::Blank);
        assert_eq!(feed(&mut lb, b"\r\n\r\n\n\rAT\r\n\r\n"), [line(b"AT")]);
    }

    #[test]
    fn swallowing_lf_only_applies_straight_after_cr() {
        // The LF after `AT` is a terminator of its own: `B` came between.
        assert_eq!(lines(b"A\rB\nC\r\n"), [line(b"A"), line(b"B"), line(b"C")]);
    }

    #[test]
    fn pem_split_across_pushes_arrives_as_one_verbatim_command() {
        let cmd: &[u8] = b"AT%CMNG=0,16842753,0,\"-----BEGIN CERTIFICATE-----\nMIIB\tx==\n-----END CERTIFICATE-----\n\"";
        let mut lb = LineBuffer::<DEFAULT_MAX_LINE>::new();
        let mut out = Vec::new();
        for chunk in cmd.chunks(7) {
            out.extend(feed(&mut lb, chunk));
            assert!(out.is_empty(), "no command before the real terminator");
        }
        out.extend(feed(&mut lb, b"\r\n"));
        assert_eq!(out, [line(cmd)]);
    }

    #[test]
    fn crlf_inside_quotes_is_kept_byte_for_byte() {
        let cmd: &[u8] = b"AT%CMNG=0,1,0,\"a\r\nb\r\n\"";
        let mut input = cmd.to_vec();
        input.push(b'\r');
        assert_eq!(lines(&input), [line(cmd)]);
    }

    #[test]
    fn tab_is_data_inside_quotes_and_dropped_outside() {
        assert_eq!(lines(b"A\tT=\"x\ty\"\r"), [line(b"AT=\"x\ty\"")]);
    }

    #[test]
    fn quote_state_resets_after_a_line() {
        assert_eq!(
            lines(b"AT=\"a\"\"b\"\rAT\r"),
            [line(b"AT=\"a\"\"b\""), line(b"AT")]
        );
    }

    fn of_len(n: usize) -> Vec<u8> {
        let mut v = b"AT".to_vec();
        v.resize(n, b'X');
        v
    }

    #[test]
    fn exactly_max_fits() {
        let cmd = of_len(DEFAULT_MAX_LINE);
        let mut input = cmd.clone();
        input.push(b'\r');
        assert_eq!(lines(&input), [Out::Line(cmd)]);
    }

    #[test]
    fn one_over_max_is_rejected_whole_and_the_next_line_is_clean() {
        let mut input = of_len(DEFAULT_MAX_LINE + 1);
        input.extend_from_slice(b"\r\nAT\r\n");
        assert_eq!(lines(&input), [Out::TooLong, line(b"AT")]);
    }

    #[test]
    fn overflow_keeps_tracking_quotes_so_the_real_terminator_is_found() {
        // Overflow inside quotes: a CR in the quoted part must not end the line early, and the
        // closing quote (past the limit) must be seen so that the final CR does.
        let mut input = b"AT=\"".to_vec();
        input.resize(20, b'A');
        input.extend_from_slice(b"\r\nmore\r\n\"\r\nAT\r");
        let mut lb = LineBuffer::<8>::new();
        assert_eq!(feed(&mut lb, &input), [Out::TooLong, line(b"AT")]);
    }

    #[test]
    fn erase_is_a_noop_during_overflow_and_on_empty() {
        let mut lb = LineBuffer::<2>::new();
        assert_eq!(lb.push(0x08), Event::Ignored);
        assert_eq!(lb.push(0x7f), Event::Ignored);
        feed(&mut lb, b"ABC");
        assert!(lb.is_overflowing());
        assert_eq!(lb.push(0x08), Event::Ignored);
        assert_eq!(feed(&mut lb, b"\r"), [Out::TooLong]);
    }

    #[rstest]
    #[case::bs(0x08)]
    #[case::del(0x7f)]
    fn erase_removes_one_byte(#[case] erase: u8) {
        assert_eq!(lines(&[b'A', b'T', b'Z', erase, b'\r']), [line(b"AT")]);
    }

    #[test]
    fn backspace_over_a_quote_flips_quote_state_back() {
        let mut lb = LineBuffer::<64>::new();
        feed(&mut lb, b"AT=\"");
        assert!(lb.in_quotes());
        assert_eq!(lb.push(0x08), Event::Erased);
        assert!(!lb.in_quotes());
        // Outside quotes again: CR terminates.
        assert_eq!(feed(&mut lb, b"1\r"), [line(b"AT=1")]);
        // And erasing a closing quote re-opens the string: CR becomes data.
        feed(&mut lb, b"AT=\"a\"");
        lb.push(0x7f);
        assert!(lb.in_quotes());
        assert_eq!(feed(&mut lb, b"\r\"\r"), [line(b"AT=\"a\r\"")]);
    }

    #[rstest]
    #[case::esc(0x1b)]
    #[case::ctrl_c(0x03)]
    fn escape_abandons_even_inside_an_unclosed_quote(#[case] esc: u8) {
        let mut input = b"AT%CMNG=0,1,0,\"-----BEGIN\r\n".to_vec();
        input.push(esc);
        input.extend_from_slice(b"AT\r");
        assert_eq!(lines(&input), [Out::Abandoned, line(b"AT")]);
    }

    #[test]
    fn escape_abandons_an_overflowing_line() {
        let mut lb = LineBuffer::<2>::new();
        assert_eq!(
            feed(&mut lb, b"ABCD\x1bAT\r"),
            [Out::Abandoned, line(b"AT")]
        );
    }

    #[test]
    fn escape_with_nothing_pending_is_ignored() {
        let mut lb = LineBuffer::<8>::new();
        assert_eq!(lb.push(0x1b), Event::Ignored);
        assert_eq!(lb.push(0x03), Event::Ignored);
    }

    #[rstest]
    #[case::nul(0x00)]
    #[case::soh(0x01)]
    #[case::bel(0x07)]
    #[case::vt(0x0b)]
    #[case::ff(0x0c)]
    #[case::us(0x1f)]
    fn nul_and_other_control_bytes_are_dropped_in_and_out_of_quotes(#[case] ctl: u8) {
        let input = [b'A', ctl, b'T', b'"', ctl, b'x', b'"', b'\r'];
        assert_eq!(lines(&input), [line(b"AT\"x\"")]);
    }

    #[test]
    fn high_bytes_are_data() {
        assert_eq!(lines(b"AT=\"\xc3\xa9\"\r"), [line(b"AT=\"\xc3\xa9\"")]);
    }

    #[test]
    fn idle_timeout_drops_a_partial_line_only() {
        let mut lb = LineBuffer::<16>::new();
        assert!(!lb.idle_timeout());
        feed(&mut lb, b"AT=\"abc");
        assert!(lb.has_partial_line());
        assert!(lb.idle_timeout());
        assert!(!lb.has_partial_line());
        assert!(!lb.in_quotes());
        assert_eq!(feed(&mut lb, b"AT\r"), [line(b"AT")]);
        // A completed line is not partial.
        assert!(!lb.idle_timeout());
    }

    #[test]
    fn idle_timeout_drops_an_overflowing_line() {
        let mut lb = LineBuffer::<2>::new();
        feed(&mut lb, b"ABCD");
        assert!(lb.idle_timeout());
        assert_eq!(feed(&mut lb, b"AT\r"), [line(b"AT")]);
    }

    #[test]
    fn zero_capacity_rejects_everything_without_panicking() {
        let mut lb = LineBuffer::<0>::new();
        assert_eq!(feed(&mut lb, b"A\r\r"), [Out::TooLong]);
    }

    #[test]
    fn every_byte_value_in_any_order_never_panics() {
        let mut lb = LineBuffer::<5>::new();
        for round in 0..4u32 {
            for b in 0..=255u8 {
                let _ = lb.push(b.wrapping_mul(31).wrapping_add(round as u8));
                assert!(lb.len <= 5);
            }
        }
    }
}
