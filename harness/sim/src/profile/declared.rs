//! The firmware a profile file declares on its top-level `mfw:` line, read from the text
//! without parsing the YAML: the build script refuses a bundled file whose `mfw:` is not its
//! file name (a copy renamed for a new version but not edited) before anything runs.

/// The value of the first top-level `mfw:` line (its comment, quotes and spaces removed).
pub fn declared_mfw(text: &str) -> Option<&str> {
    let line = text.lines().find_map(|l| l.strip_prefix("mfw:"))?;
    let value = match line.find(" #") {
        Some(comment) => &line[..comment],
        None => line,
    }
    .trim();
    let unquoted = ['"', '\'']
        .iter()
        .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)));
    Some(unquoted.unwrap_or(value))
}

/// Why the profile file named `file` (`mfw_nrf9160_1.3.7.yaml`) cannot be bundled with this
/// text, if its `mfw:` line says so; everything else is checked when it is loaded.
pub fn bundling_problem(file: &str, text: &str) -> Option<String> {
    let stem = file.strip_suffix(".yaml").unwrap_or(file);
    let mfw = declared_mfw(text)?;
    (mfw != stem).then(|| {
        format!(
            "file is named `{stem}` but its `mfw:` says `{mfw}` (a new firmware version needs \
             its own `mfw:`, `identity.cgmr` and `identity.shortswver`)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_level_mfw_line_is_read_without_its_comment_and_quotes() {
        let text = "# mfw: not this\nidentity:\n  mfw: nor this\nmfw: mfw_nrf9160_1.3.6   # ref\n";
        assert_eq!(declared_mfw(text), Some("mfw_nrf9160_1.3.6"));
        assert_eq!(
            declared_mfw("mfw: 'mfw_nrf9160_1.3.6'"),
            Some("mfw_nrf9160_1.3.6")
        );
        assert_eq!(
            declared_mfw("mfw: \"mfw_nrf9160_1.3.6\""),
            Some("mfw_nrf9160_1.3.6")
        );
        assert_eq!(declared_mfw("description: x\n"), None);
    }

    #[test]
    fn a_copy_renamed_but_not_edited_is_refused() {
        let text = "mfw: mfw_nrf9160_1.3.6\n";
        assert_eq!(bundling_problem("mfw_nrf9160_1.3.6.yaml", text), None);
        let why = bundling_problem("mfw_nrf9160_1.3.7.yaml", text).unwrap();
        assert!(
            why.starts_with(
                "file is named `mfw_nrf9160_1.3.7` but its `mfw:` says `mfw_nrf9160_1.3.6`"
            ),
            "{why}"
        );
        // No `mfw:` line: left to the loader, which names the missing field.
        assert_eq!(bundling_problem("mfw_nrf9160_1.3.7.yaml", "{}"), None);
    }
}
