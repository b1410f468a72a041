//! Analog measurements in characterization observations — a URC's latency (milliseconds after a
//! step), a current or a charge — vary from run to run on the same modem; `hil diff` and the HTML
//! report do not show them as changes. Their verdicts (within or outside a figure) and every word around them
//! still count: "what changed since last night" is about behaviour, not about noise.
//!
//! - A key that names milliseconds (the word `ms`) holds a timing measurement: never compared.
//! - In a value, every `<number> <unit>` with a measurement unit (`ms`, `mA`, `µA`, `µC`,
//!   `readings`) is compared as "some amount", so "`+CGEV: ME BATTERY LOW` after 10.7 ms" equals
//!   "… after 12.0 ms" but not "none within 2s"; a value that starts with a bare number and its
//!   verdict ("0.1034 (within its figure)") is compared by its verdict.

/// True when the values of `key` differ only in timing.
pub(super) fn same_apart_from_timing(key: &str, before: &str, after: &str) -> bool {
    is_timing_key(key) || without_millis(before) == without_millis(after)
}

fn is_timing_key(key: &str) -> bool {
    key.split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| word == "ms")
}

/// Units whose amounts are measurements (they vary from run to run).
const MEASURED_UNITS: [&str; 6] = ["ms", "mA", "µA", "uA", "µC", "readings"];

/// `text` with every `<number> <measured unit>` replaced by `… <unit>`, and a leading bare number
/// followed by ` (` (a figure and its verdict) replaced by `…`.
fn without_millis(text: &str) -> String {
    if let Some(rest) = leading_number_rest(text)
        && rest.starts_with(" (")
    {
        return format!("…{}", without_units(rest));
    }
    without_units(text)
}

/// What follows a number at the very start of `text`, if it starts with one.
fn leading_number_rest(text: &str) -> Option<&str> {
    let len = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
        .unwrap_or(text.len());
    (len > 0 && text[..len].chars().any(|c| c.is_ascii_digit())).then(|| &text[len..])
}

fn without_units(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let number_len = rest[start..]
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len() - start);
        let after_number = &rest[start + number_len..];
        let unit = after_number.trim_start_matches(' ');
        let measured = MEASURED_UNITS.iter().find(|u| {
            unit.starts_with(**u) && !unit[u.len()..].starts_with(|c: char| c.is_alphanumeric())
        });
        let preceded_by_word = rest[..start].ends_with(|c: char| c.is_ascii_alphabetic());
        out.push_str(&rest[..start]);
        if let (Some(u), false) = (measured, preceded_by_word) {
            out.push_str("… ");
            out.push_str(u);
            rest = &unit[u.len()..];
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
    fn currents_and_charges_are_measurements_but_verdicts_count() {
        assert!(same_apart_from_timing(
            "power::offline_below_active: current",
            "mean 4.650 mA, peak 12.000 mA, charge 4650.0 µC over 1000 ms (57 readings)",
            "mean 4.702 mA, peak 11.800 mA, charge 4702.1 µC over 1001 ms (58 readings)"
        ));
        assert!(same_apart_from_timing(
            "offline_over_active",
            "0.1034 (within its figure)",
            "0.0998 (within its figure)"
        ));
        assert!(!same_apart_from_timing(
            "offline_over_active",
            "0.1034 (within its figure)",
            "1.2000 (outside its figure)"
        ));
        assert!(!same_apart_from_timing(
            "clears on",
            "CFUN=0",
            "power cycle"
        ));
    }

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
