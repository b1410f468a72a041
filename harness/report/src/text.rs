//! Text hygiene for reports: strip terminal escape sequences and characters XML 1.0 cannot
//! carry, and clip long text to a budget (GitLab refuses JUnit files over 30 MB).

/// Removes ANSI/VT escape sequences (CSI, OSC, two-character escapes) and every character that
/// is not an XML 1.0 `Char` (C0 controls other than tab, LF, CR; U+FFFE; U+FFFF).
pub fn xml_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.next() {
                // CSI: parameters and intermediates up to a final byte in @..~
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            break;
                        }
                    }
                }
                // OSC: up to BEL or ST (ESC \)
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\u{7}' {
                            break;
                        }
                        if c == '\u{1b}' && chars.peek() == Some(&'\\') {
                            chars.next();
                            break;
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        if is_xml_char(c) {
            out.push(c);
        }
    }
    out
}

/// The XML 1.0 `Char` production (surrogates cannot occur in a Rust `char`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Clips `text` to about `max_bytes`, keeping the first quarter and the last three quarters
/// (where a failure usually is) around a marker line. Returns the text and whether it was
/// clipped.
pub fn clip(text: &str, max_bytes: usize) -> (String, bool) {
    if text.len() <= max_bytes {
        return (text.to_string(), false);
    }
    let head_end = floor_char_boundary(text, max_bytes / 4);
    let tail_start = ceil_char_boundary(text, text.len() - (max_bytes - max_bytes / 4));
    // Text clipped before: the bytes its marker counts were elided too.
    let cut = &text[head_end..tail_start];
    let elided = unclipped_len(cut);
    (
        format!(
            "{}{}{elided}{}{}",
            &text[..head_end],
            ELIDED.0,
            ELIDED.1,
            &text[tail_start..]
        ),
        true,
    )
}

/// The marker line [`clip`] puts where it cut, around the count of bytes it cut.
const ELIDED: (&str, &str) = (
    "\n[... ",
    " bytes elided; the full transcript is attached ...]\n",
);

/// The length `text` had before [`clip`] cut it (its own length when it holds no marker).
pub fn unclipped_len(text: &str) -> usize {
    let Some(start) = text.find(ELIDED.0) else {
        return text.len();
    };
    let rest = &text[start + ELIDED.0.len()..];
    let Some(digits) = rest.find(ELIDED.1) else {
        return text.len();
    };
    match rest[..digits].parse::<usize>() {
        Ok(elided) => text.len() - (ELIDED.0.len() + digits + ELIDED.1.len()) + elided,
        Err(_) => text.len(),
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escapes_and_invalid_characters() {
        let dirty = "\u{1b}[31mOK\u{1b}[0m\u{0}\u{7}\u{8}\u{b}\u{c}\u{1f}\u{fffe}\u{ffff}\t\r\n\u{1b}]0;title\u{7}é€😀";
        assert_eq!(xml_safe(dirty), "OK\t\r\né€😀");
    }

    #[test]
    fn clips_on_char_boundaries() {
        let text = "é".repeat(1000);
        let (clipped, was) = clip(&text, 101);
        assert!(was);
        assert!(clipped.contains("bytes elided"));
        assert!(clipped.len() < 200);
        assert_eq!(clip("short", 100), ("short".to_string(), false));
    }
}
