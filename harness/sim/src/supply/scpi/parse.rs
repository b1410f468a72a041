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
    /// The header breaks SCPI's syntax (an empty node, a character other than letters, digits
    /// and `_`): `-102,"Syntax error"`.
    pub malformed: bool,
}

/// Long-form → short-form SCPI mnemonics the simulated supplies know.
const MNEMONICS: &[(&str, &str)] = &[
    ("APPLY", "APPL"),
    ("AMPLITUDE", "AMPL"),
    ("BEEPER", "BEEP"),
    ("CHANNEL", "CHAN"),
    ("CLEAR", "CLE"),
    ("CONDITION", "COND"),
    ("CONTINUOUS", "CONT"),
    ("COUNT", "COUN"),
    ("CURRENT", "CURR"),
    ("DELAY", "DEL"),
    ("DISPLAY", "DISP"),
    ("ELEMENTS", "ELEM"),
    ("ENABLE", "ENAB"),
    ("ERROR", "ERR"),
    ("FORMAT", "FORM"),
    ("FUNCTION", "FUNC"),
    ("GENERAL", "GEN"),
    ("IMMEDIATE", "IMM"),
    ("INITIATE", "INIT"),
    ("INSTRUMENT", "INST"),
    ("ISUMMARY", "ISUM"),
    ("LEVEL", "LEV"),
    ("LFREQUENCY", "LFR"),
    ("LIMIT", "LIM"),
    ("LOCAL", "LOC"),
    ("MASTER", "MAST"),
    ("MEASURE", "MEAS"),
    ("MEASUREMENT", "MEAS"),
    ("NSELECT", "NSEL"),
    ("OUTPUT", "OUTP"),
    ("POWER", "POW"),
    ("PROTECTION", "PROT"),
    ("QUESTION", "QUES"),
    ("REMOTE", "REM"),
    ("RWLOCK", "RWL"),
    ("SCALAR", "SCAL"),
    ("SELECT", "SEL"),
    ("SENSE", "SENS"),
    ("SOURCE", "SOUR"),
    ("STATE", "STAT"),
    ("STATUS", "STAT"),
    ("SYSTEM", "SYST"),
    // Siglent spells it `TRACK` (SPD3303X), SCPI's long form is `TRACKING`.
    ("TRACKING", "TRAC"),
    ("TRACK", "TRAC"),
    ("TRIGGER", "TRIG"),
    ("TRIPPED", "TRIP"),
    ("VALUE", "VAL"),
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

/// Parses one program message unit (no `;`). `None` for an empty unit.
#[cfg(test)]
pub(crate) fn parse(unit: &str) -> Option<Command> {
    let (path, query, args) = split_unit(unit)?;
    Some(command(&path, query, args))
}

/// One unit split into its raw header nodes (a leading `:` kept as an empty first node, a
/// common command as its `*` word), query flag and arguments.
fn split_unit(unit: &str) -> Option<(Vec<String>, bool, Vec<String>)> {
    let unit = unit.trim();
    if unit.is_empty() {
        return None;
    }
    let (head, rest) = match unit.find(|c: char| c.is_ascii_whitespace()) {
        Some(i) => (&unit[..i], unit[i..].trim()),
        None => (unit, ""),
    };
    let (head, query) = match head.strip_suffix('?') {
        Some(h) => (h, true),
        None => (head, false),
    };
    let path = head.split(':').map(str::to_owned).collect();
    Some((path, query, split_args(rest)))
}

fn command(path: &[String], query: bool, args: Vec<String>) -> Command {
    let malformed = path.iter().enumerate().any(|(i, n)| {
        let body = if i == 0 {
            n.strip_prefix('*').unwrap_or(n)
        } else {
            n
        };
        (i > 0 && body.is_empty()) || !body.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    }) || path.len() == 1 && path[0].is_empty();
    let nodes: Vec<String> = match path.first() {
        Some(first) if first.starts_with('*') => vec![first.to_ascii_uppercase()],
        _ => path
            .iter()
            .filter(|n| !n.is_empty())
            .map(|n| short_form(n))
            .filter(|n| !matches!(n.as_str(), "SOUR" | "LEV" | "IMM" | "AMPL"))
            .collect(),
    };
    Command {
        header: nodes.join(":"),
        query,
        args,
        malformed,
    }
}

/// One unit of a program message: the header read relative to the path the previous unit
/// left (SCPI-99 §6.2.4: after `;` a header without a leading `:` continues the previous
/// header's path), and read from the root. Most instruments fall back to the root when the
/// relative reading is undefined (pymeasure's `INST:SEL CH1;VOLT?` relies on it), so the
/// instrument tries `relative` first, then `root`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Unit {
    pub relative: Command,
    pub root: Command,
}

/// Splits a line into its `;`-separated units (not inside quotes), resolving header paths.
pub(crate) fn message(line: &str) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut path: Vec<String> = Vec::new();
    for raw in split_units(line) {
        let Some((nodes, query, args)) = split_unit(&raw) else {
            continue;
        };
        let common = nodes.first().is_some_and(|n| n.starts_with('*'));
        let rooted = nodes.first().is_some_and(String::is_empty);
        let root = command(&nodes, query, args.clone());
        let full: Vec<String> = if common || rooted {
            nodes.clone()
        } else {
            path.iter().cloned().chain(nodes.iter().cloned()).collect()
        };
        let relative = command(&full, query, args);
        if !common {
            path = full[..full.len().saturating_sub(1)].to_vec();
        }
        units.push(Unit { relative, root });
    }
    units
}

/// Splits on `;` outside single or double quotes.
fn split_units(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (c, quote) {
            ('"' | '\'', None) => {
                quote = Some(c);
                cur.push(c);
            }
            (q, Some(open)) if q == open => {
                quote = None;
                cur.push(c);
            }
            (';', None) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn split_args(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut quote: Option<char> = None;
    let mut cur = String::new();
    for c in rest.chars() {
        match c {
            // String data (IEEE 488.2 §7.7.5): a comma inside quotes is part of the string.
            _ if quote == Some(c) => {
                quote = None;
                cur.push(c);
            }
            _ if quote.is_some() => cur.push(c),
            '"' | '\'' => {
                quote = Some(c);
                cur.push(c);
            }
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
        assert_eq!(c.args, vec!["(@1)"]);
        let c = parse("CH1:VOLTage 3.3").unwrap();
        assert_eq!(c.header, "CH1:VOLT");
        let c = parse("*idn?").unwrap();
        assert_eq!((c.header.as_str(), c.query), ("*IDN", true));
        let c = parse("APPL P6V, 3.3, 0.5").unwrap();
        assert_eq!(c.args, vec!["P6V", "3.3", "0.5"]);
        let c = parse("DATA:DATA? \"READ,SOUR\", 'a,b'").unwrap();
        assert_eq!(
            c.args,
            vec!["\"READ,SOUR\"", "'a,b'"],
            "commas in string data"
        );
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
