// kernel/debug/symbols.h: the kernel's own function names, for backtraces.
//
// GRUB loads every section of the kernel ELF, including the symbol table
// (.symtab) and its strings (.strtab), and hands us the section headers in
// the multiboot2 ELF-sections tag.  So the kernel can name its functions
// without any build-time symbol file.
#pragma once

#include <cstddef>
#include <cstdint>

#include "boot/multiboot2.h"

namespace symbols {

// Finds .symtab and .strtab among the kernel's section headers in `info`.
// Without them (a stripped kernel), lookups find nothing.
void init(const multiboot::BootInfo& info);

// A function that contains an address.
struct Location {
    const char* name;   // the symbol's (mangled) name
    uint64_t offset;    // address - start of the function
};

// Finds the function whose [start, start + size) contains `address`.
// Returns false if none does.
bool lookup(uint64_t address, Location* out);

// Writes the readable form of a C++ symbol name into buf (always terminated):
// "_ZN7monitor3runEv" -> "monitor::run", "_Z8panic_atPKciS0_z" -> "panic_at".
// Names that are not mangled (kmain, extern "C"), or not understood, are
// copied as they are.
void demangle(const char* name, char* buf, size_t size);

}  // namespace symbols
