//! The nRF9160 memory map as flashing sees it (probe-rs target `nRF9160_xxAA`, from
//! `nRF91_Series.yaml`): which addresses an image may write (flash, UICR) and which it may only
//! reserve (RAM, for `.bss`/`.data`/stack).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::ImageError;

/// Kinds of memory on the nRF9160.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionKind {
    /// Application flash: programmable.
    Flash,
    /// User information configuration registers: programmable, erased only by erase-all.
    Uicr,
    /// RAM: never written by a flash, only reserved by the image.
    Ram,
}

/// One region, `start..end` (end exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemoryRegion {
    /// What the region is.
    pub kind: RegionKind,
    /// The region's name in messages, e.g. `flash`.
    pub name: &'static str,
    /// The first address.
    pub start: u64,
    /// The address just past the region.
    pub end: u64,
}

impl MemoryRegion {
    /// Whether `address` lies in the region.
    pub fn contains(&self, address: u64) -> bool {
        (self.start..self.end).contains(&address)
    }

    /// Whether `address..address + len` lies entirely inside the region.
    pub fn contains_range(&self, address: u64, len: u64) -> bool {
        self.contains(address) && address.saturating_add(len) <= self.end
    }
}

/// 1 MiB application flash.
pub const FLASH: MemoryRegion = MemoryRegion {
    kind: RegionKind::Flash,
    name: "flash",
    start: 0x0000_0000,
    end: 0x0010_0000,
};

/// UICR, 4 KiB.
pub const UICR: MemoryRegion = MemoryRegion {
    kind: RegionKind::Uicr,
    name: "UICR",
    start: 0x00FF_8000,
    end: 0x00FF_9000,
};

/// 256 KiB RAM.
pub const RAM: MemoryRegion = MemoryRegion {
    kind: RegionKind::Ram,
    name: "RAM",
    start: 0x2000_0000,
    end: 0x2004_0000,
};

/// The regions in address order.
pub const NRF9160_MEMORY_MAP: [MemoryRegion; 3] = [FLASH, UICR, RAM];

/// Flash erase granularity (the `nrf91xx` algorithm's sector size).
pub const FLASH_SECTOR_SIZE: u64 = 4096;

/// The region containing `address`, if any.
pub fn region_of(address: u64) -> Option<&'static MemoryRegion> {
    NRF9160_MEMORY_MAP.iter().find(|r| r.contains(address))
}

/// Checks that `len` bytes written at `address` land in flash or UICR, the way the probe-rs
/// flash loader would; returns the region they land in.
pub(crate) fn check_programmable(
    path: &Path,
    address: u64,
    len: u64,
) -> Result<RegionKind, ImageError> {
    let end = address.saturating_add(len);
    match region_of(address) {
        Some(region) if region.kind != RegionKind::Ram => {
            if end > region.end {
                Err(ImageError::TooLarge {
                    path: path.to_path_buf(),
                    region: region.name,
                    address,
                    len,
                    end,
                    limit: region.end,
                })
            } else {
                Ok(region.kind)
            }
        }
        Some(_) => Err(ImageError::OutsideFlash {
            path: path.to_path_buf(),
            address,
            len,
            what: "that is RAM, which a flash cannot program (load-time data belongs in flash; \
                   check the section's load address, AT> in the linker script)"
                .into(),
        }),
        None => Err(ImageError::OutsideFlash {
            path: path.to_path_buf(),
            address,
            len,
            what: "no memory there on the nRF9160".into(),
        }),
    }
}

/// Checks that memory the image only reserves (ELF segment `p_vaddr..p_vaddr + p_memsz`)
/// exists: flash, UICR or RAM.
pub(crate) fn check_reserved(path: &Path, address: u64, len: u64) -> Result<(), ImageError> {
    let inside = NRF9160_MEMORY_MAP
        .iter()
        .any(|r| r.contains_range(address, len.max(1)));
    if inside || len == 0 {
        Ok(())
    } else {
        Err(ImageError::OutsideMemory {
            path: path.to_path_buf(),
            address,
            len,
        })
    }
}

/// Bytes the flash erases for data at `ranges` (whole 4 KiB sectors in flash; UICR as is).
pub(crate) fn erase_footprint(ranges: impl IntoIterator<Item = (u64, u64)>) -> u64 {
    let mut sectors = std::collections::BTreeSet::new();
    let mut uicr = 0;
    for (address, len) in ranges {
        if len == 0 {
            continue;
        }
        if FLASH.contains(address) {
            let first = address / FLASH_SECTOR_SIZE;
            let last = (address + len - 1) / FLASH_SECTOR_SIZE;
            sectors.extend(first..=last);
        } else {
            uicr += len;
        }
    }
    sectors.len() as u64 * FLASH_SECTOR_SIZE + uicr
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case(0x0, 0x10_0000, Some(RegionKind::Flash))]
    #[case(0xFF_8000, 0x1000, Some(RegionKind::Uicr))]
    #[case(0x2000_0000, 4, None)] // RAM is not programmable
    #[case(0x10_0000, 4, None)] // first byte past flash
    fn programmable(#[case] address: u64, #[case] len: u64, #[case] ok: Option<RegionKind>) {
        let got = check_programmable(Path::new("fw.elf"), address, len).ok();
        assert_eq!(got, ok);
    }

    #[test]
    fn too_large_names_the_overflow() {
        let e = check_programmable(Path::new("fw.elf"), 0xF_F000, 0x2000).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("image too large"), "{text}");
        assert!(
            text.contains("4096 bytes past the end of flash at 0x00100000"),
            "{text}"
        );
    }

    #[test]
    fn reserved_memory_may_be_ram() {
        assert!(check_reserved(Path::new("x"), 0x2000_0000, 0x4_0000).is_ok());
        assert!(check_reserved(Path::new("x"), 0x2000_0000, 0x4_0001).is_err());
        assert!(check_reserved(Path::new("x"), 0x3000_0000, 0).is_ok());
    }

    #[test]
    fn erase_footprint_rounds_to_sectors() {
        assert_eq!(erase_footprint([(0, 1), (10, 10)]), 4096);
        assert_eq!(erase_footprint([(4095, 2)]), 8192);
        assert_eq!(erase_footprint([(0xFF_8000, 4)]), 4);
    }
}
