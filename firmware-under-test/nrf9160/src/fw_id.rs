//! Firmware identity: `<crate version>+<build id>`, where the build id comes from the
//! `FUT_BUILD_ID` environment variable at build time (default `dev`).
//!
//! The id is also exported as the ELF symbol `HIL_FW_ID` (ASCII, NUL-padded) so the harness can
//! read an image's id from its symbol table without running it.

use at_console::response::{FW_ID_LEN, encode_fw_id, fw_id_str};

const BUILD_ID: &str = match option_env!("FUT_BUILD_ID") {
    Some(id) => id,
    None => "",
};

/// The firmware id, NUL-padded. An invalid or over-long `FUT_BUILD_ID` fails the build.
#[unsafe(no_mangle)]
#[used]
pub static HIL_FW_ID: [u8; FW_ID_LEN] = encode_fw_id(env!("CARGO_PKG_VERSION"), BUILD_ID);

/// The firmware id as text. Read through the symbol (not a constant copy) so the linker keeps it.
pub fn fw_id() -> &'static str {
    fw_id_str(core::hint::black_box(&HIL_FW_ID))
}
