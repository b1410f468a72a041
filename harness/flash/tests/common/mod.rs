//! Test fixtures: synthetic firmware images (ELF executables written with
//! `object::write::elf::Writer`, Intel HEX written with `ihex`) and a recording `SimTarget`.
#![allow(dead_code)] // each test binary uses a different part

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use object::Endianness;
use object::elf;
use object::write::elf::{FileHeader, ProgramHeader, SectionHeader, Sym, Writer};

/// One loadable segment holding one section.
#[derive(Clone, Debug)]
pub struct Seg {
    pub name: &'static str,
    pub vaddr: u64,
    pub paddr: u64,
    pub data: Vec<u8>,
    /// Extra bytes in memory beyond the file data (`.bss`-like tail).
    pub extra_mem: u64,
}

impl Seg {
    pub fn at(name: &'static str, address: u64, data: Vec<u8>) -> Self {
        Seg {
            name,
            vaddr: address,
            paddr: address,
            data,
            extra_mem: 0,
        }
    }
}

/// A synthetic ELF executable.
#[derive(Clone, Debug)]
pub struct ElfSpec {
    pub machine: u16,
    pub is_64: bool,
    pub entry: u64,
    pub segments: Vec<Seg>,
    /// `(segment index, offset in it)` of a `HIL_FW_ID` symbol of 64 bytes.
    pub fw_id_at: Option<(usize, usize)>,
}

/// The firmware id bytes as the firmware embeds them: ASCII, NUL-padded to 64 bytes.
pub fn fw_id_bytes(id: &str) -> Vec<u8> {
    let mut out = id.as_bytes().to_vec();
    out.resize(64, 0);
    out
}

/// Deterministic "code" bytes.
pub fn code(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

impl ElfSpec {
    /// A plausible nRF9160 firmware: vector table at 0 (initial SP, reset handler), `.text`,
    /// `.rodata` holding `HIL_FW_ID` (if `fw_id` is given), `.data` loaded from flash into RAM,
    /// `.bss` in RAM.
    pub fn firmware(fw_id: Option<&str>) -> Self {
        let mut vectors = 0x2004_0000u32.to_le_bytes().to_vec();
        vectors.extend_from_slice(&0x0000_0101u32.to_le_bytes());
        let mut rodata = b"some constant text\0\0".to_vec();
        let fw_id_offset = rodata.len();
        if let Some(id) = fw_id {
            rodata.extend_from_slice(&fw_id_bytes(id));
        }
        let text = code(0x300, 7);
        let rodata_at = 0x400;
        let data_lma = rodata_at + rodata.len() as u64;
        ElfSpec {
            machine: elf::EM_ARM,
            is_64: false,
            entry: 0x101,
            segments: vec![
                Seg::at(".vector_table", 0, vectors),
                Seg::at(".text", 0x100, text),
                Seg::at(".rodata", rodata_at, rodata),
                Seg {
                    name: ".data",
                    vaddr: 0x2000_0000,
                    paddr: data_lma,
                    data: code(16, 99),
                    extra_mem: 0x1000, // .bss after .data
                },
            ],
            fw_id_at: fw_id.map(|_| (2, fw_id_offset)),
        }
    }

    pub fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = Writer::new(Endianness::Little, self.is_64, &mut out);
        let align = if self.is_64 { 8 } else { 4 };

        // Layout: header, program headers, section data, symtab, strtab, shstrtab, section
        // headers; writes below follow the same order.
        w.reserve_file_header();
        w.reserve_program_headers(self.segments.len() as u32);
        w.reserve_null_section_index();
        let names: Vec<_> = self
            .segments
            .iter()
            .map(|s| w.add_section_name(s.name.as_bytes()))
            .collect();
        let indices: Vec<_> = self
            .segments
            .iter()
            .map(|_| w.reserve_section_index())
            .collect();
        let offsets: Vec<usize> = self
            .segments
            .iter()
            .map(|s| w.reserve(s.data.len(), align))
            .collect();
        let fw_sym_name = self.fw_id_at.map(|_| w.add_string(b"HIL_FW_ID"));
        w.reserve_null_symbol_index();
        if let Some((seg, _)) = self.fw_id_at {
            w.reserve_symbol_index(Some(indices[seg]));
        }
        w.reserve_symtab_section_index();
        w.reserve_symtab();
        w.reserve_strtab_section_index();
        w.reserve_strtab();
        w.reserve_shstrtab_section_index();
        w.reserve_shstrtab();
        w.reserve_section_headers();

        w.write_file_header(&FileHeader {
            os_abi: elf::ELFOSABI_NONE,
            abi_version: 0,
            e_type: elf::ET_EXEC,
            e_machine: self.machine,
            e_entry: self.entry,
            e_flags: if self.machine == elf::EM_ARM {
                elf::EF_ARM_EABI_VER5 | elf::EF_ARM_ABI_FLOAT_HARD
            } else {
                0
            },
        })
        .unwrap();
        w.write_align_program_headers();
        for (seg, &offset) in self.segments.iter().zip(&offsets) {
            let len = seg.data.len() as u64;
            w.write_program_header(&ProgramHeader {
                p_type: elf::PT_LOAD,
                p_flags: elf::PF_R | elf::PF_X,
                p_offset: offset as u64,
                p_vaddr: seg.vaddr,
                p_paddr: seg.paddr,
                p_filesz: len,
                p_memsz: len + seg.extra_mem,
                p_align: align as u64,
            });
        }
        for seg in &self.segments {
            w.write_align(align);
            w.write(&seg.data);
        }
        w.write_null_symbol();
        if let (Some((seg, offset)), Some(name)) = (self.fw_id_at, fw_sym_name) {
            w.write_symbol(&Sym {
                name: Some(name),
                section: Some(indices[seg]),
                st_info: (elf::STB_GLOBAL << 4) | elf::STT_OBJECT,
                st_other: elf::STV_DEFAULT,
                st_shndx: 0,
                st_value: self.segments[seg].vaddr + offset as u64,
                st_size: 64,
            });
        }
        w.write_strtab();
        w.write_shstrtab();
        w.write_null_section_header();
        for ((seg, &offset), name) in self.segments.iter().zip(&offsets).zip(&names) {
            w.write_section_header(&SectionHeader {
                name: Some(*name),
                sh_type: elf::SHT_PROGBITS,
                sh_flags: u64::from(elf::SHF_ALLOC | elf::SHF_EXECINSTR),
                sh_addr: seg.vaddr,
                sh_offset: offset as u64,
                sh_size: seg.data.len() as u64,
                sh_link: 0,
                sh_info: 0,
                sh_addralign: align as u64,
                sh_entsize: 0,
            });
        }
        w.write_symtab_section_header(1);
        w.write_strtab_section_header();
        w.write_shstrtab_section_header();
        out
    }
}

