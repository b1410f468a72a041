//! Firmware image validation: good ELF and HEX images are accepted with the right size, digest
//! and firmware id; bad ones are refused with a message naming the file and the problem.

mod common;

use common::{ElfSpec, Seg, code, hex_text, write};
use hil_flash::{FirmwareImage, ImageError, ImageFormat, RegionKind};
use object::elf;
use rstest::rstest;

fn load_elf(spec: &ElfSpec) -> Result<FirmwareImage, ImageError> {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "fw.elf", spec.build());
    FirmwareImage::load(path)
}

#[test]
fn firmware_elf_with_fw_id() {
    let spec = ElfSpec::firmware(Some("0.1.0+1a2b3c4"));
    let image = load_elf(&spec).unwrap();
    assert_eq!(image.format(), ImageFormat::Elf);
    assert_eq!(image.fw_id(), Some("0.1.0+1a2b3c4"));
    assert_eq!(image.install_id(), "0.1.0+1a2b3c4");
    assert_eq!(image.entry_point(), Some(0x101));
    let expected: usize = spec.segments.iter().map(|s| s.data.len()).sum();
    assert_eq!(image.loadable_bytes(), expected as u64);
    assert!(
        image
            .segments()
            .iter()
            .all(|s| s.region == RegionKind::Flash)
    );
    assert_eq!(image.sha256().len(), 64);
    assert!(!image.touches_uicr());
    assert_eq!(image.erase_footprint(), 4096);
}

#[test]
fn elf_without_fw_id_is_identified_by_digest() {
    let image = load_elf(&ElfSpec::firmware(None)).unwrap();
    assert_eq!(image.fw_id(), None);
    assert_eq!(
        image.install_id(),
        format!("sha256:{}", &image.sha256()[..16])
    );
}

#[test]
fn data_is_programmed_at_its_load_address_not_in_ram() {
    // `.data` runs at 0x2000_0000 but is stored in flash after `.rodata`.
    let spec = ElfSpec::firmware(Some("1.0.0+abc"));
    let image = load_elf(&spec).unwrap();
    assert!(image.segments().iter().all(|s| s.address < 0x10_0000));
}

#[test]
fn elf_and_hex_of_the_same_content_have_the_same_digest() {
    let spec = ElfSpec::firmware(Some("0.1.0+1a2b3c4"));
    let elf = load_elf(&spec).unwrap();
    let chunks: Vec<(u32, &[u8])> = spec
        .segments
        .iter()
        .map(|s| (s.paddr as u32, s.data.as_slice()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let hex =
        FirmwareImage::load(write(dir.path(), "fw.hex", hex_text(&chunks, Some(0x101)))).unwrap();
    assert_eq!(hex.format(), ImageFormat::Hex);
    assert_eq!(hex.sha256(), elf.sha256());
    assert_eq!(hex.loadable_bytes(), elf.loadable_bytes());
    assert_eq!(hex.fw_id(), None, "HEX images carry no symbol table");
    assert_eq!(hex.entry_point(), Some(0x101));
}

#[test]
fn hex_may_write_uicr() {
    let dir = tempfile::tempdir().unwrap();
    let app = code(64, 1);
    let uicr = [0xFFu8, 0xFF, 0xFF, 0x00];
    let text = hex_text(&[(0, &app), (0x00FF_8000, &uicr)], None);
    let image = FirmwareImage::load(write(dir.path(), "merged.hex", text)).unwrap();
    assert!(image.touches_uicr());
    assert_eq!(image.segments().len(), 2);
    assert_eq!(image.segments()[1].region, RegionKind::Uicr);
    assert_eq!(image.loadable_bytes(), 68);
}

#[test]
fn hex_with_crlf_and_blank_lines() {
    let dir = tempfile::tempdir().unwrap();
    let text = hex_text(&[(0x1000, &code(40, 3))], None).replace('\n', "\r\n\r\n");
    let image = FirmwareImage::load(write(dir.path(), "fw.hex", text)).unwrap();
    assert_eq!(image.loadable_bytes(), 40);
    assert_eq!(image.segments()[0].address, 0x1000);
}

/// Loads `bytes` as `name` and returns the error message, which must name the file.
fn refused(name: &str, bytes: impl AsRef<[u8]>) -> (ImageError, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), name, bytes);
    let err = FirmwareImage::load(&path).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&path.display().to_string()),
        "message must name the file: {text}"
    );
    assert_eq!(err.path(), path);
    (err, text)
}

