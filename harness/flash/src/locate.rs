//! Finding the firmware image to flash, and deciding whether flashing is needed at all.
//!
//! Search order ([`locate_image_from`], firmware.md §5.2):
//! 1. the explicit path (`--firmware`);
//! 2. the `FUT_ELF` environment variable (lab machines flashing a prebuilt artifact);
//! 3. the rack file's firmware path;
//! 4. the CI build output [`CI_BUILD_OUTPUT`], relative to the workspace root.
//!
//! A path named by someone (1–3) must exist: a typo there is an error, not a silent fallback.
//! Only the CI build output is optional; when nothing is found the answer is `None` and the
//! runner skips flashing, giving [`no_image_reason`] as the reason.
//!
//! [`should_flash`] skips flashing only when the board provably runs this exact image; see
//! [`flash_decision`] for the rule.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::LocateError;

/// Environment variable naming a prebuilt firmware image.
pub const FUT_ELF_ENV: &str = "FUT_ELF";

/// Where the CI firmware build leaves the ELF, relative to the workspace root.
pub const CI_BUILD_OUTPUT: &str =
    "firmware-under-test/nrf9160/target/thumbv8m.main-none-eabihf/release/nrf9160-at-console";

/// Build id of firmware built without one (at-console `response::DEV_BUILD_ID`).
pub const DEV_BUILD_ID: &str = "dev";

/// Where an image path came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImageSource {
    /// `--firmware` / the caller's explicit path.
    Explicit,
    /// The `FUT_ELF` environment variable.
    Env,
    /// The rack file's firmware path.
    RackFile,
    /// The CI build output under the workspace root.
    CiBuild,
}

impl fmt::Display for ImageSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ImageSource::Explicit => "given with --firmware",
            ImageSource::Env => "from the FUT_ELF environment variable",
            ImageSource::RackFile => "from the rack file's firmware path",
            ImageSource::CiBuild => "the CI firmware build output",
        })
    }
}

/// An image path and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocatedImage {
    /// The image file.
    pub path: PathBuf,
    /// Where the path came from.
    pub source: ImageSource,
}

/// The image to flash: `explicit` (`--firmware`), then `fut_elf` (the value of the `FUT_ELF`
/// environment variable, read by the caller; an empty value counts as unset), then the rack
/// file's path, then the CI build output under `workspace_root` — with the source of the
/// answer. `Ok(None)` when none applies; an error when a path named by the caller, `FUT_ELF`
/// or the rack file does not exist.
///
/// `rack_firmware` should already be resolved against the rack file's directory; relative
/// paths (like the explicit one and `FUT_ELF`) are taken relative to the current directory.
pub fn locate_image_from(
    explicit: Option<&Path>,
    fut_elf: Option<&Path>,
    rack_firmware: Option<&Path>,
    workspace_root: &Path,
) -> Result<Option<LocatedImage>, LocateError> {
    let named = [
        (explicit, ImageSource::Explicit),
        (fut_elf, ImageSource::Env),
        (rack_firmware, ImageSource::RackFile),
    ];
    for (path, source) in named {
        let Some(path) = path.filter(|p| !p.as_os_str().is_empty()) else {
            continue;
        };
        return match std::fs::metadata(path) {
            Ok(meta) if meta.is_file() => Ok(Some(LocatedImage {
                path: path.to_path_buf(),
                source,
            })),
            Ok(_) => Err(LocateError::NotAFile {
                origin: source,
                path: path.to_path_buf(),
            }),
            Err(_) => Err(LocateError::Missing {
                origin: source,
                path: path.to_path_buf(),
            }),
        };
    }
    let built = workspace_root.join(CI_BUILD_OUTPUT);
    Ok(built.is_file().then_some(LocatedImage {
        path: built,
        source: ImageSource::CiBuild,
    }))
}

/// Why no image was found, for the runner's "flashing skipped" line.
pub fn no_image_reason(workspace_root: &Path) -> String {
    format!(
        "no firmware image: no --firmware, {FUT_ELF_ENV} not set, no firmware path in the rack \
         file, and no CI build at {}",
        workspace_root.join(CI_BUILD_OUTPUT).display()
    )
}

/// Whether to flash, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", content = "reason", rename_all = "snake_case")]
pub enum FlashDecision {
    /// Flash, for this reason.
    Flash(String),
    /// Do not flash, for this reason.
    Skip(String),
}

impl FlashDecision {
    /// Whether the image is to be flashed.
    pub fn should_flash(&self) -> bool {
        matches!(self, FlashDecision::Flash(_))
    }

    /// Why it is (or is not) flashed.
    pub fn reason(&self) -> &str {
        match self {
            FlashDecision::Flash(reason) | FlashDecision::Skip(reason) => reason,
        }
    }
}

/// `true` unless the board already runs exactly this image; see [`flash_decision`].
pub fn should_flash(image_fw_id: Option<&str>, board_reported_fw_id: Option<&str>) -> bool {
    flash_decision(image_fw_id, board_reported_fw_id).should_flash()
}

/// Skip flashing only when both ids are known, identify one build exactly, and are equal.
///
/// `image_fw_id` is the image's [`install_id`](crate::FirmwareImage::install_id) (or its
/// `fw_id`); `board_reported_fw_id` is what the DUT answered to `AT#XFWVER` (`None` if it did
/// not answer, e.g. blank or foreign firmware).
///
/// An id identifies a build exactly when it is
/// - `<version>+<build id>` with a non-empty version and a build id that is not a development
///   build: not `dev` (what the firmware uses when built without a build id), not `dev-…` or
///   `dev.…`, and not ending in `-dirty` (uncommitted changes); such ids are shared by
///   different code, so equal ids prove nothing; or
/// - `sha256:<hex>`, a content digest (images without an embedded id).
///
/// Anything else (missing, malformed, dev) means flash: flashing the same image again costs
/// seconds, running the wrong one costs a misleading test run.
pub fn flash_decision(
    image_fw_id: Option<&str>,
    board_reported_fw_id: Option<&str>,
) -> FlashDecision {
    let Some(image) = image_fw_id.map(str::trim) else {
        return FlashDecision::Flash("the image carries no firmware id".into());
    };
    let Some(board) = board_reported_fw_id.map(str::trim) else {
        return FlashDecision::Flash("the board did not report a firmware id".into());
    };
    for (who, id) in [("image", image), ("board", board)] {
        if let Err(why) = exact_build(id) {
            return FlashDecision::Flash(format!("the {who}'s firmware id `{id}` {why}"));
        }
    }
    if image == board {
        FlashDecision::Skip(format!("the board already runs `{board}`"))
    } else {
        FlashDecision::Flash(format!("the board runs `{board}`, the image is `{image}`"))
    }
}

/// `Ok` when `id` names exactly one build.
fn exact_build(id: &str) -> Result<(), &'static str> {
    if let Some(hex) = id.strip_prefix("sha256:") {
        return if !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(())
        } else {
            Err("is not a valid content digest")
        };
    }
    let Some((version, build)) = id.split_once('+') else {
        return Err("has no build id (`<version>+<build id>`)");
    };
    if version.is_empty() || build.is_empty() {
        return Err("has an empty version or build id");
    }
    let dev = build == DEV_BUILD_ID
        || build.starts_with("dev-")
        || build.starts_with("dev.")
        || build.ends_with("-dirty");
    if dev {
        Err("is a development build")
    } else {
        Ok(())
    }
}
