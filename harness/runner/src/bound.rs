//! Bounds on what one result carries, whatever the board sends: a board that streams endless
//! bytes must not turn one message into megabytes, repeated in every report.
//!
//! - a message (outcome detail, note, observation, recovery error) keeps its first
//!   [`MESSAGE_HEAD`] and last [`MESSAGE_TAIL`] bytes around `[… N bytes left out …]`;
//! - an attempt's transcript keeps its first [`TRANSCRIPT_CAP`] bytes, then one
//!   `[… N bytes dropped …]` line;
//! - a case log keeps at most [`MAX_NOTES`] notes and as many observations and properties.
//!
//! The runner applies these to every attempt as it is recorded ([`crate::execute_trial`]), so
//! reporters, the event log and the terminal all see bounded text.

use crate::case::{CaseLog, Problem};

/// Bytes kept from the start of a long message.
pub const MESSAGE_HEAD: usize = 1536;
/// Bytes kept from the end of a long message.
pub const MESSAGE_TAIL: usize = 512;
/// Bytes of one attempt's transcript kept (the per-trial transcript file shows them).
pub const TRANSCRIPT_CAP: usize = 1024 * 1024;
/// Notes (and observations, and properties) one attempt keeps.
pub const MAX_NOTES: usize = 200;

/// `text` whole when it is at most `head + tail` bytes (plus the marker's length); otherwise
/// its first `head` and last `tail` bytes (on character boundaries) around
/// `[… N bytes left out …]`.
pub fn bounded(text: &str, head: usize, tail: usize) -> String {
    // The marker costs about 30 bytes: cutting less than that would not shorten the text.
    if text.len() <= head + tail + 32 {
        return text.to_string();
    }
    let head_end = floor_boundary(text, head);
    let tail_start = ceil_boundary(text, text.len() - tail);
    format!(
        "{}[… {} bytes left out …]{}",
        &text[..head_end],
        tail_start - head_end,
        &text[tail_start..]
    )
}

/// A message bounded with [`MESSAGE_HEAD`] and [`MESSAGE_TAIL`].
pub fn bounded_message(text: &str) -> String {
    bounded(text, MESSAGE_HEAD, MESSAGE_TAIL)
}

/// `text` cut after `cap` bytes (on a character boundary), with a last line saying how many
/// bytes were dropped.
pub fn capped(text: &str, cap: usize) -> String {
    if text.len() <= cap {
        return text.to_string();
    }
    let end = floor_boundary(text, cap);
    let mut out = text[..end].to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&format!(
        "[… {} bytes dropped: at most {cap} bytes of output are kept …]\n",
        text.len() - end
    ));
    out
}

impl Problem {
    /// The problem with its texts bounded (see the module doc).
    pub fn bounded(self) -> Problem {
        match self {
            Problem::Deviation { signature, detail } => Problem::Deviation {
                signature: bounded_message(&signature),
                detail: bounded_message(&detail),
            },
            Problem::NotApplicable(reason) => Problem::NotApplicable(bounded_message(&reason)),
            Problem::Infra(message) => Problem::Infra(bounded_message(&message)),
            Problem::Hang(message) => Problem::Hang(bounded_message(&message)),
        }
    }
}

impl CaseLog {
    /// Bounds the transcript, the notes, the observations and the properties in place (see
    /// the module doc).
    pub fn bound(&mut self) {
        if self.transcript.len() > TRANSCRIPT_CAP {
            self.transcript = capped(&self.transcript, TRANSCRIPT_CAP);
        }
        bound_list(
            &mut self.notes,
            |note| bounded_message(note),
            |left| format!("[… {left} more notes left out …]"),
        );
        for pairs in [&mut self.observations, &mut self.properties] {
            bound_list(
                pairs,
                |(k, v)| (bounded_message(k), bounded_message(v)),
                |left| ("hil.left_out".to_string(), format!("{left} more entries")),
            );
        }
    }
}

/// Keeps the first [`MAX_NOTES`] items, each bounded by `bound`, then one `marker` item.
fn bound_list<T>(items: &mut Vec<T>, bound: impl Fn(&T) -> T, marker: impl Fn(usize) -> T) {
    let left = items.len().saturating_sub(MAX_NOTES);
    items.truncate(MAX_NOTES);
    for item in items.iter_mut() {
        *item = bound(item);
    }
    if left > 0 {
        items.push(marker(left));
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_message_keeps_its_ends_and_counts_the_rest() {
        let text = format!("start{}end", "é".repeat(10_000));
        let b = bounded(&text, 100, 50);
        assert!(b.starts_with("start") && b.ends_with("end"), "{b}");
        assert!(b.len() < 200, "{}", b.len());
        let left: usize = b
            .split("[… ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        let marker = format!("[… {left} bytes left out …]");
        assert_eq!(b.len() - marker.len() + left, text.len());
        assert_eq!(bounded("short", 1, 1), "short");
    }

    #[test]
    fn a_capped_transcript_says_what_was_dropped() {
        let text = "x".repeat(1000);
        let c = capped(&text, 100);
        assert!(c.starts_with(&"x".repeat(100)));
        assert!(c.ends_with("[… 900 bytes dropped: at most 100 bytes of output are kept …]\n"));
        assert_eq!(capped("abc", 100), "abc");
    }

    #[test]
    fn a_log_is_bounded_in_place() {
        let mut log = CaseLog::new();
        log.transcript("y".repeat(TRANSCRIPT_CAP + 10).as_str());
        for i in 0..MAX_NOTES + 5 {
            log.note(format!("note {i} {}", "z".repeat(10_000)));
        }
        log.observe("big", "v".repeat(100_000));
        log.bound();
        assert!(log.transcript.len() < TRANSCRIPT_CAP + 100);
        assert_eq!(log.notes.len(), MAX_NOTES + 1);
        assert_eq!(log.notes.last().unwrap(), "[… 5 more notes left out …]");
        assert!(
            log.notes
                .iter()
                .all(|n| n.len() < MESSAGE_HEAD + MESSAGE_TAIL + 64)
        );
        assert!(log.observations[0].1.len() < MESSAGE_HEAD + MESSAGE_TAIL + 64);
    }

    #[test]
    fn problems_are_bounded() {
        let p = Problem::hang(format!("partial output: {}", "b".repeat(1_000_000))).bounded();
        assert!(p.to_string().len() < MESSAGE_HEAD + MESSAGE_TAIL + 64);
    }
}