#[test]
fn x86_64_elf_is_the_wrong_architecture() {
    let mut spec = ElfSpec::firmware(None);
    spec.machine = elf::EM_X86_64;
    spec.is_64 = true;
    let (err, text) = refused("host-binary", spec.build());
    assert!(
        matches!(err, ImageError::WrongArchitecture { .. }),
        "{err:?}"
    );
    assert!(text.contains("x86-64 (64-bit ELF)"), "{text}");
    assert!(text.contains("thumbv8m.main-none-eabihf"), "{text}");
}

#[test]
fn riscv32_elf_is_the_wrong_architecture() {
    let mut spec = ElfSpec::firmware(None);
    spec.machine = elf::EM_RISCV;
    let (err, text) = refused("fw.elf", spec.build());
    assert!(
        matches!(err, ImageError::WrongArchitecture { .. }),
        "{err:?}"
    );
    assert!(text.contains("RISC-V (32-bit ELF)"), "{text}");
}

#[test]
fn image_too_large_for_flash() {
    let mut spec = ElfSpec::firmware(None);
    spec.segments
        .push(Seg::at(".big", 0xF_0000, vec![0xAB; 0x2_0000]));
    let (err, text) = refused("fw.elf", spec.build());
    assert!(matches!(err, ImageError::TooLarge { .. }), "{err:?}");
    assert!(text.contains("image too large"), "{text}");
    assert!(text.contains("at 0x000f0000"), "{text}");
    assert!(
        text.contains("65536 bytes past the end of flash at 0x00100000"),
        "{text}"
    );
}

