//! Shell-style patterns as labgrid's resource matches use them (Python's `fnmatchcase`): `*`
//! any run, `?` one character, `[abc]`/`[!abc]`/`[a-z]` a set; everything else literal.

/// Whether `text` matches `pattern` as a whole.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    match_from(&p, &t)
}

fn match_from(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => (0..=t.len()).any(|skip| match_from(&p[1..], &t[skip..])),
        Some('?') => !t.is_empty() && match_from(&p[1..], &t[1..]),
        Some('[') => match (set_end(p), t.first()) {
            (Some(end), Some(&c)) => in_set(&p[1..end], c) && match_from(&p[end + 1..], &t[1..]),
            (Some(_), None) => false,
            (None, _) => t.first() == Some(&'[') && match_from(&p[1..], &t[1..]),
        },
        Some(&c) => t.first() == Some(&c) && match_from(&p[1..], &t[1..]),
    }
}

/// The index of the `]` closing the set that starts at `p[0]`.
fn set_end(p: &[char]) -> Option<usize> {
    let mut i = 1;
    if p.get(i) == Some(&'!') {
        i += 1;
    }
    if p.get(i) == Some(&']') {
        i += 1;
    }
    (i..p.len()).find(|&j| p[j] == ']')
}

fn in_set(set: &[char], c: char) -> bool {
    let (negate, set) = match set.split_first() {
        Some(('!', rest)) => (true, rest),
        _ => (false, set),
    };
    let mut found = false;
    let mut i = 0;
    while i < set.len() {
        if i + 2 < set.len() && set[i + 1] == '-' {
            found |= set[i] <= c && c <= set[i + 2];
            i += 3;
        } else {
            found |= set[i] == c;
            i += 1;
        }
    }
    found != negate
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn like_fnmatchcase() {
        for (p, t, want) in [
            ("*", "anything", true),
            ("hostA", "hostA", true),
            ("hostA", "hosta", false),
            ("dut-?", "dut-a", true),
            ("dut-?", "dut-ab", false),
            ("*/x", "a/b/x", true),
            ("dut-[ab]", "dut-b", true),
            ("dut-[!ab]", "dut-b", false),
            ("dut-[a-c]", "dut-c", true),
            ("[", "[", true),
            ("", "", true),
            ("", "a", false),
        ] {
            assert_eq!(matches(p, t), want, "{p} vs {t}");
        }
    }
}
