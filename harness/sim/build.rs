//! Bundles the modem profiles: every `profiles/*.yaml` becomes an entry of the `BUNDLED` table
//! (`$OUT_DIR/bundled_profiles.rs`, included by `src/profile/load.rs`). Adding a firmware version
//! is adding a file; cargo reruns this script when anything in `profiles/` changes. A file whose
//! `mfw:` line is not its name fails the build with an error naming it; the rest of a profile is
//! checked when it is loaded (`bundled_profiles`), also with an error naming the file.

use std::path::Path;

#[path = "src/profile/declared.rs"]
mod declared;
#[path = "src/profile/files.rs"]
mod files;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles");
    println!("cargo:rerun-if-changed=profiles");
    let files = files::profile_files(&dir)
        .unwrap_or_else(|e| panic!("listing the modem profiles in {}: {e}", dir.display()));
    let mut table = String::from("const BUNDLED: &[(&str, &str)] = &[\n");
    for path in &files {
        let name = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_else(|| {
                panic!("profile file name is not UTF-8: {}", path.display());
            });
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        if let Some(problem) = declared::bundling_problem(name, &text) {
            println!("cargo::error=harness/sim/profiles/{name}: {problem}");
        }
        let path = path
            .to_str()
            .unwrap_or_else(|| panic!("profile path is not UTF-8: {}", path.display()));
        table.push_str(&format!("    ({name:?}, include_str!({path:?})),\n"));
    }
    table.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("bundled_profiles.rs");
    std::fs::write(&out, table).unwrap_or_else(|e| panic!("writing {}: {e}", out.display()));
}
