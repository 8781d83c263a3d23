// exolab: lab 2
// kernel/mm/paging.h: 4-level x86-64 page tables (Intel SDM vol. 3, §4.5).
//
// A 48-bit virtual address selects one entry at each level:
//
//   47      39 38      30 29      21 20      12 11         0
//  +----------+----------+----------+----------+------------+
//  | PML4 idx | PDPT idx |  PD idx  |  PT idx  |   offset   |
//  +----------+----------+----------+----------+------------+
//
//   CR3 -> PML4[idx4] -> PDPT[idx3] -> PD[idx2] -> PT[idx1] -> frame + offset
//                                      (PS=1 here: a 2 MiB page)
//
// The entry format (rights bits, exolab's COW and SHARE software bits) is
// the MMU's: arch/x86_64/mmu.h.  All page-table pages are reached through
// the physmap.  Intermediate entries are always Present|Writable (and User
// in the lower half, where user space and the windows are): the leaf alone
// decides the rights, so changing a mapping's rights is one write.  The
// PML4's window slots are the exception (kspace::install_windows): read-only
// and NX, whatever lies below them.
#pragma once

#include <cstdint>

#include "arch/x86_64/mmu.h"
#include "lib/result.h"
#include "mm/addr.h"
#include "mm/frames.h"

namespace paging {

using mmu::flags_of;
using mmu::kEntries;
using mmu::present;
using mmu::Pte;

// The frame an entry maps, and an entry mapping `pa` with `flags`.
constexpr PhysAddr frame_of(Pte pte) { return PhysAddr(mmu::address_of(pte)); }
constexpr Pte make_pte(PhysAddr pa, PageFlags flags) { return mmu::make_pte(pa.value, flags); }

// The 512 entries of the page-table page at `table`.
inline Pte* entries(PhysAddr table) { return table.to_virt<Pte>(); }

// A new, empty page-table page owned by `owner`.  Errors: NoMemory.
Result<PhysAddr> new_table(uint16_t owner);

// Finds the entry at `level` on `va`'s path in the tables rooted at `root`
// (1: the PT entry of a 4 KiB page; 2: the PD entry of a 2 MiB page; 3: the
// PDPT entry) and returns a pointer to it, present or not.  Without
// `create`, a missing table on the way is NotMapped.  With `create`,
// missing tables are allocated for `owner` and linked with entries that
// grant everything (intermediate_flags); either every missing table is
// built or, when fewer frames are free than tables are missing, none is
// (NoMemory).  Each present entry a page-table page holds is counted in
// its frame (frames::adjust_table_entries); the entry returned is not
// counted by walk.  Errors: InvalidArgument (va not canonical, level not
// 1..3), NotMapped, NoMemory, Busy (a large page above `level` covers va).
Result<Pte*> walk(PhysAddr root, VirtAddr va, int level, bool create, uint16_t owner);

// Maps the 4 KiB page at `va` to frame `pa` with `flags` (Present is
// implied), replacing whatever was there: the old frame loses a mapping,
// and from the return on the CPU uses only the new entry.  Changes nothing
// when it fails.  Errors: as walk, InvalidArgument for an unaligned va or
// pa, from lab 5 Busy (va in a linked slot: link_slot).
Result<void> map(PhysAddr root, VirtAddr va, PhysAddr pa, PageFlags flags, uint16_t owner);

#if LAB >= 4
// Maps the `pages` 4 KiB pages from `va` on to the frames from `pa` on,
// with `flags`, as that many calls of map would, but walking to each page
// table once rather than once a page (map_runs, lab 4).  Stops at the
// first error, with the pages before it mapped.  Errors: as map, but a
// linked slot (lab 5) is the caller's to refuse.
Result<void> map_range(PhysAddr root, VirtAddr va, PhysAddr pa, uint64_t pages, PageFlags flags, uint16_t owner);
#endif

#if LAB >= 5
// The span of one PML4 slot: 512 GiB.
inline constexpr uint64_t kSlotSpan = uint64_t{1} << 39;

// Links the tables of PML4 slot `va` (a multiple of kSlotSpan) of the space
// rooted at `from` into the space rooted at `to`: from then on both map the
// same pages there with the same rights (share_tables, lab 5).  While a
// slot's tables are linked into more than one space, map and unmap in it
// are refused (Busy), in every space that links them.  Errors: NotMapped
// (nothing mapped there in `from`), Busy (something mapped there in `to`,
// or the tables linked kMaxTableLinks times already).
Result<void> link_slot(PhysAddr from, PhysAddr to, VirtAddr va);

// Whether va's PML4 slot in the space rooted at `root` holds tables that
// another space links too.  link_slot marks both spaces' PML4 entries
// Linked, so the common answer, no, is one load and one test (every map
// asks); a marked entry whose other links are all gone is unmarked here.
bool still_linked(Pte& slot);
inline bool in_linked_slot(PhysAddr root, VirtAddr va) {
    Pte& slot = entries(root)[va.index(4)];
    return has(flags_of(slot), PageFlags::Linked) && still_linked(slot);
}
#endif

// Maps a 2 MiB page (kernel use: the physmap), through walk.  va and pa
// 2 MiB-aligned; the page directory entry must be empty.  Changes nothing
// when it fails.
// Errors: InvalidArgument, Busy, NoMemory.
Result<void> map_large(PhysAddr root, VirtAddr va, PhysAddr pa, PageFlags flags, uint16_t owner);

// Removes the 4 KiB mapping at `va`: the frame loses a mapping, every
// page-table page left with no present entry is released (never the root),
// and from the return on the CPU can reach neither the old page nor a
// freed table through any cached translation.  Changes nothing when it
// fails.  Errors: InvalidArgument (va not canonical or not page-aligned, a
// 2 MiB page covers it), NotMapped, from lab 5 Busy (va in a linked slot:
// link_slot).
Result<void> unmap(PhysAddr root, VirtAddr va);

// What `va` maps to.
struct Mapping {
    PhysAddr pa;        // the physical address of va itself (offset included)
    PageFlags flags;    // the leaf's bits (Large for a 2 MiB or 1 GiB page, the software
                        // bits), with the rights that take effect: Writable and User only if
                        // every level grants them, NoExecute if any level sets it
};

// Looks `va` up in the tables rooted at `root`: a 4 KiB leaf, or a large
// page at level 2 (2 MiB) or 3 (1 GiB).  Changes nothing.
// Errors: InvalidArgument (va not canonical), NotMapped.
Result<Mapping> lookup(PhysAddr root, VirtAddr va);

// Changes the rights of the 4 KiB mapping at `va` to `flags` (Present
// implied), keeping its frame; the old rights are gone from the TLB on
// return.  Errors: InvalidArgument (unaligned or non-canonical va),
// NotMapped (no table or no leaf: protect creates nothing), Busy (a 2 MiB
// page covers va).
Result<void> protect(PhysAddr root, VirtAddr va, PageFlags flags);

// Frees `root` and every page-table page below it in PML4 slots below the
// exported windows (the private part of an address space); the window and
// kernel-half tables are shared and stay, and so do (from lab 5) the
// tables of a slot another space still links, which only lose this link.  Leaf frames are unmapped (their
// owners keep them; a released one becomes free with its last mapping).
// Never the space in CR3: a panic (its tables would be free while the CPU
// walks them).
void destroy(PhysAddr root);

// Drops the TLB entry for `va` if `root` is the active address space.
void invalidate(PhysAddr root, VirtAddr va);

// Drops every (non-global) TLB entry if `root` is the active address space.
void flush_all(PhysAddr root);

}  // namespace paging
