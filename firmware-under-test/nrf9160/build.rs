//! Picks the linker memory map for the selected security variant and puts it where
//! cortex-m-rt's `link.x` looks for `memory.x`.
use std::{env, fs, path::PathBuf};

fn main() {
    let secure = env::var_os("CARGO_FEATURE_SECURE").is_some();
    let non_secure = env::var_os("CARGO_FEATURE_NON_SECURE").is_some();
    let source = match (secure, non_secure) {
        (true, false) => "memory-secure.x",
        (false, true) => "memory-non-secure.x",
        _ => panic!("enable exactly one of the features `secure` (default) and `non-secure`"),
    };
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy(source, out.join("memory.x")).expect("copy the memory map to OUT_DIR");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory-secure.x");
    println!("cargo:rerun-if-changed=memory-non-secure.x");
    println!("cargo:rerun-if-changed=build.rs");
}
