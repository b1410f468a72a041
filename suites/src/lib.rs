//! The nRF91 key-management conformance suites and their per-firmware expectations.
//!
//! Each suite module holds cases that check one area against the *reference* behaviour —
//! the current documented behaviour of the nRF91 modem (`shared/reference/
//! nrf91-modem-keymgmt.md`, cited as "ref §n"). What a given modem firmware does differently
//! is data, not code: `expectations/*.yaml` key known differences (expected failures with the
//! exact signature), non-applicable cases and OPEN facts (characterization) by MFW range.
//!
//! - [`identity`]: what the modem says it is, recorded with every result;
//! - [`cmee`]: error reporting modes;
//! - [`cmng`]: credential storage — write/list/read/delete, digests, filters, read rules,
//!   overwrite, the CFUN matrix, content validation;
//! - [`xpmng`] and [`keygen`]: the public-key slot and on-device key generation;
//! - [`console`]: the AT console under a multi-line PEM, an over-long line, a lost quote;
//! - [`pofwarn`]: the power-off warning driven by the supply;
//! - [`power`]: current measured between AT events against per-firmware figures
//!   (`expectations/power-figures.yaml`), and the draw around the power-off warning.
//!
//! [`cases`] and [`expectations`] are what the app layer (`hil-app`) runs, behind both
//! `hil run` and `cargo test --test hil`. Writing a case: [`guide`] (`docs/writing-cases.md`);
//! the API is [`support`].

#![warn(missing_docs)]

pub mod cmee;
pub mod cmng;
pub mod console;
pub mod fixtures;
pub mod guide;
pub mod identity;
pub mod keygen;
pub mod pofwarn;
pub mod power;
pub mod support;
pub mod xpmng;

use std::sync::Arc;

use hil_lab::Board;
use hil_runner::{Case, Expectations, ExpectationsError};

/// Every case of every suite, in the order they run on a DUT.
pub fn cases() -> Vec<Arc<dyn Case<Board>>> {
    let mut all = Vec::new();
    all.extend(identity::cases());
    all.extend(cmee::cases());
    all.extend(cmng::cases());
    all.extend(xpmng::cases());
    all.extend(keygen::cases());
    all.extend(console::cases());
    all.extend(pofwarn::cases());
    all.extend(power::cases());
    all
}

/// The expectation files, bundled: (origin, text).
pub const EXPECTATION_FILES: &[(&str, &str)] = &[
    (
        "suites/expectations/keymgmt.yaml",
        include_str!("../expectations/keymgmt.yaml"),
    ),
    (
        "suites/expectations/console.yaml",
        include_str!("../expectations/console.yaml"),
    ),
    (
        "suites/expectations/pofwarn.yaml",
        include_str!("../expectations/pofwarn.yaml"),
    ),
    (
        "suites/expectations/power.yaml",
        include_str!("../expectations/power.yaml"),
    ),
];

/// The bundled expectations: each file validated on its own, then merged, so every error (a
/// bad entry, an unknown case id, a case in two files) names the right file and line.
pub fn expectations() -> Result<Expectations, ExpectationsError> {
    let mut combined = Expectations::empty();
    for (origin, text) in EXPECTATION_FILES {
        if !has_entries(text) {
            continue;
        }
        combined = combined.merge(Expectations::from_yaml(text, origin)?)?;
    }
    Ok(combined)
}

/// False for a file of only comments and blank lines.
fn has_entries(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .any(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expectations_load_and_name_only_known_cases() {
        // Failures read `file:line: what` (Display), not the error's Debug form.
        let expectations = expectations().unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<_> = cases().iter().map(|c| c.id()).collect();
        if let Err(e) = expectations.check_case_ids(ids.iter()) {
            panic!("every expectation names a case:\n{e}");
        }
    }

    #[test]
    fn every_expectation_file_is_bundled() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("expectations");
        let mut missing = Vec::new();
        // The power figures are bundled by the power suite (`power::figures::FILE`).
        let bundled = |origin: &str| {
            origin == power::figures::FILE.0 || EXPECTATION_FILES.iter().any(|(o, _)| *o == origin)
        };
        for entry in std::fs::read_dir(&dir).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let origin = format!("suites/expectations/{name}");
            if name.ends_with(".yaml") && !bundled(&origin) {
                missing.push(origin);
            }
        }
        assert!(
            missing.is_empty(),
            "not listed in EXPECTATION_FILES (suites/src/lib.rs) nor the power figures: {}",
            missing.join(", ")
        );
    }

    #[test]
    fn case_ids_are_unique() {
        let mut ids: Vec<String> = cases().iter().map(|c| c.id().to_string()).collect();
        let n = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
