//! Fault injection `babble_after_commands`: a modem that, after a number of commands, answers
//! nothing and floods the console with output for good — a broken board streaming endless bytes.
//! The fault survives resets and power cycles (the count is not volatile state), so recovery
//! cannot clear it; reports must stay bounded whatever such a board sends.

/// Bytes of babble handed to the board per [`Babble::take`] call (the board asks on every
/// timer turn, a few milliseconds apart).
pub const CHUNK_BYTES: usize = 4096;

/// One babble line (without CRLF): printable, so it reaches every report as text.
const LINE: &str = "babble 0123456789abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ \
                    the board streams endless output";

/// Counts commands and says when the modem babbles.
#[derive(Debug, Clone, Default)]
pub(crate) struct Babble {
    /// Commands after which the babbling starts (`None`: never).
    after: Option<u32>,
    /// Commands executed so far (kept across resets: the fault is the board's, not a state).
    commands: u64,
    /// Lines sent so far, numbered in the output so a transcript shows what was dropped.
    lines: u64,
}

impl Babble {
    pub fn new(after: Option<u32>) -> Self {
        Babble {
            after,
            ..Babble::default()
        }
    }

    /// Counts one command; true when the modem babbles (and so does not answer it).
    pub fn count_command(&mut self) -> bool {
        self.commands = self.commands.saturating_add(1);
        self.active()
    }

    /// Whether the modem babbles now.
    pub fn active(&self) -> bool {
        self.after
            .is_some_and(|after| self.commands > u64::from(after))
    }

    /// The next chunk of babble lines (empty while not babbling).
    pub fn take(&mut self) -> Vec<String> {
        if !self.active() {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut bytes = 0;
        while bytes < CHUNK_BYTES {
            self.lines += 1;
            let line = format!("{LINE} #{}", self.lines);
            bytes += line.len() + 2;
            out.push(line);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_after_the_given_commands_and_never_stops() {
        let mut b = Babble::new(Some(2));
        assert!(!b.count_command() && !b.count_command());
        assert!(b.take().is_empty());
        assert!(b.count_command());
        let chunk = b.take();
        assert!(chunk.iter().map(|l| l.len() + 2).sum::<usize>() >= CHUNK_BYTES);
        assert!(chunk[0].ends_with("#1"));
        assert!(b.take()[0].ends_with(&format!("#{}", chunk.len() + 1)));
    }

    #[test]
    fn off_by_default() {
        let mut b = Babble::default();
        assert!(!b.count_command());
        assert!(b.take().is_empty());
    }
}
