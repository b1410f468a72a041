//! The case-writing guide, `docs/writing-cases.md`, as this module's documentation: its code
//! is a doc test, so `cargo test` builds and runs the case it shows. The tests below keep its
//! tables in step with the code.
#![doc = include_str!("../../docs/writing-cases.md")]

#[cfg(test)]
mod tests {
    use crate::support::signatures;

    const GUIDE: &str = include_str!("../../docs/writing-cases.md");

    /// The context's source, file by file: every `pub fn` in it is part of the API.
    const CONTEXT_SOURCES: [&str; 8] = [
        include_str!("support.rs"),
        include_str!("support/artifacts.rs"),
        include_str!("support/board.rs"),
        include_str!("support/checks.rs"),
        include_str!("support/credentials.rs"),
        include_str!("support/modem.rs"),
        include_str!("support/reply.rs"),
        include_str!("support/findings.rs"),
    ];

    fn public_methods(source: &str) -> impl Iterator<Item = &str> {
        source
            .lines()
            .filter_map(|l| l.strip_prefix("    pub fn "))
            .filter_map(|rest| rest.split(['(', '<']).next())
    }

    #[test]
    fn the_guide_lists_every_fixed_signature() {
        for signature in signatures::ALL {
            assert!(
                GUIDE.contains(&format!("`{signature}`")),
                "docs/writing-cases.md does not list the signature `{signature}`"
            );
        }
    }

    #[test]
    fn the_guide_names_every_method_of_the_context_api() {
        let mut missing = Vec::new();
        for source in CONTEXT_SOURCES {
            for name in public_methods(source) {
                if !GUIDE.contains(&format!("{name}(")) && !GUIDE.contains(&format!("{name}`")) {
                    missing.push(name);
                }
            }
        }
        assert!(
            missing.is_empty(),
            "docs/writing-cases.md does not mention {missing:?}"
        );
    }

    #[test]
    fn the_guide_expectations_example_is_valid_data() {
        let yaml = GUIDE
            .split("```yaml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next())
            .expect("a yaml block in the guide");
        let expectations = hil_runner::Expectations::from_yaml(yaml, "docs/writing-cases.md")
            .unwrap_or_else(|e| panic!("{e}"));
        let ids = [
            hil_runner::CaseId::new("example", "delete_twice_513"),
            hil_runner::CaseId::new("example", "survives_power_cycle"),
        ];
        expectations
            .check_case_ids(ids.iter())
            .expect("the example names the guide's cases");
    }
}
