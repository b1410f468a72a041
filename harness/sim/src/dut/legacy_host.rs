//! The old `at_host` line discipline, behind the MFW 0.7.0-alpha "write hangs forever" report.
//!
//! A DUT configured with `legacy_host: true` frames its input with this instead of the firmware's
//! [`at_console::LineBuffer`], to reproduce host-side mechanism (a) of ref §7.3: the closing `"`
//! of a long `AT%CMNG=0,…` write is lost to a buffer overflow, and the command is then either
//! sent to the modem without its closing quote or never sent at all. Either way the console
//! never answers, because `at_host` has no timeout of its own (ref §7.1: libmodem waits forever).
//!
//! What is modelled (ref §7.2 rows "NCS 1.0" \[C6\] and "PR #1657" \[C7\], ref §9 "line intake"):
//! - a fixed buffer (`buffer` bytes, default 4096); characters beyond it are **dropped**;
//! - each `"` toggles the quote state; a CR outside quotes ends the command (CR termination,
//!   the at_host default restored by PR #2296); CR and LF inside quotes are data;
//! - [`LegacyEra::Ncs10`]: the quote toggle happens **before** the overflow check, so a dropped
//!   closing quote still toggles the state, the CR ends the command, and a command truncated
//!   without its closing quote is forwarded; the modem then waits for the quote (PR #1657
//!   observation, ref §7.1), so it is never answered ([`LegacyEvent::Unanswerable`]);
//! - [`LegacyEra::Pr1657`]: the overflow check comes first, so a dropped closing quote leaves the
//!   quote flag set for good; every later CR is data and dropped too, and the command is
//!   **never sent** (the console looks hung) until the board is reset or power-cycled.
//!
//! Not modelled (INFERRED simplifications, documented so nobody mistakes them for facts): the
//! terminator is not passed to the modem (the simulated modem takes bare commands); an LF that
//! starts a line is skipped so CRLF senders work ("empty lines not sent", PR #1242 \[C7\]);
//! backspace, echo and the idle timeout do not exist here.

use serde::{Deserialize, Serialize};

/// Which generation of the `at_host` intake to reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LegacyEra {
    /// NCS 1.0 `at_cmd_client` (the reporter's Zephyr 1.14.99-ncs1, ref §7.3 \[F2\]): a truncated
    /// command reaches the modem without its closing quote.
    #[default]
    #[serde(rename = "ncs-1.0")]
    Ncs10,
    /// After PR #1657 (Dec 2019): an overflow inside quotes leaves the quote flag stuck and the
    /// command is never sent.
    #[serde(rename = "pr-1657")]
    Pr1657,
}

/// Options of the legacy host framer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LegacyHostOptions {
    /// Size of the host's command buffer in bytes; characters beyond it are dropped.
    pub buffer: usize,
    /// Which release's behaviour to imitate.
    pub era: LegacyEra,
}

impl Default for LegacyHostOptions {
    fn default() -> Self {
        LegacyHostOptions {
            buffer: 4096,
            era: LegacyEra::default(),
        }
    }
}

