//! The size budget of a report file: every file a run writes aims at [`FILE_CAP`]
//! whatever the boards send (GitLab refuses JUnit files over 30 MB; a dashboard chokes long
//! before). The runner already bounds each message and transcript
//! ([`hil_runner::bound`]); a report that holds many results still renders them at a
//! [`Detail`] level and steps down to a coarser one when the file would pass the cap. The
//! transcript files keep the full (runner-bounded) output. The coarsest level still keeps every
//! result's verdict and a short message: a rack with thousands of results goes past the cap,
//! linearly in their number, rather than leaving results out.

use hil_runner::bound::bounded;
use hil_runner::{Attempt, CaseLog, Outcome, TrialResult};

use crate::text::{clip, unclipped_len};

/// Largest report file, bytes (1.5 MiB: under 2 MB with room to spare).
pub const FILE_CAP: usize = 1536 * 1024;

/// How much of each result a report shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detail {
    /// Inline transcript bytes per attempt (the transcript file has the rest).
    pub transcript: usize,
    /// Bytes of each message, note and value.
    pub text: usize,
    /// Notes, observations and properties shown per attempt.
    pub items: usize,
    /// Bytes of plots (SVG data URIs) the HTML page embeds; the others are only linked.
    pub plots: usize,
}

/// The levels, finest first; a report moves down when its file would pass [`FILE_CAP`].
pub const DETAIL_LEVELS: [Detail; 5] = [
    Detail {
        transcript: 16 * 1024,
        text: 4096,
        items: 200,
        plots: 1024 * 1024,
    },
    Detail {
        transcript: 4096,
        text: 1024,
        items: 50,
        plots: 512 * 1024,
    },
    Detail {
        transcript: 1024,
        text: 512,
        items: 10,
        plots: 256 * 1024,
    },
    Detail {
        transcript: 0,
        text: 256,
        items: 3,
        plots: 0,
    },
    Detail {
        transcript: 0,
        text: 120,
        items: 0,
        plots: 0,
    },
];

/// Renders with `render` at `*level`, moving `*level` down until the text fits [`FILE_CAP`]
/// (or the coarsest level is reached). The level only ever moves down, so later writes start
/// where the last one fitted.
pub fn fit(level: &mut usize, mut render: impl FnMut(Detail) -> String) -> String {
    loop {
        let out = render(DETAIL_LEVELS[*level]);
        if !step_down(level, out.len()) {
            return out;
        }
    }
}

/// Moves `*level` one coarser when a rendering of `len` bytes passed [`FILE_CAP`] and a
/// coarser level is left; false when the rendering stands.
fn step_down(level: &mut usize, len: usize) -> bool {
    if len <= FILE_CAP || *level + 1 >= DETAIL_LEVELS.len() {
        return false;
    }
    *level += 1;
    tracing::info!(
        level = *level,
        "a report would pass {FILE_CAP} bytes; showing less of each result"
    );
    true
}

/// The bytes `result` shows at `detail` at the least, about: its last attempt's transcript up
/// to the level's share (a report shows more of it: headings, messages, markup). A reporter
/// keeps a running sum over the results it holds, slimmed to its level, and moves to a coarser
/// level ([`level_for`]) once the sum passes [`FILE_CAP`] — a report of thousands of results
/// (a rack of dozens of boards) then holds what its file can show, not every transcript.
pub fn floor(result: &TrialResult, detail: Detail) -> usize {
    result.log().transcript.len().min(detail.transcript)
}

/// The finest level from `from` on (the coarsest at the most) at which results showing
/// `floor_at(detail)` bytes at the least can still fit [`FILE_CAP`]; `detail_of` gives a
/// level's detail as the reporter uses it.
pub fn level_for(
    from: usize,
    detail_of: impl Fn(usize) -> Detail,
    floor_at: impl Fn(Detail) -> usize,
) -> usize {
    let last = DETAIL_LEVELS.len() - 1;
    let mut level = from.min(last);
    while level < last && floor_at(detail_of(level)) > FILE_CAP {
        level += 1;
    }
    level
}

