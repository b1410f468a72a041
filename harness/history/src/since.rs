//! Parsing `--since`: a date (`2026-03-01`, midnight UTC), a date and time (RFC 3339), or an
//! age (`36h`, `7d`, `2w`) before now.

use std::time::{Duration, SystemTime};

use chrono::{DateTime, NaiveDate};

use crate::error::HistoryError;
use crate::types::Timestamp;

/// The point in time `text` names, with `now` for ages.
pub fn parse_since(text: &str, now: SystemTime) -> Result<Timestamp, HistoryError> {
    let bad = |problem: &str| HistoryError::BadSince {
        text: text.to_string(),
        problem: problem.to_string(),
    };
    let trimmed = text.trim();
    if let Some(age) = parse_age(trimmed) {
        let age = age.ok_or_else(|| bad("the age is too large"))?;
        return Ok(Timestamp::of(
            now.checked_sub(age).unwrap_or(SystemTime::UNIX_EPOCH),
        ));
    }
    if let Ok(date) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        return Ok(Timestamp(midnight.and_utc().timestamp_millis()));
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(Timestamp(time.timestamp_millis()));
    }
    Err(bad(
        "expected a date (2026-03-01), a date and time (2026-03-01T06:00:00Z) or an age \
         (36h, 7d, 2w)",
    ))
}

/// `Some(Some(age))` for `<n>h|d|w`, `Some(None)` when it overflows, `None` when not an age.
fn parse_age(text: &str) -> Option<Option<Duration>> {
    let unit = text.chars().last()?;
    let hours = match unit {
        'h' => 1,
        'd' => 24,
        'w' => 24 * 7,
        _ => return None,
    };
    let number = &text[..text.len() - 1];
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = number.parse().ok()?;
    Some(
        n.checked_mul(hours * 3600)
            .filter(|s| *s < u64::MAX / 1000)
            .map(Duration::from_secs),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(10 * 86_400)
    }

    #[test]
    fn dates_times_and_ages() {
        assert_eq!(
            parse_since("1970-01-02", now()).unwrap(),
            Timestamp(86_400_000)
        );
        assert_eq!(
            parse_since("1970-01-02T01:00:00+01:00", now()).unwrap(),
            Timestamp(86_400_000)
        );
        assert_eq!(parse_since("2d", now()).unwrap(), Timestamp(8 * 86_400_000));
        assert_eq!(
            parse_since("36h", now()).unwrap(),
            Timestamp((10 * 24 - 36) * 3_600_000)
        );
        assert_eq!(parse_since("3w", now()).unwrap(), Timestamp(0));
    }

    #[test]
    fn nonsense_is_a_clear_error() {
        for text in [
            "yesterday",
            "2026-13-01",
            "d",
            "-3d",
            "1.5d",
            "99999999999999999w",
        ] {
            let err = parse_since(text, now()).unwrap_err();
            assert!(err.is_bad_input(), "{text}");
            assert!(err.to_string().starts_with("--since"), "{err}");
        }
    }
}