#[test]
fn data_loaded_into_ram_is_refused() {
    let mut spec = ElfSpec::firmware(None);
    spec.segments[3].paddr = 0x2000_0000; // .data without a flash load address
    let (err, text) = refused("fw.elf", spec.build());
    assert!(
        matches!(
            err,
            ImageError::OutsideFlash {
                address: 0x2000_0000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(text.contains("RAM"), "{text}");
}

#[test]
fn data_at_an_unmapped_address_is_refused() {
    let mut spec = ElfSpec::firmware(None);
    spec.segments
        .push(Seg::at(".far", 0x0800_0000, vec![1; 16]));
    let (err, text) = refused("fw.elf", spec.build());
    assert!(
        matches!(
            err,
            ImageError::OutsideFlash {
                address: 0x0800_0000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(text.contains("outside the nRF9160 flash"), "{text}");
}

#[test]
fn ram_overflow_is_refused() {
    let mut spec = ElfSpec::firmware(None);
    spec.segments[3].extra_mem = 0x5_0000; // .bss larger than the 256 KiB RAM
    let (err, _) = refused("fw.elf", spec.build());
    assert!(
        matches!(
            err,
            ImageError::OutsideMemory {
                address: 0x2000_0000,
                ..
            }
        ),
        "{err:?}"
    );
}

#[rstest]
#[case::in_ram(0x2000_0101, "outside flash")]
#[case::past_flash(0x10_0001, "outside flash")]
#[case::no_thumb_bit(0x100, "Thumb bit")]
fn bad_entry_points(#[case] entry: u64, #[case] says: &str) {
    let mut spec = ElfSpec::firmware(None);
    spec.entry = entry;
    let (err, text) = refused("fw.elf", spec.build());
    assert!(
        matches!(
            err,
            ImageError::EntryOutsideFlash { .. } | ImageError::EntryNotThumb { .. }
        ),
        "{err:?}"
    );
    assert!(text.contains(says), "{text}");
    assert!(text.contains(&format!("{entry:#010x}")), "{text}");
}

#[rstest]
#[case::text("notes.txt", b"hello, this is not firmware\n".to_vec(), "starts with bytes 68 65 6c 6c")]
#[case::empty("empty.bin", Vec::new(), "the file is empty")]
#[case::raw_binary("fw.bin", vec![0x00, 0x00, 0x04, 0x20, 0x01, 0x01, 0x00, 0x00], "starts with bytes 00 00 04 20")]
fn not_an_image(#[case] name: &str, #[case] bytes: Vec<u8>, #[case] says: &str) {
    let (err, text) = refused(name, bytes);
    assert!(matches!(err, ImageError::NotAnImage { .. }), "{err:?}");
    assert!(text.contains(says), "{text}");
    assert!(
        text.contains("ARM ELF executable or an Intel HEX file"),
        "{text}"
    );
}

#[test]
fn truncated_elf_is_malformed() {
    let bytes = ElfSpec::firmware(None).build();
    let (err, _) = refused("fw.elf", &bytes[..40]);
    assert!(matches!(err, ImageError::MalformedElf { .. }), "{err:?}");
}

#[test]
fn elf_without_loadable_data() {
    let mut spec = ElfSpec::firmware(None);
    spec.segments.truncate(1);
    spec.segments[0].data.clear();
    let (err, text) = refused("fw.o", spec.build());
    assert!(matches!(err, ImageError::NoLoadableData { .. }), "{err:?}");
    assert!(text.contains("linked executable"), "{text}");
}

#[test]
fn bad_hex_checksum_names_the_line() {
    let good = hex_text(&[(0, &code(32, 5))], None);
    let mut lines: Vec<String> = good.lines().map(str::to_string).collect();
    let last = lines[2].len() - 1;
    let flipped = if lines[2].ends_with('0') { "1" } else { "0" };
    lines[2].replace_range(last.., flipped);
    let (err, text) = refused("fw.hex", lines.join("\n"));
    assert!(
        matches!(err, ImageError::MalformedHex { line: 3, .. }),
        "{err:?}"
    );
    assert!(text.contains("fw.hex:3: bad Intel HEX"), "{text}");
}

#[test]
fn hex_without_end_of_file_is_truncated() {
    let good = hex_text(&[(0, &code(32, 5))], None);
    let cut: Vec<&str> = good.lines().take(2).collect();
    let (err, text) = refused("fw.hex", cut.join("\n"));
    assert!(matches!(err, ImageError::MalformedHex { .. }), "{err:?}");
    assert!(text.contains("truncated"), "{text}");
}

#[test]
fn hex_outside_flash() {
    let text = hex_text(&[(0x2000_0000, &code(16, 1))], None);
    let (err, _) = refused("fw.hex", text);
    assert!(
        matches!(
            err,
            ImageError::OutsideFlash {
                address: 0x2000_0000,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn hex_too_large() {
    let text = hex_text(&[(0xF_FFF0, &code(32, 1))], None);
    let (err, text) = refused("fw.hex", text);
    assert!(matches!(err, ImageError::TooLarge { .. }), "{err:?}");
    assert!(text.contains("16 bytes past the end of flash"), "{text}");
}

#[test]
fn hex_overlapping_records() {
    let text = hex_text(&[(0x0, &code(32, 1)), (0x10, &code(16, 2))], None);
    let (err, _) = refused("fw.hex", text);
    assert!(
        matches!(err, ImageError::Overlap { address: 0x10, .. }),
        "{err:?}"
    );
}

#[test]
fn garbled_fw_id_is_refused() {
    let mut spec = ElfSpec::firmware(Some("0.1.0+abc"));
    let (seg, offset) = spec.fw_id_at.unwrap();
    spec.segments[seg].data[offset + 3] = b' ';
    let (err, text) = refused("fw.elf", spec.build());
    assert!(matches!(err, ImageError::BadFirmwareId { .. }), "{err:?}");
    assert!(text.contains("HIL_FW_ID"), "{text}");
}

#[test]
fn missing_file_is_an_io_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.elf");
    let err = FirmwareImage::load(&path).unwrap_err();
    assert!(matches!(err, ImageError::Io { .. }), "{err:?}");
    assert!(err.to_string().contains("nope.elf"), "{err}");
}
