// kernel/lib/elf.h: the ELF64 structures the kernel reads (System V gABI,
// "ELF-64 Object File Format" 1.5).  Used for the kernel's own symbol table
// (lab 1) and for loading user programs (lab 3).
#pragma once

#include <cstdint>

namespace elf {

// A section header.
struct SectionHeader {
    uint32_t name;        // offset of the section's name in the section-name string table
    uint32_t type;        // kSectionSymtab, kSectionStrtab, ...
    uint64_t flags;
    uint64_t addr;        // where the section is in memory (GRUB: physical, for non-ALLOC sections)
    uint64_t offset;
    uint64_t size;
    uint32_t link;        // for a symbol table: index of its string table
    uint32_t info;
    uint64_t addralign;
    uint64_t entsize;
};
static_assert(sizeof(SectionHeader) == 64);

// A symbol table entry.
struct Symbol {
    uint32_t name;        // offset of the name in the linked string table
    uint8_t info;         // type (low 4 bits) and binding (high 4 bits)
    uint8_t other;
    uint16_t shndx;
    uint64_t value;       // for a function: its address
    uint64_t size;        // for a function: its length in bytes

    uint8_t type() const { return info & 0xF; }
};
static_assert(sizeof(Symbol) == 24);

// The file header.
struct Header {
    uint8_t ident[16];    // "\x7fELF", class, data, version, ...
    uint16_t type;        // kTypeExecutable
    uint16_t machine;     // kMachineX86_64
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;       // program header table: file offset
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;   // sizeof(ProgramHeader)
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};
static_assert(sizeof(Header) == 64);

// A program header: one segment to load.
struct ProgramHeader {
    uint32_t type;        // kSegmentLoad, ...
    uint32_t flags;       // kSegmentExecute | kSegmentWrite | kSegmentRead
    uint64_t offset;      // where the segment's bytes start in the file
    uint64_t vaddr;       // where they go in memory
    uint64_t paddr;
    uint64_t filesz;      // bytes from the file; the rest up to memsz is zero (bss)
    uint64_t memsz;
    uint64_t align;
};
static_assert(sizeof(ProgramHeader) == 56);

inline constexpr uint8_t kClass64 = 2;
inline constexpr uint8_t kDataLittleEndian = 1;
inline constexpr uint16_t kTypeExecutable = 2;
inline constexpr uint16_t kMachineX86_64 = 62;
inline constexpr uint32_t kSegmentLoad = 1;
inline constexpr uint32_t kSegmentExecute = 1;
inline constexpr uint32_t kSegmentWrite = 2;

inline constexpr uint32_t kSectionSymtab = 2;
inline constexpr uint32_t kSectionStrtab = 3;
inline constexpr uint8_t kSymbolFunction = 2;

}  // namespace elf
