// kernel/boot/multiboot2.h: what the boot loader told us, parsed once at boot.
//
// The multiboot2 boot information (spec §3.6) is a list of 8-byte-aligned tags:
//
//   +0  u32 total_size   +4 u32 reserved
//   +8  tag: u32 type, u32 size, payload ...   (padded to a multiple of 8)
//       tag ...
//       tag type 0 (end), size 8
//
// parse() gathers what the kernel needs into a BootInfo: the memory map
// copied, the command line, section headers and module strings as pointers
// into GRUB's boot information (so lab 2 keeps that range reserved, and
// BootInfo records it).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lib/elf.h"

namespace multiboot {

inline constexpr uint32_t kBootMagic = 0x36D76289;

// Memory-map region types (multiboot2 §3.6.8, the same as BIOS e820).
enum class RegionType : uint32_t {
    Available = 1,
    Reserved = 2,
    AcpiReclaimable = 3,
    AcpiNvs = 4,
    BadRam = 5,
};

struct MemoryRegion {
    uint64_t base;
    uint64_t length;
    RegionType type;
};

struct Module {
    uint64_t start;       // physical, first byte
    uint64_t end;         // physical, one past the last byte
    const char* cmdline;  // the text after the module's path in grub.cfg
};

inline constexpr size_t kMaxRegions = 64;
inline constexpr size_t kMaxModules = 256;  // lab 3 on puts every user program on the ISO as a module

struct BootInfo {
    const char* cmdline = "";
    MemoryRegion regions[kMaxRegions];
    size_t region_count = 0;
    Module modules[kMaxModules];
    size_t module_count = 0;
    const elf::SectionHeader* sections = nullptr;  // the kernel's own ELF section headers
    size_t section_count = 0;
    uint64_t info_start = 0;  // physical range of the boot information
    uint64_t info_end = 0;
};

// Parses the boot information at physical address `info_phys`, handed over
// with `magic` in EAX.  Panics with a clear message if the magic is wrong or
// the information is malformed: that is a boot-loader bug, not user input.
const BootInfo& parse(uint32_t magic, uint64_t info_phys);

// The name of a region type, e.g. "available".
const char* region_type_name(RegionType type);

// Totals of the memory map, as printed at boot and by the monitor's `mmap`.
struct MemorySummary {
    uint64_t usable_bytes = 0;   // sum of the lengths of the Available regions
    size_t usable_regions = 0;   // how many Available regions there are
    uint64_t top_usable = 0;     // one past the highest Available byte
};

// Sums up the Available regions of `info`'s memory map (no other type
// counts: ACPI-reclaimable memory still holds the ACPI tables).  An
// Available region of length 0 is no region.  The map need not be sorted:
// top_usable is the highest end of any Available region, wherever it is
// listed, and 0 when there is none.  Lab 2 sizes its frame table from it.
MemorySummary summarize_memory(const BootInfo& info);

// Prints every region and the summary line:
//   "memory: <KiB> KiB usable in <n> regions (<MiB> MiB)", MiB rounded up.
void print_memory_map(const BootInfo& info);

}  // namespace multiboot
