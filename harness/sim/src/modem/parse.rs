//! AT command grammar of the modem: `AT<name>[?|=?|=<params>]`.
//!
//! Parameters are comma-separated; a parameter is empty, a bare token (numbers) or a string in
//! double quotes that may span lines (real CR/LF inside the quotes, ref §1.3). There is no
//! escape for `"` inside a string (ref §1.3, INFERRED: a `"` ends the string). Blanks around a
//! parameter are tolerated (NCS sends `AT%CMNG=1, <tag>`, ref §1.1). Command names are matched
//! case-insensitively. Nothing here panics on arbitrary bytes.

/// A parse failure: the command is malformed as a whole (answered with plain `ERROR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

/// A bad parameter value of a known command (answered with 50 or `ERROR`, per policy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam(pub &'static str);

/// One parameter as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// Nothing between the commas.
    Empty,
    /// An unquoted token such as `16842753`.
    Bare(String),
    /// The bytes between the quotes, verbatim.
    Str(String),
}

/// The form of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `AT+X`
    Action,
    /// `AT+X?`
    Read,
    /// `AT+X=?`
    Test,
    /// `AT+X=<params>`
    Set(Vec<Param>),
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    /// Upper-case name with its prefix, e.g. `%CMNG`, `+CFUN`; empty for a bare `AT`.
    pub name: String,
    pub form: Form,
}

/// Number of `"` in the command; odd means an unterminated string.
pub fn quote_count(raw: &[u8]) -> usize {
    raw.iter().filter(|b| **b == b'"').count()
}

/// The upper-case command name of `raw` if it has one (used for latency look-ups).
pub fn name_of(raw: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(raw).ok()?;
    let (name, _) = split_name(text.trim_start()).ok()?;
    Some(name)
}

/// Splits `AT<cmd1>;<cmd2>;…` at `;` outside quotes; every part after the first gets the `AT`
/// prefix back (ref §7.1 [D10], e.g. `AT%XSUDO=…;%CMNG=…`). One part when there is no `;`.
pub fn split_chain(raw: &[u8]) -> Vec<Vec<u8>> {
    let mut parts = vec![Vec::new()];
    let mut in_quotes = false;
    for &b in raw {
        if b == b'"' {
            in_quotes = !in_quotes;
        }
        if b == b';' && !in_quotes {
            parts.push(b"AT".to_vec());
        } else if let Some(last) = parts.last_mut() {
            last.push(b);
        }
    }
    parts
}

/// Parses one complete command (no terminator).
pub fn parse(raw: &[u8]) -> Result<Command, Malformed> {
    let text = std::str::from_utf8(raw).map_err(|_| Malformed("not UTF-8"))?;
    if quote_count(raw) % 2 == 1 {
        return Err(Malformed("unterminated string"));
    }
    let text = text
        .trim_start_matches([' ', '\t'])
        .trim_end_matches([' ', '\t', '\r', '\n']);
    let (name, rest) = split_name(text)?;
    let form = match rest {
        "" => Form::Action,
        "?" => Form::Read,
        "=?" => Form::Test,
        _ => match rest.strip_prefix('=') {
            Some(params) => Form::Set(split_params(params)?),
            None => return Err(Malformed("junk after the command name")),
        },
    };
    Ok(Command { name, form })
}

fn split_name(text: &str) -> Result<(String, &str), Malformed> {
    let head = text.get(..2).ok_or(Malformed("too short"))?;
    if !head.eq_ignore_ascii_case("AT") {
        return Err(Malformed("no AT prefix"));
    }
    let body = &text[2..];
    let end = body.find(['=', '?']).unwrap_or(body.len());
    let name = &body[..end];
    if !name.is_empty() {
        let mut chars = name.chars();
        let prefix = chars.next().unwrap_or(' ');
        if !matches!(prefix, '+' | '%' | '#') {
            return Err(Malformed("unknown command prefix"));
        }
        if name.len() < 2 || !chars.all(|c| c.is_ascii_alphanumeric()) {
            return Err(Malformed("bad command name"));
        }
    }
    Ok((name.to_ascii_uppercase(), &body[end..]))
}

fn split_params(text: &str) -> Result<Vec<Param>, Malformed> {
    let mut params = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in text.chars() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                current.push(c);
            }
            ',' if !in_quotes => {
                params.push(classify(&current)?);
                current.clear();
            }
            _ => current.push(c),
        }
    }
    params.push(classify(&current)?);
    Ok(params)
}

fn classify(raw: &str) -> Result<Param, Malformed> {
    let t = raw.trim_matches([' ', '\t']);
    if t.is_empty() {
        return Ok(Param::Empty);
    }
    if let Some(inner) = t.strip_prefix('"') {
        return match inner.strip_suffix('"') {
            Some(s) if !s.contains('"') => Ok(Param::Str(s.to_string())),
            _ => Err(Malformed("text around a quoted string")),
        };
    }
    if t.contains('"') || t.contains(['\r', '\n']) {
        return Err(Malformed("stray quote or line break"));
    }
    Ok(Param::Bare(t.to_string()))
}

