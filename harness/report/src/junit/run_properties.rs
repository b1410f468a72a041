//! Properties of the `<testsuites>` element, which quick-junit does not model: a
//! `<properties>` block inserted as the first child of the root, after the report is rendered.

use crate::text::xml_safe;

/// Puts `properties` into `xml` as the root's first child (in place: the file's buffer is
/// reused from write to write); leaves it unchanged when there are none.
pub(crate) fn insert(xml: &mut Vec<u8>, properties: &[(String, String)]) {
    if properties.is_empty() {
        return;
    }
    let Some(start) = find(xml, b"<testsuites") else {
        return;
    };
    let Some(end) = tag_end(xml, start) else {
        return;
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
    if xml[..end].ends_with(b"/") {
        // `<testsuites …/>` becomes `<testsuites …>block</testsuites>`.
        let opened = format!(">{block}\n</testsuites>");
        xml.splice(end - 1..=end, opened.into_bytes());
    } else {
        xml.splice(end + 1..end + 1, block.into_bytes());
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The index of the `>` that ends the start tag at `start` (quoted `>` skipped).
fn tag_end(xml: &[u8], start: usize) -> Option<usize> {
    let mut quote = None;
    for (i, &c) in xml[start..].iter().enumerate() {
        match (quote, c) {
            (None, b'"' | b'\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => return Some(start + i),
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
    fn insert(xml: &str, properties: &[(String, String)]) -> String {
        let mut bytes = xml.as_bytes().to_vec();
        super::insert(&mut bytes, properties);
        String::from_utf8(bytes).unwrap()
    }

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
