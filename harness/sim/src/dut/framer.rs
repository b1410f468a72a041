//! Line intake of a simulated board: the firmware's own console, or the legacy `at_host` framer.
//!
//! Normally every received byte goes through the real firmware code, [`at_console::Console`]
//! (firmware.md §4), so the simulator frames, echoes and answers exactly like the board. A DUT
//! configured with `legacy_host` swaps in [`LegacyHost`] instead (ref §7.3 (a)); the firmware's
//! local commands `AT#XFWVER` and `AT#XRESET` are still recognised on the framed line so the
//! harness can identify and reset the board, while `ATE0`/`ATE1` go to the modem as `at_host`
//! sent them (it had no echo, ref §7.2).

use at_console::{Action, Console, LocalCommand, classify};

use super::legacy_host::{LegacyEvent, LegacyHost, LegacyHostOptions};

/// What the board must do after one byte, apart from the echo.
#[derive(Debug, PartialEq, Eq)]
pub enum Intake<'a> {
    /// Nothing to do yet.
    Nothing,
    /// A complete command for the modem.
    Forward(&'a [u8]),
    /// `AT#XFWVER` or `AT#XRESET`.
    Local(LocalCommand),
    /// A text the firmware writes back as is (`OK` to `ATE1`, `#XFWERR: …`).
    Reply(&'static str),
    /// A command the modem will never answer (legacy host: it lost its closing quote).
    Unanswerable(&'a [u8]),
}

/// The active framer.
#[derive(Debug)]
pub enum Framer {
    /// The application firmware's AT console.
    Console(Box<Console>),
    /// The legacy AT host (older firmware), with its known defects.
    Legacy(LegacyHost),
}

impl Framer {
    /// The console, or the legacy host when `legacy` options are given.
    pub fn new(legacy: Option<&LegacyHostOptions>) -> Self {
        match legacy {
            None => Framer::Console(Box::default()),
            Some(options) => Framer::Legacy(LegacyHost::new(options)),
        }
    }

    /// Power-on state (a reboot): empty line, echo off.
    pub fn reset(&mut self) {
        match self {
            Framer::Console(c) => c.reset(),
            Framer::Legacy(l) => l.reset(),
        }
    }

    /// Whether a line has started and not ended (arms the idle timer; never for the legacy
    /// host, which had no idle timeout).
    pub fn has_partial_line(&self) -> bool {
        match self {
            Framer::Console(c) => c.has_partial_line(),
            Framer::Legacy(_) => false,
        }
    }

    /// Whether the console echoes input (`ATE1`).
    pub fn echo_enabled(&self) -> bool {
        match self {
            Framer::Console(c) => c.echo_enabled(),
            Framer::Legacy(_) => false,
        }
    }

    /// Feeds one byte; `echo` receives the bytes to write back first.
    pub fn push(&mut self, byte: u8, echo: &mut impl FnMut(&[u8])) -> Intake<'_> {
        match self {
            Framer::Console(console) => {
                let step = console.push(byte);
                if !step.echo.is_empty() {
                    echo(step.echo.as_bytes());
                }
                match step.action {
                    Action::Nothing => Intake::Nothing,
                    Action::Forward(cmd) => Intake::Forward(cmd),
                    Action::Local(cmd) => Intake::Local(cmd),
                    Action::Reply(text) => Intake::Reply(text),
                }
            }
            Framer::Legacy(host) => match host.push(byte) {
                LegacyEvent::Nothing => Intake::Nothing,
                LegacyEvent::Unanswerable(cmd) => Intake::Unanswerable(cmd),
                LegacyEvent::Line(cmd) => match classify(cmd) {
                    Some(local @ (LocalCommand::Version | LocalCommand::Reset)) => {
                        Intake::Local(local)
                    }
                    _ => Intake::Forward(cmd),
                },
            },
        }
    }

    /// The idle timer fired: the reply to write, with its echo, if a partial line was dropped.
    pub fn idle_timeout(&mut self, echo: &mut impl FnMut(&[u8])) -> Option<&'static str> {
        match self {
            Framer::Console(console) => {
                let step = console.idle_timeout()?;
                if !step.echo.is_empty() {
                    echo(step.echo.as_bytes());
                }
                match step.action {
                    Action::Reply(text) => Some(text),
                    _ => None,
                }
            }
            Framer::Legacy(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dut::legacy_host::LegacyEra;

    fn run(framer: &mut Framer, input: &[u8]) -> (Vec<u8>, Vec<String>) {
        let mut echoed = Vec::new();
        let mut actions = Vec::new();
        for &b in input {
            let intake = framer.push(b, &mut |e: &[u8]| echoed.extend_from_slice(e));
            match intake {
                Intake::Nothing => {}
                other => actions.push(format!("{other:?}")),
            }
        }
        (echoed, actions)
    }

    #[test]
    fn the_console_frames_echoes_and_classifies() {
        let mut f = Framer::new(None);
        let (echo, actions) = run(&mut f, b"ATE1\rAT#XFWVER\r");
        assert_eq!(echo, b"AT#XFWVER\r\n");
        assert_eq!(actions, ["Reply(\"OK\\r\\n\")", "Local(Version)"]);
        assert!(f.echo_enabled());
        f.reset();
        assert!(!f.echo_enabled());
    }

    #[test]
    fn the_legacy_host_keeps_local_commands_but_forwards_echo_commands() {
        let options = LegacyHostOptions {
            buffer: 64,
            era: LegacyEra::Ncs10,
        };
        let mut f = Framer::new(Some(&options));
        let (echo, actions) = run(&mut f, b"ATE1\rAT#XRESET\r");
        assert!(echo.is_empty());
        assert_eq!(actions.len(), 2);
        assert!(actions[0].starts_with("Forward"), "{actions:?}");
        assert_eq!(actions[1], "Local(Reset)");
        assert!(!f.has_partial_line());
        assert_eq!(f.idle_timeout(&mut |_: &[u8]| {}), None);
    }

    #[test]
    fn idle_timeout_drops_a_partial_console_line() {
        let mut f = Framer::new(None);
        run(&mut f, b"AT%CMNG=0,1,0,\"abc");
        assert!(f.has_partial_line());
        assert_eq!(
            f.idle_timeout(&mut |_: &[u8]| {}),
            Some(at_console::response::ERR_IDLE)
        );
    }
}
