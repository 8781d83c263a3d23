// exolab: lab 2
// kernel/arch/x86_64/mmu.h: the x86-64 MMU as the kernel drives it: the
// page-table entry format (Intel SDM vol. 3A §4.5), CR3 and the TLB, and
// the paging controls in EFER and CR0.  mm/paging.h builds the page-table
// operations on top of it.
//
// An entry (PTE) holds a frame's physical address and its rights:
//
//   63  62..52  51..12            11..9  8  7  6  5  4   3   2   1   0
//  +--+-------+-----------------+-----+--+--+--+--+---+---+---+---+---+
//  |NX|  --   | frame address   | AVL |G |PS|D |A |PCD|PWT|U/S|R/W| P |
//  +--+-------+-----------------+-----+--+--+--+--+---+---+---+---+---+
//
// exolab uses two of the AVL bits: COW (9) and SHARE (10) (DESIGN §3.2).
// (Bit 7 is PS in a PDPT or PD entry; in a PT entry the same bit is PAT.)
#pragma once

#include <cstdint>

#include "arch/x86_64/cpu.h"

enum class PageFlags : uint64_t {
    None = 0,
    Present = 1ull << 0,
    Writable = 1ull << 1,
    User = 1ull << 2,
    Large = 1ull << 7,
    Global = 1ull << 8,
    Cow = 1ull << 9,
    Share = 1ull << 10,
    Linked = 1ull << 11,  // lab 5, a PML4 entry only: its tables may be linked into another space
    NoExecute = 1ull << 63,
};

constexpr PageFlags operator|(PageFlags a, PageFlags b) {
    return static_cast<PageFlags>(static_cast<uint64_t>(a) | static_cast<uint64_t>(b));
}
constexpr PageFlags operator&(PageFlags a, PageFlags b) {
    return static_cast<PageFlags>(static_cast<uint64_t>(a) & static_cast<uint64_t>(b));
}
constexpr bool has(PageFlags set, PageFlags flag) { return (set & flag) == flag; }

namespace mmu {

using Pte = uint64_t;

inline constexpr uint64_t kAddressMask = 0x000FFFFFFFFFF000ull;
inline constexpr uint64_t kFlagsMask = ~kAddressMask;
inline constexpr int kEntries = 512;  // entries in one page-table page, at every level

// The rights bits of an entry, the physical address it holds, whether it
// is present, and an entry for physical address `pa` with `flags`.
constexpr PageFlags flags_of(Pte pte) { return static_cast<PageFlags>(pte & kFlagsMask); }
constexpr uint64_t address_of(Pte pte) { return pte & kAddressMask; }
constexpr bool present(Pte pte) { return pte & static_cast<uint64_t>(PageFlags::Present); }
constexpr Pte make_pte(uint64_t pa, PageFlags flags) { return pa | static_cast<uint64_t>(flags); }

// The physical address of the active root table (PML4), from CR3.
inline uint64_t active_root() { return cpu::read_cr3() & kAddressMask; }

// True if the tables rooted at physical address `root` are the active ones.
inline bool is_active(uint64_t root) { return active_root() == root; }

// Makes the tables rooted at `root` the active address space, unless they
// already are (loading CR3 flushes every non-global TLB entry: not for free).
inline void activate(uint64_t root) {
    if (!is_active(root)) cpu::write_cr3(root);
}

// Drops the TLB entry of the page containing `va` (and the paging-structure
// caches) if `root` is active; an inactive space has nothing cached.
inline void invalidate(uint64_t root, uint64_t va) {
    if (is_active(root)) cpu::invlpg(va);
}

// Drops every non-global TLB entry if `root` is active.
inline void flush(uint64_t root) {
    uint64_t cr3 = cpu::read_cr3();
    if ((cr3 & kAddressMask) == root) cpu::write_cr3(cr3);
}

// Turns on EFER.NXE (the NoExecute bit takes effect) and CR0.WP (ring 0
// honours read-only pages too).
inline void enable_no_execute_and_write_protect() {
    cpu::wrmsr(cpu::kMsrEfer, cpu::rdmsr(cpu::kMsrEfer) | cpu::kEferNoExecuteEnable);
    cpu::write_cr0(cpu::read_cr0() | cpu::kCr0WriteProtect);
}

}  // namespace mmu
