//! The console session: framer + echo + local commands, as a sans-IO state machine.
//!
//! Owns what one received byte means for the console as a whole: which bytes to echo
//! (`ATE1`; firmware.md §4 rule 8), whether a line is forwarded to the modem, handled locally
//! or answered with a `#XFWERR`. It never does I/O and has no clock: each [`Console::push`]
//! returns a [`Step`] that says what to write back ([`Step::echo`], always first) and what to do
//! ([`Step::action`]). One byte may need both (a terminator echoes `\r\n` *and* completes a
//! command), which is why a step carries the two side by side.

use crate::line::{DEFAULT_MAX_LINE, Event, LineBuffer};
use crate::local::{LocalCommand, classify};
use crate::response;

/// Bytes to echo back to the terminal for one received byte (at most 3, no allocation).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Echo {
    buf: [u8; 3],
    len: u8,
}

impl Echo {
    /// Nothing to echo.
    pub const NONE: Self = Self {
        buf: [0; 3],
        len: 0,
    };
    /// Echo of an erase: back, blank, back.
    pub const ERASE: Self = Self {
        buf: *b"\x08 \x08",
        len: 3,
    };
    /// Echo of a line end (whatever terminator was received).
    pub const NEWLINE: Self = Self {
        buf: *b"\r\n\0",
        len: 2,
    };

    /// Echo of one data byte.
    pub const fn byte(b: u8) -> Self {
        Self {
            buf: [b, 0, 0],
            len: 1,
        }
    }

    /// The bytes to write.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..usize::from(self.len)]
    }

    /// True if there is nothing to write.
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl core::fmt::Debug for Echo {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Echo({:?})", self.as_bytes().escape_ascii())
    }
}

/// What the driver must do after one byte (or an idle timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Nothing beyond the echo.
    Nothing,
    /// A complete command for the modem, without terminator, verbatim (CR/LF inside quotes
    /// kept). Write the modem's whole answer back, or a `#XFWERR` reply if it fails.
    Forward(&'a [u8]),
    /// A local command the driver must carry out: only [`LocalCommand::Version`] (write
    /// [`response::FwVersion`]) and [`LocalCommand::Reset`] (write [`response::OK`], then reset)
    /// are returned; `ATE0`/`ATE1` are applied by the console and come back as
    /// `Reply(response::OK)`.
    Local(LocalCommand),
    /// Write this text back as is (ends in `OK` or `ERROR`).
    Reply(&'static str),
}

/// The outcome of one byte: write [`Step::echo`] first, then carry out [`Step::action`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step<'a> {
    /// Bytes to echo (empty unless echo is on).
    pub echo: Echo,
    /// What to do next.
    pub action: Action<'a>,
}

impl Step<'_> {
    /// No echo, no action.
    pub const NOTHING: Step<'static> = Step {
        echo: Echo::NONE,
        action: Action::Nothing,
    };

    /// True if there is neither echo nor action.
    pub fn is_nothing(&self) -> bool {
        self.echo.is_empty() && self.action == Action::Nothing
    }
}

/// The console of the firmware-under-test: feed it every received byte.
#[derive(Debug, Clone)]
pub struct Console<const N: usize = DEFAULT_MAX_LINE> {
    line: LineBuffer<N>,
    echo: bool,
}

impl<const N: usize> Default for Console<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Console<N> {
    /// Power-on state: empty line, echo off.
    pub const fn new() -> Self {
        Self {
            line: LineBuffer::new(),
            echo: false,
        }
    }

    /// Back to the power-on state (what a reboot does).
    pub fn reset(&mut self) {
        self.line.reset();
        self.echo = false;
    }

    /// True if echo is on (`ATE1`).
    pub fn echo_enabled(&self) -> bool {
        self.echo
    }

    /// Sets echo on or off, as `ATE1` / `ATE0` do.
    pub fn set_echo(&mut self, on: bool) {
        self.echo = on;
    }

    /// True while a line has started and not ended: the driver should (re)arm its idle timer
    /// ([`crate::IDLE_TIMEOUT_MS`]) after each byte while this holds, and disarm it otherwise.
    pub fn has_partial_line(&self) -> bool {
        self.line.has_partial_line()
    }