/// Intel HEX text for `(address, bytes)` chunks: 16-byte data records, an extended linear
/// address record whenever the upper 16 bits change, optional start address, end of file.
pub fn hex_text(chunks: &[(u32, &[u8])], start: Option<u32>) -> String {
    let mut records = Vec::new();
    let mut upper = None;
    for &(address, bytes) in chunks {
        for (i, piece) in bytes.chunks(16).enumerate() {
            let at = address + (i as u32) * 16;
            if upper != Some(at >> 16) {
                upper = Some(at >> 16);
                records.push(ihex::Record::ExtendedLinearAddress((at >> 16) as u16));
            }
            records.push(ihex::Record::Data {
                offset: at as u16,
                value: piece.to_vec(),
            });
        }
    }
    if let Some(start) = start {
        records.push(ihex::Record::StartLinearAddress(start));
    }
    records.push(ihex::Record::EndOfFile);
    ihex::create_object_file_representation(&records).unwrap()
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// A `SimTarget` that records what it was asked to do.
#[derive(Default)]
pub struct RecordingTarget {
    pub installed: Mutex<Vec<String>>,
    pub resets: Mutex<u32>,
    pub locked: bool,
    pub refuse: Option<String>,
}

impl hil_flash::SimTarget for RecordingTarget {
    fn install_image(&self, fw_id: &str) -> Result<(), hil_flash::TargetError> {
        if let Some(reason) = &self.refuse {
            return Err(reason.clone().into());
        }
        self.installed.lock().unwrap().push(fw_id.to_string());
        Ok(())
    }

    fn reset(&self) -> Result<(), hil_flash::TargetError> {
        *self.resets.lock().unwrap() += 1;
        Ok(())
    }

    fn approtect_locked(&self) -> bool {
        self.locked
    }
}
