//! Timing measurements in characterization observations (a URC's latency, milliseconds after a
//! step) vary from run to run on the same modem; `hil diff` does not report them as changes.
//! Timing belongs in benchmarks, not in "what changed since last night".
//!
//! - A key that names milliseconds (the word `ms`) holds a timing measurement: never compared.
//! - In a value, every `<number> ms` is compared as "some milliseconds", so
//!   "`+CGEV: ME BATTERY LOW` after 10.7 ms" equals "… after 12.0 ms" but not "none within 2s".

/// True when the values of `key` differ only in timing.
pub(super) fn same_apart_from_timing(key: &str, before: &str, after: &str) -> bool {
    is_timing_key(key) || without_millis(before) == without_millis(after)
}

fn is_timing_key(key: &str) -> bool {
    key.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "ms")
}

/// `text` with every `<number> ms` (or `<number>ms`) replaced by `… ms`.
fn without_millis(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let number_len = rest[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len() - start);
        let after_number = &rest[start + number_len..];
        let unit = after_number.trim_start_matches(' ');
        let is_millis =
            unit.starts_with("ms") && !unit[2..].starts_with(|c: char| c.is_ascii_alphanumeric());
        let preceded_by_word = rest[..start].ends_with(|c: char| c.is_ascii_alphabetic());
        out.push_str(&rest[..start]);
        if is_millis && !preceded_by_word {
            out.push_str("… ms");
            rest = &unit[2..];
        } else {
            out.push_str(&rest[start..start + number_len]);
            rest = after_number;
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_naming_milliseconds_are_timing() {
        assert!(same_apart_from_timing(
            "`%MDMEV: ME BATTERY LOW` latency ms",
            "10.3",
            "16.2"
        ));
        assert!(same_apart_from_timing(
            "trip at 3000 mV: URC ms after the step",
            "35.4",
            "20.6"
        ));
        assert!(!same_apart_from_timing("trip volts", "3.080", "3.100"));
        assert!(
            !same_apart_from_timing("terms", "1", "2"),
            "`ms` must be a word"
        );
    }

    #[test]
    fn milliseconds_inside_values_are_not_compared() {
        let a = "`+CGEV: ME BATTERY LOW` after 10.7 ms";
        assert!(same_apart_from_timing(
            "notification",
            a,
            "`+CGEV: ME BATTERY LOW` after 12ms"
        ));
        assert!(!same_apart_from_timing("notification", a, "none within 2s"));
        assert!(!same_apart_from_timing(
            "notification",
            a,
            "`%MDMEV: ME BATTERY LOW` after 10.7 ms"
        ));
        assert!(!same_apart_from_timing("probe", "+CME ERROR: 514", "OK"));
        assert!(!same_apart_from_timing("volts", "3.1 mss", "3.2 mss"));
    }
}