    /// Feeds one received byte.
    pub fn push(&mut self, byte: u8) -> Step<'_> {
        let echo_on = self.echo;
        let when_on = |e: Echo| if echo_on { e } else { Echo::NONE };
        let (echo, action) = match self.line.push(byte) {
            Event::Ignored => (Echo::NONE, Action::Nothing),
            Event::Accepted => (when_on(Echo::byte(byte)), Action::Nothing),
            Event::Erased => (when_on(Echo::ERASE), Action::Nothing),
            Event::Blank | Event::Abandoned => (when_on(Echo::NEWLINE), Action::Nothing),
            Event::TooLong => (
                when_on(Echo::NEWLINE),
                Action::Reply(response::ERR_LINE_TOO_LONG),
            ),
            Event::Line(line) => {
                let action = match classify(line) {
                    Some(LocalCommand::EchoOff) => {
                        self.echo = false;
                        Action::Reply(response::OK)
                    }
                    Some(LocalCommand::EchoOn) => {
                        self.echo = true;
                        Action::Reply(response::OK)
                    }
                    Some(cmd) => Action::Local(cmd),
                    None => Action::Forward(line),
                };
                (when_on(Echo::NEWLINE), action)
            }
        };
        Step { echo, action }
    }

    /// The driver's idle timer fired. Drops a partial line and returns the `#XFWERR: idle`
    /// reply; `None` (nothing to do) if no line was in progress.
    pub fn idle_timeout(&mut self) -> Option<Step<'static>> {
        if !self.line.idle_timeout() {
            return None;
        }
        Some(Step {
            echo: if self.echo { Echo::NEWLINE } else { Echo::NONE },
            action: Action::Reply(response::ERR_IDLE),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;
    use std::vec::Vec;

    /// Owned record of everything a driver would do, in order.
    #[derive(Debug, Default, PartialEq, Eq)]
    struct Trace {
        written: Vec<u8>,
        forwarded: Vec<Vec<u8>>,
        local: Vec<LocalCommand>,
    }

    fn drive<const N: usize>(console: &mut Console<N>, input: &[u8]) -> Trace {
        let mut t = Trace::default();
        for &b in input {
            let step = console.push(b);
            t.written.extend_from_slice(step.echo.as_bytes());
            match step.action {
                Action::Nothing => {}
                Action::Forward(cmd) => t.forwarded.push(cmd.to_vec()),
                Action::Local(cmd) => t.local.push(cmd),
                Action::Reply(text) => t.written.extend_from_slice(text.as_bytes()),
            }
        }
        t
    }

    fn fresh() -> Console {
        Console::new()
    }

    #[test]
    fn forwards_commands_without_echo_by_default() {
        let t = drive(&mut fresh(), b"AT+CGMR\r\nAT\n");
        assert_eq!(t.forwarded, [b"AT+CGMR".to_vec(), b"AT".to_vec()]);
        assert!(t.written.is_empty());
    }

    #[test]
    fn pem_write_is_forwarded_verbatim_in_one_piece() {
        let cmd: &[u8] = b"AT%CMNG=0,42,0,\"-----BEGIN CERTIFICATE-----\r\nMIIB\r\n-----END CERTIFICATE-----\r\n\"";
        let mut console = fresh();
        let mut t = Trace::default();
        for chunk in cmd.chunks(5) {
            let part = drive(&mut console, chunk);
            assert!(part.forwarded.is_empty());
            t.written.extend(part.written);
        }
        let end = drive(&mut console, b"\r\n");
        assert_eq!(end.forwarded, [cmd.to_vec()]);
    }

    #[rstest]
    #[case::version(b"AT#XFWVER\r", LocalCommand::Version)]
    #[case::version_lower(b"at#xfwver\r\n", LocalCommand::Version)]
    #[case::reset(b"AT#XRESET\n", LocalCommand::Reset)]
    fn local_commands_are_never_forwarded(#[case] input: &[u8], #[case] cmd: LocalCommand) {
        let t = drive(&mut fresh(), input);
        assert!(t.forwarded.is_empty());
        assert_eq!(t.local, [cmd]);
    }

    #[test]
    fn ate1_turns_echo_on_and_ate0_off() {
        let mut console = fresh();
        let t = drive(&mut console, b"ate1\r");
        assert_eq!(t.written, b"OK\r\n");
        assert!(t.forwarded.is_empty() && t.local.is_empty());
        assert!(console.echo_enabled());

        let t = drive(&mut console, b"AT\r\n");
        assert_eq!(t.written, b"AT\r\n");
        assert_eq!(t.forwarded, [b"AT".to_vec()]);

        let t = drive(&mut console, b"ATE0\r");
        assert_eq!(t.written, b"ATE0\r\nOK\r\n");
        assert!(!console.echo_enabled());
        assert!(drive(&mut console, b"AT\r").written.is_empty());
    }

    #[test]
    fn echo_of_erase_and_control_bytes() {
        let mut console = fresh();
        console.set_echo(true);
        let t = drive(&mut console, b"ATX\x08\x00\x7f+\x1b");
        assert_eq!(t.written, b"ATX\x08 \x08\x08 \x08+\r\n");
        assert!(t.forwarded.is_empty());
        // Erase on an empty line echoes nothing.
        assert!(drive(&mut console, b"\x08").written.is_empty());
    }

    #[test]
    fn echo_keeps_quoted_line_ends_as_received() {
        let mut console = fresh();
        console.set_echo(true);
        let t = drive(&mut console, b"A=\"x\r\ny\"\r\n");
        assert_eq!(t.written, b"A=\"x\r\ny\"\r\n");
        assert_eq!(t.forwarded, [b"A=\"x\r\ny\"".to_vec()]);
    }

    #[test]
    fn too_long_line_is_rejected_whole_with_an_error() {
        let mut console = Console::<8>::new();
        let t = drive(&mut console, b"AT+CGMRXX\r\nAT\r\n");
        assert_eq!(t.written, response::ERR_LINE_TOO_LONG.as_bytes());
        assert_eq!(t.forwarded, [b"AT".to_vec()]);

        let mut input = std::vec![b'A'; DEFAULT_MAX_LINE + 1];
        input.push(b'\r');
        let t = drive(&mut fresh(), &input);
        assert!(t.forwarded.is_empty());
        assert_eq!(t.written, response::ERR_LINE_TOO_LONG.as_bytes());

        let t = drive(&mut fresh(), &input[1..]);
        assert_eq!(t.forwarded.len(), 1);
        assert_eq!(t.forwarded[0].len(), DEFAULT_MAX_LINE);
    }

    #[test]
    fn idle_timeout_drops_the_partial_line_with_an_error() {
        let mut console = fresh();
        assert_eq!(console.idle_timeout(), None);
        drive(&mut console, b"AT%CMNG=0,1,0,\"abc");
        assert!(console.has_partial_line());
        let step = console.idle_timeout();
        assert_eq!(
            step,
            Some(Step {
                echo: Echo::NONE,
                action: Action::Reply(response::ERR_IDLE)
            })
        );
        assert!(!console.has_partial_line());
        assert_eq!(console.idle_timeout(), None);
        assert_eq!(drive(&mut console, b"AT\r").forwarded, [b"AT".to_vec()]);
    }

    #[test]
    fn escape_in_unclosed_quote_gives_no_reply() {
        let t = drive(&mut fresh(), b"AT%CMNG=0,1,0,\"abc\r\n\x03AT\r");
        assert!(t.written.is_empty());
        assert_eq!(t.forwarded, [b"AT".to_vec()]);
    }

    #[test]
    fn reset_restores_power_on_state() {
        let mut console = fresh();
        drive(&mut console, b"ATE1\rAT=\"ab");
        console.reset();
        assert!(!console.echo_enabled());
        assert!(!console.has_partial_line());
        let t = drive(&mut console, b"AT\r");
        assert!(t.written.is_empty());
        assert_eq!(t.forwarded, [b"AT".to_vec()]);
    }

    #[test]
    fn nothing_step() {
        assert!(Step::NOTHING.is_nothing());
        assert!(fresh().push(0).is_nothing());
        assert!(!fresh().push(b'\x08').echo.as_bytes().contains(&b' '));
    }
}
