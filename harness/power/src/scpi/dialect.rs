//! Rendering command templates into lines, and parsing answers: numbers in any of the models'
//! notations, the 2280S's multi-field strings, on/off states and `SYST:ERR?` entries.

use super::models::{ChannelNaming, CommandTable, ReplyFormat};

/// The channel's name in commands (`3` or `N25V`).
pub fn channel_name(table: &CommandTable, ch: u8) -> String {
    match table.naming {
        ChannelNaming::Number => ch.to_string(),
        ChannelNaming::E3631a => match ch {
            1 => "P6V".into(),
            2 => "P25V".into(),
            _ => "N25V".into(),
        },
    }
}

/// Fills `{ch}` and `{v}` into a template. Values are written with 4 decimals (0.1 mV / mA).
pub fn render(template: &str, table: &CommandTable, ch: u8, value: Option<f64>) -> String {
    let mut s = template.replace("{ch}", &channel_name(table, ch));
    if let Some(v) = value {
        s = s.replace("{v}", &format!("{v:.4}"));
    }
    s
}

/// Parses a measurement or set-point answer.
pub fn number(reply: &str, format: ReplyFormat) -> Option<f64> {
    let field = match format {
        ReplyFormat::Number => reply.trim(),
        ReplyFormat::FirstField => reply.split(',').next()?.trim(),
    };
    let field = field
        .trim_matches('"')
        .trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let v: f64 = field.trim().parse().ok()?;
    v.is_finite().then_some(v)
}

/// `1`/`0`/`ON`/`OFF`.
pub fn state(reply: &str) -> Option<bool> {
    match reply.trim().to_ascii_uppercase().as_str() {
        "1" | "ON" => Some(true),
        "0" | "OFF" => Some(false),
        _ => None,
    }
}

/// A `SYST:ERR?` entry: `-113,"Undefined header"` → `(-113, "Undefined header")`; also the
/// space-separated form Siglent's quick start shows (`0 No Error`, as the labmcp-bench-psu
/// driver reads it).
pub fn error_entry(reply: &str) -> Option<(i32, String)> {
    let reply = reply.trim();
    let (code, message) = match reply.split_once(',') {
        Some((c, m)) => (c, m),
        None => reply.split_once(' ').unwrap_or((reply, "")),
    };
    let code: i32 = code.trim().parse().ok()?;
    Some((code, message.trim().trim_matches('"').to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scpi::models::table;
    use hil_rack::ScpiModel;
    use rstest::rstest;

    #[rstest]
    #[case("3.3000", ReplyFormat::Number, Some(3.3))]
    #[case("+3.30000000E+00", ReplyFormat::Number, Some(3.3))]
    #[case("+3.800000E+00V,+1.000000E-02A,CV", ReplyFormat::FirstField, Some(3.8))]
    #[case("garbage", ReplyFormat::Number, None)]
    #[case("", ReplyFormat::Number, None)]
    #[case("inf", ReplyFormat::Number, None)]
    fn parses_numbers(#[case] reply: &str, #[case] f: ReplyFormat, #[case] want: Option<f64>) {
        assert_eq!(number(reply, f), want);
    }

    #[test]
    fn parses_error_entries() {
        assert_eq!(error_entry("+0,\"No error\""), Some((0, "No error".into())));
        assert_eq!(
            error_entry("-113,\"Undefined header\""),
            Some((-113, "Undefined header".into()))
        );
        assert_eq!(error_entry("0"), Some((0, String::new())));
        assert_eq!(error_entry("0 No Error"), Some((0, "No Error".into())));
        assert_eq!(error_entry("oops"), None);
    }

    #[test]
    fn renders_per_model_forms() {
        let t = table(ScpiModel::KeysightE3631a);
        assert_eq!(render(t.meas_volts, &t, 3, None), "MEAS:VOLT? N25V");
        let t = table(ScpiModel::KeysightE36300);
        assert_eq!(render(t.set_volts, &t, 2, Some(3.3)), "VOLT 3.3000,(@2)");
        let t = table(ScpiModel::Keithley2230);
        assert_eq!(render(t.set_volts, &t, 1, Some(3.3)), "SOUR:VOLT 3.3000V");
    }
}
