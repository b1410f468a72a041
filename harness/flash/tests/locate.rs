//! Image discovery order and the flash-or-skip rule.

mod common;

use std::path::Path;

use common::write;
use hil_flash::{
    CI_BUILD_OUTPUT, FlashDecision, ImageSource, LocateError, flash_decision, locate_image_from,
    no_image_reason, should_flash,
};
use rstest::rstest;

/// A workspace with the CI build output present, plus three other candidate files.
struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new(with_ci_build: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        for name in ["explicit.elf", "env.elf", "rack.elf"] {
            write(dir.path(), name, b"x");
        }
        if with_ci_build {
            let ci = dir.path().join(CI_BUILD_OUTPUT);
            std::fs::create_dir_all(ci.parent().unwrap()).unwrap();
            std::fs::write(&ci, b"x").unwrap();
        }
        Fixture { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn file(&self, name: &str) -> std::path::PathBuf {
        self.root().join(name)
    }
}

#[rstest]
#[case(true, true, true, ImageSource::Explicit)]
#[case(false, true, true, ImageSource::Env)]
#[case(false, false, true, ImageSource::RackFile)]
#[case(false, false, false, ImageSource::CiBuild)]
fn discovery_order(
    #[case] explicit: bool,
    #[case] env: bool,
    #[case] rack: bool,
    #[case] expected: ImageSource,
) {
    let f = Fixture::new(true);
    let (e, v, r) = (
        f.file("explicit.elf"),
        f.file("env.elf"),
        f.file("rack.elf"),
    );
    let found = locate_image_from(
        explicit.then_some(e.as_path()),
        env.then_some(v.as_path()),
        rack.then_some(r.as_path()),
        f.root(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(found.source, expected);
    let expected_path = match expected {
        ImageSource::Explicit => e,
        ImageSource::Env => v,
        ImageSource::RackFile => r,
        ImageSource::CiBuild => f.root().join(CI_BUILD_OUTPUT),
    };
    assert_eq!(found.path, expected_path);
}

#[test]
fn nothing_found_is_none_with_a_reason() {
    let f = Fixture::new(false);
    assert_eq!(locate_image_from(None, None, None, f.root()).unwrap(), None);
    let reason = no_image_reason(f.root());
    assert!(reason.contains("FUT_ELF"), "{reason}");
    assert!(reason.contains(CI_BUILD_OUTPUT), "{reason}");
}

#[test]
fn empty_fut_elf_counts_as_unset() {
    let f = Fixture::new(true);
    let found = locate_image_from(None, Some(Path::new("")), None, f.root())
        .unwrap()
        .unwrap();
    assert_eq!(found.source, ImageSource::CiBuild);
}

#[rstest]
#[case::explicit(0, ImageSource::Explicit)]
#[case::env(1, ImageSource::Env)]
#[case::rack(2, ImageSource::RackFile)]
fn a_named_file_that_is_missing_is_an_error(#[case] which: usize, #[case] origin: ImageSource) {
    let f = Fixture::new(true);
    let missing = f.file("missing.elf");
    let mut args = [None, None, None];
    args[which] = Some(missing.as_path());
    let err = locate_image_from(args[0], args[1], args[2], f.root()).unwrap_err();
    assert!(
        matches!(&err, LocateError::Missing { origin: o, path } if *o == origin && *path == missing),
        "{err:?}"
    );
    assert!(err.to_string().contains("missing.elf"), "{err}");
}

#[test]
fn a_directory_is_not_an_image() {
    let f = Fixture::new(false);
    let err = locate_image_from(Some(f.root()), None, None, f.root()).unwrap_err();
    assert!(matches!(err, LocateError::NotAFile { .. }), "{err:?}");
}

#[rstest]
#[case::same_release(Some("0.1.0+1a2b3c4"), Some("0.1.0+1a2b3c4"), false)]
#[case::other_release(Some("0.1.0+1a2b3c4"), Some("0.1.0+9999999"), true)]
#[case::same_digest(
    Some("sha256:0123456789abcdef"),
    Some("sha256:0123456789abcdef"),
    false
)]
#[case::dev_build(Some("0.1.0+dev"), Some("0.1.0+dev"), true)]
#[case::dirty_build(Some("0.1.0+1a2b3c4-dirty"), Some("0.1.0+1a2b3c4-dirty"), true)]
#[case::board_silent(Some("0.1.0+1a2b3c4"), None, true)]
#[case::image_without_id(None, Some("0.1.0+1a2b3c4"), true)]
#[case::no_build_id(Some("0.1.0"), Some("0.1.0"), true)]
#[case::whitespace(Some("0.1.0+abc"), Some(" 0.1.0+abc\r\n"), false)]
fn flash_or_skip(#[case] image: Option<&str>, #[case] board: Option<&str>, #[case] flash: bool) {
    assert_eq!(
        should_flash(image, board),
        flash,
        "{:?}",
        flash_decision(image, board)
    );
}

#[test]
fn decisions_explain_themselves() {
    let skip = flash_decision(Some("0.1.0+abc"), Some("0.1.0+abc"));
    assert_eq!(
        skip,
        FlashDecision::Skip("the board already runs `0.1.0+abc`".into())
    );
    let dev = flash_decision(Some("0.1.0+dev"), Some("0.1.0+dev"));
    assert!(dev.reason().contains("development build"), "{dev:?}");
}
