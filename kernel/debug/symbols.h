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

// An ELF symbol table and the string table its names point into.
struct Table {
    const elf::Symbol* symbols;
    size_t count;
    const char* strings;
    size_t strings_size;
};

// Finds the function symbol (type elf::kSymbolFunction) of `table` whose
// [value, value + size) holds `address`, and stores its name ("" when the
// name offset lies outside the string table) and address - value in *out.
// If several functions hold it (aliases), the first in the table wins.
// Returns false, leaving *out alone, if no function holds it.  Symbols of
// other types (sections, files, data objects) never match, nor does a
// function of size 0.  The table is not sorted, and a function may end at
// the very top of the address space, where value + size wraps to 0.
bool lookup_in(const Table& table, uint64_t address, Location* out);

// lookup_in() on the kernel's own symbol table (none before init()).
bool lookup(uint64_t address, Location* out);

// Writes the readable form of a C++ symbol name into buf (always terminated):
// "_ZN7monitor3runEv" -> "monitor::run", "_Z8panic_atPKciS0_z" -> "panic_at".
// Names that are not mangled (kmain, extern "C"), or not understood, are
// copied as they are.
void demangle(const char* name, char* buf, size_t size);

}  // namespace symbols