/// [`fit`] rendering into `out`, which `render` appends to (cleared before each try; its
/// capacity is kept, so a reporter that rewrites its file often reuses one buffer).
pub fn fit_into(
    level: &mut usize,
    out: &mut Vec<u8>,
    mut render: impl FnMut(Detail, &mut Vec<u8>),
) {
    loop {
        out.clear();
        render(DETAIL_LEVELS[*level], out);
        if !step_down(level, out.len()) {
            return;
        }
    }
}

/// `text` bounded to about `max` bytes (three quarters from the start, a quarter from the end).
pub fn text(text: &str, max: usize) -> String {
    bounded(text, max - max / 4, max / 4)
}

/// `result` with what `detail` allows of each attempt.
pub fn slim(result: &TrialResult, detail: Detail) -> TrialResult {
    TrialResult {
        id: result.id.clone(),
        description: text(&result.description, detail.text.max(256)),
        mfw: result.mfw.clone(),
        outcome: outcome(&result.outcome, detail),
        attempts: result.attempts.iter().map(|a| attempt(a, detail)).collect(),
        max_attempts: result.max_attempts,
        started: result.started,
        duration: result.duration,
    }
}

fn attempt(a: &Attempt, detail: Detail) -> Attempt {
    Attempt {
        number: a.number,
        outcome: outcome(&a.outcome, detail),
        started: a.started,
        duration: a.duration,
        log: log(&a.log, detail),
        recovery: a
            .recovery
            .as_ref()
            .map(|r| r.as_ref().map(|_| ()).map_err(|why| text(why, detail.text))),
    }
}

const MORE_NOTES: (&str, &str) = ("[… ", " more notes: see the transcript file …]");

fn log(l: &CaseLog, detail: Detail) -> CaseLog {
    let pair = |(k, v): &(String, String)| (text(k, detail.text), text(v, detail.text));
    // A log slimmed before ends in the count of the notes it left out: they count here too.
    let (all, left_out) = match l.notes.split_last() {
        Some((last, rest)) => match more_notes(last) {
            Some(n) => (rest, n),
            None => (&l.notes[..], 0),
        },
        None => (&l.notes[..], 0),
    };
    let mut notes: Vec<String> = all
        .iter()
        .take(detail.items)
        .map(|n| text(n, detail.text))
        .collect();
    let dropped = all.len().saturating_sub(detail.items) + left_out;
    if dropped > 0 {
        notes.push(format!("{}{dropped}{}", MORE_NOTES.0, MORE_NOTES.1));
    }
    CaseLog {
        transcript: transcript(&l.transcript, detail.transcript),
        attachments: l.attachments.clone(),
        properties: l.properties.iter().take(detail.items).map(pair).collect(),
        observations: l.observations.iter().take(detail.items).map(pair).collect(),
        notes,
    }
}

/// The count in a "more notes" line [`slim`] wrote.
fn more_notes(note: &str) -> Option<usize> {
    note.strip_prefix(MORE_NOTES.0)?
        .strip_suffix(MORE_NOTES.1)?
        .parse()
        .ok()
}

const TRANSCRIPT_LEFT_OUT: (&str, &str) =
    ("[… ", " bytes of transcript: see the transcript file …]\n");

fn transcript(t: &str, max: usize) -> String {
    let left_out = || {
        t.strip_prefix(TRANSCRIPT_LEFT_OUT.0)?
            .strip_suffix(TRANSCRIPT_LEFT_OUT.1)?
            .parse::<usize>()
            .ok()
    };
    if t.len() <= max {
        t.to_string()
    } else if max == 0 {
        // Slimmed before: the line (or the clipped text) counts the whole transcript.
        let bytes = left_out().unwrap_or_else(|| unclipped_len(t));
        format!("{}{bytes}{}", TRANSCRIPT_LEFT_OUT.0, TRANSCRIPT_LEFT_OUT.1)
    } else {
        clip(t, max).0
    }
}

