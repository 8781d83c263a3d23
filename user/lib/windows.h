// user/lib/windows.h: the kernel's read-only windows, seen from user space.
// exolab: lab 3
//
// DESIGN §3 "no hidden state": reading them costs no system call.
//
//   UFRAMES  the frame table: entry n describes physical frame n
//   UVPT     this domain's own page tables, through PML4 slot 255, which
//            points at the PML4 itself.  The entry of level L (1 = PT ..
//            4 = PML4) that maps va is at entry_address(va, L).
//
// The frame table's entry layout is ABI (the kernel's kernel/mm/frames.h
// static_asserts it); FrameEntry below mirrors it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/layout.h"

enum class FrameKind : uint8_t { Free = 0, Kernel = 1, PageTable = 2, User = 3, Reserved = 4, Module = 5 };

//   +-------+------+----+-----------+------+------+
//   | owner | kind | -- | map_count | prev | next |   16 bytes per frame
//   +-------+------+----+-----------+------+------+
struct FrameEntry {
    uint16_t owner;      // domain id; 0 = the kernel; kNoOwner = released or free
    FrameKind kind;
    uint8_t unused;
    uint32_t map_count;  // page-table entries that map it
    uint32_t prev;       // free-list links (kind Free)
    uint32_t next;
};
static_assert(sizeof(FrameEntry) == 16, "the frame table layout is ABI (UFRAMES)");

inline constexpr uint16_t kNoOwner = 0xFFFF;

// Page-table entry bits (Intel SDM vol. 3, 4.5).
inline constexpr uint64_t kPtePresent = 1ull << 0;
inline constexpr uint64_t kPteWritable = 1ull << 1;
inline constexpr uint64_t kPteUser = 1ull << 2;
inline constexpr uint64_t kPteLarge = 1ull << 7;
inline constexpr uint64_t kPteNoExecute = 1ull << 63;

// The frame table, as an array indexed by frame number.
inline const FrameEntry* frame_table() { return reinterpret_cast<const FrameEntry*>(UFRAMES); }

// The frame number a page-table entry points at (bits 12..51).
inline uint64_t pte_frame(uint64_t pte) { return (pte >> 12) & 0xFFFFFFFFFF; }

// Where in UVPT the level-`level` entry (1 = PT, 2 = PD, 3 = PDPT, 4 = PML4)
// that maps `va` is.  Going through slot 255 once more climbs one level:
// the PT entry of va is at UVPT + (va's page number) * 8, and the PD entry
// is the PT entry of that address, and so on.
uint64_t entry_address(uint64_t va, int level);

// The level-1 entry that maps `va` (or the large-page entry above it), or 0
// when some level on the way is not present: reading the PT entry through
// UVPT would fault then, so the walk reads the levels from the top.
uint64_t lookup_pte(uint64_t va);

// How many frame-table entries the UFRAMES window holds: the table's
// mapped pages times 256 (the table ends where the window's mapping ends;
// its last page may hold zeroed padding, kind Free with owner 0).
size_t frame_table_entries();

// How many frames of `kind` the table holds.  Free frames are counted by
// their owner kNoOwner, which the padding lacks.
size_t count_frames(FrameKind kind);
