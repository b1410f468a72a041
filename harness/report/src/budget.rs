//! The size budget of a report file: every file a run writes stays under [`FILE_CAP`]
//! whatever the boards send (GitLab refuses JUnit files over 30 MB; a dashboard chokes long
//! before). The runner already bounds each message and transcript
//! ([`hil_runner::bound`]); a report that holds many results still renders them at a
//! [`Detail`] level and steps down to a coarser one when the file would pass the cap. The
//! transcript files keep the full (runner-bounded) output.

use hil_runner::bound::bounded;
use hil_runner::{Attempt, CaseLog, Outcome, TrialResult};

use crate::text::clip;

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
}

/// The levels, finest first; a report moves down when its file would pass [`FILE_CAP`].
pub const DETAIL_LEVELS: [Detail; 5] = [
    Detail {
        transcript: 16 * 1024,
        text: 4096,
        items: 200,
    },
    Detail {
        transcript: 4096,
        text: 1024,
        items: 50,
    },
    Detail {
        transcript: 1024,
        text: 512,
        items: 10,
    },
    Detail {
        transcript: 0,
        text: 256,
        items: 3,
    },
    Detail {
        transcript: 0,
        text: 120,
        items: 0,
    },
];

/// Renders with `render` at `*level`, moving `*level` down until the text fits [`FILE_CAP`]
/// (or the coarsest level is reached). The level only ever moves down, so later writes start
/// where the last one fitted.
pub fn fit(level: &mut usize, mut render: impl FnMut(Detail) -> String) -> String {
    loop {
        let out = render(DETAIL_LEVELS[*level]);
        if out.len() <= FILE_CAP || *level + 1 >= DETAIL_LEVELS.len() {
            return out;
        }
        *level += 1;
        tracing::info!(
            level = *level,
            "a report would pass {FILE_CAP} bytes; showing less of each result"
        );
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

fn log(l: &CaseLog, detail: Detail) -> CaseLog {
    let pair = |(k, v): &(String, String)| (text(k, detail.text), text(v, detail.text));
    let mut notes: Vec<String> = l
        .notes
        .iter()
        .take(detail.items)
        .map(|n| text(n, detail.text))
        .collect();
    if l.notes.len() > detail.items {
        notes.push(format!(
            "[… {} more notes: see the transcript file …]",
            l.notes.len() - detail.items
        ));
    }
    CaseLog {
        transcript: transcript(&l.transcript, detail.transcript),
        attachments: l.attachments.clone(),
        properties: l.properties.iter().take(detail.items).map(pair).collect(),
        observations: l.observations.iter().take(detail.items).map(pair).collect(),
        notes,
    }
}

fn transcript(t: &str, max: usize) -> String {
    if t.len() <= max {
        t.to_string()
    } else if max == 0 {
        format!(
            "[… {} bytes of transcript: see the transcript file …]\n",
            t.len()
        )
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

    #[test]
    fn text_keeps_both_ends() {
        let t = text(&format!("head{}tail", "-".repeat(10_000)), 400);
        assert!(
            t.starts_with("head") && t.ends_with("tail") && t.len() < 450,
            "{t}"
        );
    }
}
