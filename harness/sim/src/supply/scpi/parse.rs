//! Parsing SCPI lines: header normalisation, arguments, numbers, booleans, channel names.

/// One received SCPI command.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Command {
    /// Uppercase short-form nodes joined by `:`, optional nodes (`SOUR`, `LEV`, `IMM`, `AMPL`)
    /// dropped, no leading colon, no `?`. A node with a numeric suffix keeps it (`SOUR1`, `CH1`).
    pub header: String,
    pub query: bool,
    /// Arguments split on top-level commas, trimmed.
    pub args: Vec<String>,
}

/// Long-form → short-form SCPI mnemonics the simulated supplies know.
const MNEMONICS: &[(&str, &str)] = &[
    ("APPLY", "APPL"),
    ("AMPLITUDE", "AMPL"),
    ("CHANNEL", "CHAN"),
    ("CURRENT", "CURR"),
    ("ERROR", "ERR"),
    ("GENERAL", "GEN"),
    ("IMMEDIATE", "IMM"),
    ("INSTRUMENT", "INST"),
    ("LEVEL", "LEV"),
    ("MASTER", "MAST"),
    ("MEASURE", "MEAS"),
    ("NSELECT", "NSEL"),
    ("OUTPUT", "OUTP"),
    ("POWER", "POW"),
    ("PROTECTION", "PROT"),
    ("REMOTE", "REM"),
    ("SCALAR", "SCAL"),
    ("SELECT", "SEL"),
    ("SOURCE", "SOUR"),
    ("STATE", "STAT"),
    ("STATUS", "STAT"),
    ("SYSTEM", "SYST"),
    ("VERSION", "VERS"),
    ("VOLTAGE", "VOLT"),
];

fn short_form(node: &str) -> String {
    let upper = node.to_ascii_uppercase();
    let (stem, digits) = split_suffix(&upper);
    for (long, short) in MNEMONICS {
        if stem == *long || stem == *short {
            return format!("{short}{digits}");
        }
        // Any abbreviation between the short and the long form is not SCPI; keep it as is.
    }
    upper
}

fn split_suffix(s: &str) -> (&str, &str) {
    let cut = s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    s.split_at(cut)
}

/// Parses one line. `None` for an empty line.
pub(crate) fn parse(line: &str) -> Option<Command> {
    let line = line.trim();
    if line.is_empty() {
        return None;
    }
    let (head, rest) = match line.find(|c: char| c.is_ascii_whitespace()) {
        Some(i) => (&line[..i], line[i..].trim()),
        None => (line, ""),
    };
    let (head, query) = match head.strip_suffix('?') {
        Some(h) => (h, true),
        None => (head, false),
    };
    let head = head.trim_start_matches(':');
    let nodes: Vec<String> = if head.starts_with('*') {
        vec![head.to_ascii_uppercase()]
    } else {
        head.split(':')
            .filter(|n| !n.is_empty())
            .map(short_form)
            .filter(|n| !matches!(n.as_str(), "SOUR" | "LEV" | "IMM" | "AMPL"))
            .collect()
    };
    Some(Command {
        header: nodes.join(":"),
        query,
        args: split_args(rest),
    })
}

fn split_args(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in rest.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c);
            }
            ')' => {
                depth -= 1;
                cur.push(c);
            }
            ',' if depth <= 0 => out.push(std::mem::take(&mut cur).trim().to_owned()),
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() || !out.is_empty() {
        out.push(cur.trim().to_owned());
    }
    out
}

/// A number with an optional unit suffix (`3.3`, `3.300V`, `500mA`, `+3.3E+00`).
pub(crate) fn number(arg: &str) -> Option<f64> {
    let a = arg.trim().trim_matches('"');
    let upper = a.to_ascii_uppercase();
    let (body, scale) = if let Some(b) = upper
        .strip_suffix("MV")
        .or_else(|| upper.strip_suffix("MA"))
    {
        (b.to_owned(), 1e-3)
    } else if let Some(b) = upper.strip_suffix('V').or_else(|| upper.strip_suffix('A')) {
        (b.to_owned(), 1.0)
    } else {
        (upper, 1.0)
    };
    let v: f64 = body.trim().parse().ok()?;
    v.is_finite().then_some(v * scale)
}

/// `ON`/`OFF`/`1`/`0`.
pub(crate) fn boolean(arg: &str) -> Option<bool> {
    match arg.trim().to_ascii_uppercase().as_str() {
        "ON" | "1" => Some(true),
        "OFF" | "0" => Some(false),
        _ => None,
    }
}

/// `CH<n>` (any case).
pub(crate) fn ch_name(arg: &str) -> Option<u8> {
    let a = arg.trim().to_ascii_uppercase();
    a.strip_prefix("CH")?.parse().ok()
}

/// A channel list with one channel: `(@<n>)`.
pub(crate) fn channel_list(arg: &str) -> Option<u8> {
    let a = arg.trim();
    a.strip_prefix("(@")?.strip_suffix(')')?.trim().parse().ok()
}

/// Keysight-style scientific notation: `+3.80000000E+00`.
pub(crate) fn sci(v: f64, digits: usize) -> String {
    let s = format!("{:.*E}", digits, v);
    let (mantissa, exp) = s.split_once('E').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if mantissa.starts_with('-') { "" } else { "+" };
    let esign = if exp < 0 { '-' } else { '+' };
    format!("{sign}{mantissa}E{esign}{:02}", exp.abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_normalised() {
        let c = parse(":SOURce:VOLTage:LEVel:IMMediate:AMPLitude 3.3").unwrap();
        assert_eq!(c.header, "VOLT");
        assert!(!c.query);
        assert_eq!(c.args, vec!["3.3"]);
        let c = parse("meas:volt? (@1)").unwrap();
        assert_eq!((c.header.as_str(), c.query), ("MEAS:VOLT", true));
        assert_eq!(channel_list(&c.args[0]), Some(1));
        let c = parse("CH1:VOLTage 3.3").unwrap();
        assert_eq!(c.header, "CH1:VOLT");
        let c = parse("*idn?").unwrap();
        assert_eq!((c.header.as_str(), c.query), ("*IDN", true));
        let c = parse("APPL P6V, 3.3, 0.5").unwrap();
        assert_eq!(c.args, vec!["P6V", "3.3", "0.5"]);
        assert!(parse("   ").is_none());
    }

    #[test]
    fn numbers_with_units() {
        assert_eq!(number("3.300V"), Some(3.3));
        assert_eq!(number("0.5A"), Some(0.5));
        assert_eq!(number("+3.80000000E+00"), Some(3.8));
        assert!((number("500mA").unwrap() - 0.5).abs() < 1e-12);
        assert_eq!(number("abc"), None);
        assert_eq!(number("NaN"), None);
    }

    #[test]
    fn keysight_number_format() {
        assert_eq!(sci(3.8, 8), "+3.80000000E+00");
        assert_eq!(sci(0.0123, 5), "+1.23000E-02");
        assert_eq!(sci(-25.0, 3), "-2.500E+01");
    }
}
