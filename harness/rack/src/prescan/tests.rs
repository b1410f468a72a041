//! The pre-scan counts what nests and nothing else.

use super::{MAX_DEPTH, prescan};

fn depth_error(text: &str) -> (usize, usize) {
    let r = prescan(text).expect_err("refused");
    assert!(r.message.contains("nesting deeper than"), "{}", r.message);
    (r.line, r.column)
}

#[test]
fn ordinary_racks_pass() {
    let text = "\
%YAML 1.2
---
# a comment [[[[
name: bench # trailing [ comment
duts:
  - name: dk-1
    serial: /dev/tty[0]
    tags: [a, 'b[', \"c{\", {k: [1, 2]}]
    simulated:
      profile: mfw_nrf9160_1.3.6
      policy: { knob: [[1, 2], [3]], note: \"it's ]] fine\" }
  - name: it's
    serial: |
      [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[
    limits: >-
      {{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{{
...
";
    prescan(text).expect("passes");
}

#[test]
fn brackets_inside_quotes_comments_and_plain_scalars_do_not_count() {
    let deep = "[".repeat(MAX_DEPTH + 5);
    for text in [
        format!("a: '{deep}'\n"),
        format!("a: \"{deep}\"\n"),
        format!("a: \"x\n  {deep}\"\n"),
        format!("a: x{deep}\n"),
        format!("a: 1 # {deep}\n"),
        format!("a: |\n  {deep}\nb: 2\n"),
        format!("a: b&c {deep}\n"),
    ] {
        prescan(&text).unwrap_or_else(|r| panic!("{text:?}: {r:?}"));
    }
}

#[test]
fn deep_flow_nesting_is_refused_at_its_column() {
    let text = format!("name: r\nduts: {}\n", "[".repeat(100));
    // `name` (1 block level) + 31 brackets fit; the 32nd bracket is at column 7 + 31.
    assert_eq!(depth_error(&text), (2, 7 + MAX_DEPTH - 1));
}

#[test]
fn flow_nesting_after_an_anchor_or_tag_counts() {
    let text = format!("a: &x !!seq {}\n", "[".repeat(MAX_DEPTH));
    assert_eq!(depth_error(&text).0, 1);
}

#[test]
fn deep_flow_nesting_across_lines_is_refused() {
    let text = format!("a: [\n{}", "  [\n".repeat(MAX_DEPTH));
    assert_eq!(depth_error(&text).0, MAX_DEPTH);
}

#[test]
fn deep_block_nesting_is_refused() {
    let mut text = String::new();
    for level in 0..=MAX_DEPTH {
        text.push_str(&format!("{}k{level}:\n", " ".repeat(level)));
    }
    assert_eq!(depth_error(&text), (MAX_DEPTH + 1, MAX_DEPTH + 1));
    let compact = format!("a:\n{}x\n", "- ".repeat(MAX_DEPTH + 1));
    assert_eq!(depth_error(&compact).0, 2);
}

#[test]
fn depth_just_under_the_limit_passes() {
    let text = format!(
        "a: {}{}\n",
        "[".repeat(MAX_DEPTH - 1),
        "]".repeat(MAX_DEPTH - 1)
    );
    prescan(&text).expect("passes");
}

#[test]
fn a_second_document_is_refused_at_its_marker() {
    let r = prescan("name: a\n---\nname: b\n").unwrap_err();
    assert_eq!((r.line, r.column), (2, 1));
    assert!(r.message.contains("second YAML document"), "{}", r.message);
    let r = prescan("--- {name: a}\n--- {name: b}\n").unwrap_err();
    assert_eq!(r.line, 2);
    let r = prescan("name: a\n...\n# fine\nname: b\n").unwrap_err();
    assert_eq!((r.line, r.column), (4, 1));
    assert!(r.message.contains("line 2"), "{}", r.message);
}

#[test]
fn one_marked_document_passes() {
    prescan("# head\n---\nname: a\n...\n\n# tail\n").expect("passes");
    prescan("a: \"\n--- not a marker inside a quote\"\n").expect("passes");
    prescan("a: |\n  ---\n  text\n").expect("passes");
}
