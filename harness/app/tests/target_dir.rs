//! The target directory found from the running test binary is the one cargo built it into:
//! cargo tells integration tests its target directory at compile time (`CARGO_TARGET_TMPDIR`
//! is `<target>/tmp`), whatever `CARGO_TARGET_DIR` or `build.target-dir` said.

use std::path::Path;

use hil_app::target_dir::target_dir;

#[test]
fn the_test_binary_finds_the_target_dir_cargo_used() {
    let exe = std::env::current_exe().expect("the test binary's path");
    let cargo_says = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("<target>/tmp has a parent");
    let nowhere = Path::new("/nonexistent-workspace");
    let found = target_dir(Some(&exe), Some(Path::new("not-this")), nowhere);
    assert_eq!(
        found.canonicalize().unwrap(),
        cargo_says.canonicalize().unwrap()
    );
}
