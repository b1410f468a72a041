//! Where a field is in a profile file, for the errors found after parsing (a consistency check
//! naming `identity.cgmr`): the line of its key, found by indentation — profile files are block
//! YAML, one key per line. Only used to place an error message; a field it cannot find leaves
//! the message without a line (or at the deepest enclosing key it found).

/// The dotted field path a consistency message starts with (`identity.cgmr` of
/// "identity.cgmr `x` does not match mfw `y`").
pub fn leading_path(message: &str) -> &str {
    let end = message
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(message.len());
    message[..end].trim_end_matches('.')
}

/// 1-based line of the key at dotted `path` in `text` (or of the deepest enclosing key found).
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    if path.is_empty() {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut parent: Option<usize> = None;
    let mut found = None;
    for key in path.split('.') {
        let Some((i, indent)) = find_key(&lines[from..], key, parent) else {
            break;
        };
        found = Some(from + i + 1);
        from += i + 1;
        parent = Some(indent);
    }
    found
}

/// The index and indent of the first line holding `key:` inside the block whose key is
/// indented by `parent` (the top level when `None`).
fn find_key(lines: &[&str], key: &str, parent: Option<usize>) -> Option<(usize, usize)> {
    let want = format!("{key}:");
    for (i, line) in lines.iter().enumerate() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = line.len() - body.len();
        match parent {
            Some(p) if indent <= p => return None, // left the parent's block
            None if indent > 0 => continue,
            _ => {}
        }
        if body.starts_with(&want) {
            return Some((i, indent));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
mfw: x
# identity: (a comment)
identity:
  cgmr: x
  cite: a
cmng:
  types: [0]
  cite: b
pofwarn:
  levels: {30: 3000}
";

    #[test]
    fn nested_keys_are_found_inside_their_parent_only() {
        assert_eq!(line_of(TEXT, "identity.cgmr"), Some(4));
        assert_eq!(line_of(TEXT, "cmng.cite"), Some(8));
        assert_eq!(line_of(TEXT, "pofwarn.levels"), Some(10));
        assert_eq!(line_of(TEXT, "identity"), Some(3));
    }

    #[test]
    fn a_missing_key_gives_its_deepest_parent_or_nothing() {
        assert_eq!(line_of(TEXT, "pofwarn.default_mv"), Some(9));
        assert_eq!(line_of(TEXT, "current.cfun4_ma"), None);
        assert_eq!(line_of(TEXT, ""), None);
    }

    #[test]
    fn the_path_is_the_messages_first_word() {
        assert_eq!(
            leading_path("identity.cgmr `a` does not match mfw `b`"),
            "identity.cgmr"
        );
        assert_eq!(leading_path("cfun_modes must contain 0"), "cfun_modes");
        assert_eq!(
            leading_path("current.cfun4_ma -1 is not within"),
            "current.cfun4_ma"
        );
    }
}
