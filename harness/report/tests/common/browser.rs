//! Headless Chromium screenshots of a report page, for the tests that check what a reader sees.

use std::path::Path;
use std::process::Command;

/// A PNG of the top `window` (width, height) of the page at `html`; `None` when no Chromium
/// runs here, which fails the test when `HIL_REQUIRE_CHROMIUM=1` (CI).
pub fn screenshot(html: &Path, window: (u32, u32)) -> Option<Vec<u8>> {
    let png = html.with_extension("png");
    let _ = std::fs::remove_file(&png);
    for browser in ["chromium", "chromium-browser", "google-chrome"] {
        let run = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .arg(format!("--screenshot={}", png.display()))
            .arg(format!("--window-size={},{}", window.0, window.1))
            .arg(format!("file://{}", html.display()))
            .output();
        if let Ok(out) = run {
            let bytes = std::fs::read(&png).unwrap_or_else(|e| {
                panic!(
                    "{browser} wrote no screenshot ({e}): {}",
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            return Some(bytes);
        }
    }
    assert!(
        std::env::var("HIL_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
        "Chromium required (HIL_REQUIRE_CHROMIUM=1) but not runnable"
    );
    None
}
