//! `hil flash` on the simulated rack: a progress line per phase with its throughput, a result
//! table, and a clear error for an image that is not there.

mod common;

use std::path::Path;

use common::{hil, output, text};

/// Intel HEX text for `data` at `address` (16-byte data records, end-of-file record).
fn hex(address: u16, data: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in data.chunks(16).enumerate() {
        let at = address + (i as u16) * 16;
        let mut record = vec![chunk.len() as u8, (at >> 8) as u8, at as u8, 0x00];
        record.extend_from_slice(chunk);
        let sum = record.iter().fold(0u8, |s, b| s.wrapping_add(*b));
        record.push(sum.wrapping_neg());
        out.push(':');
        for b in record {
            out.push_str(&format!("{b:02X}"));
        }
        out.push('\n');
    }
    out.push_str(":00000001FF\n");
    out
}

fn image(dir: &Path) -> std::path::PathBuf {
    let data: Vec<u8> = (0..4096u32).map(|i| (i * 7 + 3) as u8).collect();
    let path = dir.join("fw.hex");
    std::fs::write(&path, hex(0, &data)).unwrap();
    path
}

#[test]
fn flashes_the_selected_board_with_throughput_per_phase() {
    let dir = tempfile::tempdir().unwrap();
    let fw = image(dir.path());
    let mut cmd = hil();
    cmd.args(["flash", "--dut", "sim-1.3.6", "--firmware"])
        .arg(&fw);
    let out = output(cmd, 120);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    for phase in ["erase", "program", "verify"] {
        let done = stderr
            .lines()
            .find(|l| l.starts_with(&format!("sim-1.3.6: {phase}: done")))
            .unwrap_or_else(|| panic!("no {phase} line in:\n{stderr}"));
        assert!(done.contains("B/s"), "{done}");
    }
    assert!(
        stdout.contains("sim-1.3.6") && stdout.contains("flashed"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("sim-1.3.1"),
        "only the selected board: {stdout}"
    );
}

#[test]
fn a_missing_image_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let fw = dir.path().join("nope.elf");
    let mut cmd = hil();
    cmd.args(["flash", "--firmware"]).arg(&fw);
    let out = output(cmd, 60);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nope.elf"), "{stderr}");
}
