//! ELF images: checks that the file is a 32-bit little-endian ARM executable, extracts the
//! data probe-rs would program, checks the entry point and reads the `HIL_FW_ID` symbol.
//!
//! What counts as programmed data follows probe-rs's ELF loader: every `PT_LOAD` segment with
//! file data that contains at least one section, written at its physical (load) address
//! `p_paddr`. The segment's run-time range `p_vaddr..p_vaddr + p_memsz` (which covers `.bss`
//! and `.data` in RAM) only has to exist on the chip.

use std::borrow::Cow;
use std::path::Path;

use object::elf::{EM_386, EM_AARCH64, EM_ARM, EM_RISCV, EM_X86_64, EM_XTENSA, PT_LOAD};
use object::read::elf::{ElfFile32, FileHeader, ProgramHeader};
use object::{Endianness, FileKind, Object, ObjectSection, ObjectSymbol};

use super::memory_map::FLASH;
use super::{FW_ID_LEN, FW_ID_SYMBOL, Parsed, decode_fw_id};
use crate::error::ImageError;

pub(super) fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Parsed<'a>, ImageError> {
    let malformed = |e: object::Error| ImageError::MalformedElf {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    match FileKind::parse(bytes).map_err(malformed)? {
        FileKind::Elf32 => {}
        FileKind::Elf64 => {
            let header =
                object::elf::FileHeader64::<Endianness>::parse(bytes).map_err(malformed)?;
            let machine = header.e_machine(header.endian().map_err(malformed)?);
            return Err(ImageError::WrongArchitecture {
                path: path.to_path_buf(),
                found: format!("{} (64-bit ELF)", machine_name(machine)),
            });
        }
        other => {
            return Err(ImageError::MalformedElf {
                path: path.to_path_buf(),
                detail: format!("ELF magic but unrecognised file kind {other:?}"),
            });
        }
    }

    let file = ElfFile32::<Endianness>::parse(bytes).map_err(malformed)?;
    let endian = file.endian();
    let machine = file.elf_header().e_machine(endian);
    if machine != EM_ARM {
        return Err(ImageError::WrongArchitecture {
            path: path.to_path_buf(),
            found: format!("{} (32-bit ELF)", machine_name(machine)),
        });
    }
    if !file.is_little_endian() {
        return Err(ImageError::WrongArchitecture {
            path: path.to_path_buf(),
            found: "big-endian ARM".into(),
        });
    }

    let mut parsed = loadable_data(path, &file, bytes)?;
    let entry = file.entry();
    check_entry(path, entry)?;
    parsed.entry_point = Some(entry);
    parsed.fw_id = read_fw_id(path, &file)?;
    Ok(parsed)
}

/// The `PT_LOAD` data probe-rs would program, and every loaded segment's run-time range.
fn loadable_data<'a>(
    path: &Path,
    file: &ElfFile32<'a, Endianness>,
    bytes: &'a [u8],
) -> Result<Parsed<'a>, ImageError> {
    let endian = file.endian();
    let section_ranges: Vec<(u64, u64)> = file.sections().filter_map(|s| s.file_range()).collect();

    let mut chunks = Vec::new();
    let mut reserved = Vec::new();
    for segment in file.elf_program_headers() {
        if segment.p_type(endian) != PT_LOAD {
            continue;
        }
        let vaddr = u64::from(segment.p_vaddr(endian));
        let memsz = u64::from(segment.p_memsz(endian));
        reserved.push((vaddr, memsz));

        let data = segment
            .data(endian, bytes)
            .map_err(|_| ImageError::MalformedElf {
                path: path.to_path_buf(),
                detail: format!("segment at {vaddr:#010x} points past the end of the file"),
            })?;
        if data.is_empty() {
            continue; // .bss-like: reserved, not programmed
        }
        let (offset, filesz) = segment.file_range(endian);
        let holds_a_section = section_ranges
            .iter()
            .any(|&(s_off, s_len)| s_off >= offset && s_off + s_len <= offset + filesz);
        if !holds_a_section {
            continue; // probe-rs skips segments without sections too
        }
        let paddr = u64::from(segment.p_paddr(endian));
        chunks.push((paddr, Cow::Borrowed(data)));
    }
    Ok(Parsed {
        chunks,
        reserved,
        entry_point: None,
        fw_id: None,
    })
}

fn check_entry(path: &Path, entry: u64) -> Result<(), ImageError> {
    if !FLASH.contains(entry & !1) {
        return Err(ImageError::EntryOutsideFlash {
            path: path.to_path_buf(),
            entry,
        });
    }
    if entry & 1 == 0 {
        return Err(ImageError::EntryNotThumb {
            path: path.to_path_buf(),
            entry,
        });
    }
    Ok(())
}

/// The bytes of the `HIL_FW_ID` symbol, decoded; `None` when the symbol is absent.
fn read_fw_id(path: &Path, file: &ElfFile32<'_, Endianness>) -> Result<Option<String>, ImageError> {
    let Some(symbol) = file
        .symbols()
        .find(|s| s.name() == Ok(FW_ID_SYMBOL) && s.is_definition())
    else {
        return Ok(None);
    };
    let bad = |detail: String| ImageError::BadFirmwareId {
        path: path.to_path_buf(),
        detail,
    };
    let section = symbol
        .section_index()
        .and_then(|index| file.section_by_index(index).ok())
        .ok_or_else(|| bad("the symbol is not defined in a section".into()))?;
    let data = section
        .data()
        .map_err(|e| bad(format!("cannot read its section: {e}")))?;
    let size = match symbol.size() {
        0 => FW_ID_LEN as u64,
        n => n,
    };
    let start = symbol.address().checked_sub(section.address());
    let bytes = start
        .and_then(|start| {
            let start = usize::try_from(start).ok()?;
            let end = start.checked_add(usize::try_from(size).ok()?)?;
            data.get(start..end)
        })
        .ok_or_else(|| {
            bad(format!(
                "its {size} bytes at {:#010x} are not in the file (is it in .bss?)",
                symbol.address()
            ))
        })?;
    decode_fw_id(bytes).map(Some).map_err(bad)
}

fn machine_name(machine: u16) -> String {
    match machine {
        EM_X86_64 => "x86-64".into(),
        EM_386 => "x86".into(),
        EM_AARCH64 => "AArch64".into(),
        EM_ARM => "ARM".into(),
        EM_RISCV => "RISC-V".into(),
        EM_XTENSA => "Xtensa".into(),
        other => format!("machine type {other} (e_machine)"),
    }
}
