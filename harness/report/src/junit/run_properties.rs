//! Properties of the `<testsuites>` element, which quick-junit does not model: a
//! `<properties>` block inserted as the first child of the root, after the report is rendered.

use crate::text::xml_safe;

/// `xml` with `properties` as the root's first child; unchanged when there are none.
pub(crate) fn insert(xml: &str, properties: &[(String, String)]) -> String {
    if properties.is_empty() {
        return xml.to_string();
    }
    let Some(start) = xml.find("<testsuites") else {
        return xml.to_string();
    };
    let Some(end) = tag_end(xml, start) else {
        return xml.to_string();
    };
    let mut block = String::from("\n    <properties>\n");
    for (name, value) in properties {
        block.push_str(&format!(
            "        <property name=\"{}\" value=\"{}\"/>\n",
            escape(name),
            escape(value)
        ));
    }
    block.push_str("    </properties>");
    let self_closing = xml[..end].ends_with('/');
    if self_closing {
        format!(
            "{}>{block}\n</testsuites>{}",
            &xml[..end - 1],
            &xml[end + 1..]
        )
    } else {
        format!("{}{block}{}", &xml[..=end], &xml[end + 1..])
    }
}

/// The index of the `>` that ends the start tag at `start` (quoted `>` skipped).
fn tag_end(xml: &str, start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in xml[start..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(start + i),
            _ => {}
        }
    }
    None
}

fn escape(text: &str) -> String {
    xml_safe(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\n', "&#10;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_become_the_first_child_of_the_root() {
        let xml = "<?xml version=\"1.0\"?>\n<testsuites name=\"a>b\" tests=\"1\">\n    <testsuite name=\"x\"/>\n</testsuites>\n";
        let out = insert(xml, &[("k".into(), "v \"1\" <2>".into())]);
        assert_eq!(
            out,
            "<?xml version=\"1.0\"?>\n<testsuites name=\"a>b\" tests=\"1\">\n    <properties>\n        <property name=\"k\" value=\"v &quot;1&quot; &lt;2&gt;\"/>\n    </properties>\n    <testsuite name=\"x\"/>\n</testsuites>\n"
        );
        assert_eq!(insert(xml, &[]), xml);
    }

    #[test]
    fn a_self_closing_root_is_opened() {
        let out = insert("<testsuites name=\"r\"/>\n", &[("k".into(), "v".into())]);
        assert!(
            out.starts_with("<testsuites name=\"r\">\n    <properties>"),
            "{out}"
        );
        assert!(out.ends_with("</testsuites>\n"), "{out}");
    }
}