/// What one input byte led to.
#[derive(Debug, PartialEq, Eq)]
pub enum LegacyEvent<'a> {
    /// Nothing to do yet.
    Nothing,
    /// A complete command (no terminator) to hand to the modem.
    Line(&'a [u8]),
    /// A command that lost its closing quote: the modem waits for the quote and never answers.
    Unanswerable(&'a [u8]),
}

/// The `at_host` intake state machine.
#[derive(Debug)]
pub struct LegacyHost {
    buf: Vec<u8>,
    capacity: usize,
    era: LegacyEra,
    in_quotes: bool,
    /// Bytes dropped since the last command was sent (diagnostics only).
    dropped: usize,
    /// The previous call returned a line whose storage must be cleared before the next byte.
    sent: bool,
}

impl LegacyHost {
    /// A legacy host with an empty command buffer.
    pub fn new(options: &LegacyHostOptions) -> Self {
        let capacity = options.buffer.max(1);
        LegacyHost {
            buf: Vec::with_capacity(capacity.min(1 << 16)),
            capacity,
            era: options.era,
            in_quotes: false,
            dropped: 0,
            sent: false,
        }
    }

    /// Whether the intake thinks it is inside a quoted string.
    pub fn in_quotes(&self) -> bool {
        self.in_quotes
    }

    /// Bytes dropped on overflow since the last command was sent.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// Forgets everything (board reset).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.in_quotes = false;
        self.dropped = 0;
        self.sent = false;
    }

    /// Takes one input byte.
    pub fn push(&mut self, byte: u8) -> LegacyEvent<'_> {
        if self.sent {
            self.buf.clear();
            self.dropped = 0;
            self.sent = false;
        }
        match self.era {
            LegacyEra::Ncs10 => {
                // Toggle first, then the terminator, then the overflow check ([C6] NCS 1.0).
                if byte == b'"' {
                    self.in_quotes = !self.in_quotes;
                }
                if byte == b'\r' && !self.in_quotes {
                    return self.finish();
                }
                self.store(byte);
            }
            LegacyEra::Pr1657 => {
                // Terminator, then the overflow check, then the toggle ([C7] PR #1657 bug).
                if byte == b'\r' && !self.in_quotes {
                    return self.finish();
                }
                if self.buf.len() >= self.capacity {
                    self.dropped += 1;
                    return LegacyEvent::Nothing;
                }
                if byte == b'"' {
                    self.in_quotes = !self.in_quotes;
                }
                self.store(byte);
            }
        }
        LegacyEvent::Nothing
    }

    fn store(&mut self, byte: u8) {
        if byte == b'\n' && self.buf.is_empty() && !self.in_quotes {
            return; // the LF of a CRLF pair, or a blank line
        }
        if self.buf.len() >= self.capacity {
            self.dropped += 1;
        } else {
            self.buf.push(byte);
        }
    }

    fn finish(&mut self) -> LegacyEvent<'_> {
        if self.buf.is_empty() {
            return LegacyEvent::Nothing; // empty lines are not sent (PR #1242 [C7])
        }
        self.sent = true;
        let quotes = self.buf.iter().filter(|&&b| b == b'"').count();
        if quotes % 2 == 1 {
            LegacyEvent::Unanswerable(&self.buf)
        } else {
            LegacyEvent::Line(&self.buf)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(buffer: usize, era: LegacyEra) -> LegacyHost {
        LegacyHost::new(&LegacyHostOptions { buffer, era })
    }

    /// Feeds `input` and collects what came out, as owned values.
    fn feed(host: &mut LegacyHost, input: &[u8]) -> Vec<(bool, Vec<u8>)> {
        let mut out = Vec::new();
        for &b in input {
            match host.push(b) {
                LegacyEvent::Nothing => {}
                LegacyEvent::Line(l) => out.push((true, l.to_vec())),
                LegacyEvent::Unanswerable(l) => out.push((false, l.to_vec())),
            }
        }
        out
    }

    #[test]
    fn frames_cr_terminated_commands_and_skips_the_lf_of_crlf() {
        for era in [LegacyEra::Ncs10, LegacyEra::Pr1657] {
            let mut h = host(64, era);
            let out = feed(&mut h, b"AT\r\nAT+CGSN\r\n\r\n");
            assert_eq!(
                out,
                vec![(true, b"AT".to_vec()), (true, b"AT+CGSN".to_vec())]
            );
        }
    }

    #[test]
    fn crlf_inside_quotes_is_data() {
        let mut h = host(256, LegacyEra::Ncs10);
        let out = feed(&mut h, b"AT%CMNG=0,1,0,\"-----A\r\nB\n-----\"\r");
        assert_eq!(
            out,
            vec![(true, b"AT%CMNG=0,1,0,\"-----A\r\nB\n-----\"".to_vec())]
        );
    }

    #[test]
    fn ncs10_forwards_a_truncated_command_without_its_closing_quote() {
        let mut h = host(16, LegacyEra::Ncs10);
        let out = feed(&mut h, b"AT%CMNG=0,1,0,\"ABCDEFGHIJ\"\r");
        assert_eq!(out, vec![(false, b"AT%CMNG=0,1,0,\"A".to_vec())]);
        assert!(!h.in_quotes(), "the dropped quote still toggled the flag");
        // The host is usable again afterwards.
        assert_eq!(feed(&mut h, b"AT\r"), vec![(true, b"AT".to_vec())]);
    }

    #[test]
    fn pr1657_never_sends_after_an_overflow_inside_quotes() {
        let mut h = host(16, LegacyEra::Pr1657);
        let out = feed(&mut h, b"AT%CMNG=0,1,0,\"ABCDEFGHIJ\"\r");
        assert!(out.is_empty());
        assert!(h.in_quotes(), "the quote flag is stuck");
        assert!(
            feed(&mut h, b"AT\r\"\rAT\r").is_empty(),
            "nothing is ever sent again"
        );
        h.reset();
        assert_eq!(feed(&mut h, b"AT\r"), vec![(true, b"AT".to_vec())]);
    }

    #[test]
    fn an_overflow_outside_quotes_sends_the_truncated_command() {
        let mut h = host(4, LegacyEra::Pr1657);
        assert_eq!(feed(&mut h, b"AT+CGMR\r"), vec![(true, b"AT+C".to_vec())]);
        assert_eq!(h.dropped(), 3, "\"GMR\" was dropped");
    }

    #[test]
    fn zero_buffer_is_treated_as_one_byte() {
        let mut h = host(0, LegacyEra::Ncs10);
        assert_eq!(feed(&mut h, b"AT\r"), vec![(true, b"A".to_vec())]);
    }
}