impl Command {
    /// The parameters of a set command; empty for other forms.
    pub fn params(&self) -> &[Param] {
        match &self.form {
            Form::Set(p) => p,
            _ => &[],
        }
    }

    /// Parameter `i` as an unsigned integer; `Ok(None)` when absent or empty.
    pub fn uint(&self, i: usize) -> Result<Option<u64>, BadParam> {
        match self.params().get(i) {
            None | Some(Param::Empty) => Ok(None),
            Some(Param::Bare(s)) => {
                if s.is_empty() || s.len() > 19 || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(BadParam("not a number"));
                }
                s.parse().map(Some).map_err(|_| BadParam("not a number"))
            }
            Some(Param::Str(_)) => Err(BadParam("string where a number is expected")),
        }
    }

    /// Parameter `i` as a mandatory integer within `lo..=hi`.
    pub fn uint_in(&self, i: usize, lo: u64, hi: u64) -> Result<u64, BadParam> {
        match self.uint(i)? {
            Some(v) if (lo..=hi).contains(&v) => Ok(v),
            Some(_) => Err(BadParam("out of range")),
            None => Err(BadParam("missing")),
        }
    }

    /// Parameter `i` as a quoted string; `Ok(None)` when absent or empty.
    pub fn string(&self, i: usize) -> Result<Option<&str>, BadParam> {
        match self.params().get(i) {
            None | Some(Param::Empty) => Ok(None),
            Some(Param::Str(s)) => Ok(Some(s)),
            Some(Param::Bare(_)) => Err(BadParam("number where a string is expected")),
        }
    }

    /// Number of parameters given (trailing empty ones included).
    pub fn count(&self) -> usize {
        self.params().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn set(name: &str, params: Vec<Param>) -> Command {
        Command {
            name: name.into(),
            form: Form::Set(params),
        }
    }

    #[test]
    fn multiline_string_is_kept_verbatim() {
        let c = parse(b"AT%CMNG=0,12,0,\"-----BEGIN\r\nabc\n-----END\"").unwrap();
        assert_eq!(
            c,
            set(
                "%CMNG",
                vec![
                    Param::Bare("0".into()),
                    Param::Bare("12".into()),
                    Param::Bare("0".into()),
                    Param::Str("-----BEGIN\r\nabc\n-----END".into())
                ]
            )
        );
    }

    #[rstest]
    #[case(b"AT", "", Form::Action)]
    #[case(b"at+cfun?", "+CFUN", Form::Read)]
    #[case(b"AT+CFUN=?", "+CFUN", Form::Test)]
    #[case(b"AT%SHORTSWVER", "%SHORTSWVER", Form::Action)]
    #[case(b"AT%CMNG=1, 16842753", "%CMNG", Form::Set(vec![Param::Bare("1".into()), Param::Bare("16842753".into())]))]
    #[case(b"AT%CMNG=1,,0", "%CMNG", Form::Set(vec![Param::Bare("1".into()), Param::Empty, Param::Bare("0".into())]))]
    fn parses(#[case] raw: &[u8], #[case] name: &str, #[case] form: Form) {
        let c = parse(raw).unwrap();
        assert_eq!(c.name, name);
        assert_eq!(c.form, form);
    }

    #[rstest]
    #[case(b"")]
    #[case(b"A")]
    #[case(b"XT+CFUN")]
    #[case(b"AT+CFUN=\"1")]
    #[case(b"AT%CMNG=0,1,0,\"a\"b")]
    #[case(b"AT+CFUN?x")]
    #[case(b"AT+CF UN")]
    #[case(b"AT\xff\xfe")]
    #[case(b"ATZ")]
    #[case(b"AT%CMNG=0,1,0,\"a\"\"b\"")]
    fn malformed(#[case] raw: &[u8]) {
        assert!(parse(raw).is_err(), "{raw:?}");
    }

    #[test]
    fn chains_split_outside_quotes_only() {
        assert_eq!(split_chain(b"AT+CFUN?"), vec![b"AT+CFUN?".to_vec()]);
        assert_eq!(
            split_chain(b"AT+CFUN?;+CMEE=1;%CMNG=0,1,4,\"a;b\""),
            vec![
                b"AT+CFUN?".to_vec(),
                b"AT+CMEE=1".to_vec(),
                b"AT%CMNG=0,1,4,\"a;b\"".to_vec()
            ]
        );
        assert_eq!(split_chain(b"AT;"), vec![b"AT".to_vec(), b"AT".to_vec()]);
    }

    #[test]
    fn numbers_are_strict() {
        let c = parse(b"AT+X=12,abc,-1,\"5\",,99999999999999999999").unwrap();
        assert_eq!(c.uint(0), Ok(Some(12)));
        assert!(c.uint(1).is_err());
        assert!(c.uint(2).is_err());
        assert!(c.uint(3).is_err());
        assert_eq!(c.uint(4), Ok(None));
        assert!(c.uint(5).is_err());
        assert_eq!(c.uint(9), Ok(None));
        assert!(c.uint_in(0, 0, 5).is_err());
    }
}