fn outcome(o: &Outcome, detail: Detail) -> Outcome {
    let t = |s: &String| text(s, detail.text);
    match o {
        Outcome::Pass => Outcome::Pass,
        Outcome::Fail {
            seen,
            detail: d,
            expected,
        } => Outcome::Fail {
            seen: t(seen),
            detail: t(d),
            expected: expected.as_ref().map(|(s, r)| (t(s), t(r))),
        },
        Outcome::ExpectedFail {
            signature,
            reason,
            detail: d,
        } => Outcome::ExpectedFail {
            signature: t(signature),
            reason: t(reason),
            detail: t(d),
        },
        Outcome::UnexpectedPass { signature, reason } => Outcome::UnexpectedPass {
            signature: t(signature),
            reason: t(reason),
        },
        Outcome::NotApplicable { reason } => Outcome::NotApplicable { reason: t(reason) },
        Outcome::Characterized { fact, deviation } => Outcome::Characterized {
            fact: t(fact),
            deviation: deviation.as_ref().map(t),
        },
        Outcome::Error { message } => Outcome::Error {
            message: t(message),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_steps_down_until_the_text_fits() {
        let mut level = 0;
        let out = fit(&mut level, |d| "x".repeat(d.transcript * 100));
        assert!(out.len() <= FILE_CAP);
        assert_eq!(level, 1, "16 KiB × 100 does not fit, 4 KiB × 100 does");
        let mut coarsest = DETAIL_LEVELS.len() - 1;
        assert_eq!(
            fit(&mut coarsest, |_| "y".repeat(FILE_CAP + 1)).len(),
            FILE_CAP + 1
        );
    }

    fn result_with(notes: usize, transcript: usize) -> TrialResult {
        let log = CaseLog {
            transcript: "t".repeat(transcript),
            notes: (0..notes).map(|i| format!("note {i}")).collect(),
            ..CaseLog::default()
        };
        TrialResult {
            id: hil_runner::TrialId::new("d", hil_runner::CaseId::new("s", "c")),
            description: "case".into(),
            mfw: None,
            outcome: Outcome::Pass,
            attempts: vec![Attempt {
                number: 1,
                outcome: Outcome::Pass,
                started: std::time::SystemTime::UNIX_EPOCH,
                duration: std::time::Duration::ZERO,
                log,
                recovery: None,
            }],
            max_attempts: 1,
            started: std::time::SystemTime::UNIX_EPOCH,
            duration: std::time::Duration::ZERO,
        }
    }

    #[test]
    fn slimming_twice_keeps_the_counts_of_what_was_left_out() {
        let r = result_with(250, 20_000);
        for (level, &first) in DETAIL_LEVELS.iter().enumerate() {
            let once = slim(&r, first);
            for (coarser, &then) in DETAIL_LEVELS.iter().enumerate().skip(level) {
                let twice = slim(&once, then);
                let direct = slim(&r, then);
                assert_eq!(
                    twice.log().notes,
                    direct.log().notes,
                    "{level} then {coarser}"
                );
                let (t2, t1) = (&twice.log().transcript, &direct.log().transcript);
                assert_eq!(
                    unclipped_len(t2),
                    unclipped_len(t1),
                    "{level} then {coarser}"
                );
                if then.transcript == 0 {
                    assert_eq!(t2, t1);
                }
            }
        }
        let level1 = slim(&r, DETAIL_LEVELS[1]);
        let notes = &level1.log().notes;
        assert_eq!(notes.len(), 51);
        assert_eq!(notes[50], "[… 200 more notes: see the transcript file …]");
    }

    #[test]
    fn the_level_for_many_transcripts_is_the_first_where_they_fit() {
        let results: Vec<TrialResult> = (0..400).map(|_| result_with(0, 5000)).collect();
        let floor_at = |d: Detail| results.iter().map(|r| floor(r, d)).sum::<usize>();
        // 400 × 5000 bytes (level 0) and 400 × 4096 pass 1.5 MiB; 400 × 1024 does not.
        assert_eq!(level_for(0, |l| DETAIL_LEVELS[l], floor_at), 2);
        assert_eq!(
            level_for(3, |l| DETAIL_LEVELS[l], floor_at),
            3,
            "never finer"
        );
        assert_eq!(level_for(9, |l| DETAIL_LEVELS[l], floor_at), 4);
        let few = &results[..10];
        let floor_few = |d: Detail| few.iter().map(|r| floor(r, d)).sum::<usize>();
        assert_eq!(level_for(0, |l| DETAIL_LEVELS[l], floor_few), 0);
    }

    #[test]
    fn text_keeps_both_ends() {
        let t = text(&format!("head{}tail", "-".repeat(10_000)), 400);
        assert!(
            t.starts_with("head") && t.ends_with("tail") && t.len() < 450,
            "{t}"
        );
    }
}
