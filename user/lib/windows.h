// exolab: lab 3
// user/lib/windows.h: the kernel's read-only windows, seen from user space.
//
// DESIGN §3 "no hidden state": reading them costs no system call.
//
//   UFRAMES  the frame table: entry n describes physical frame n
//   UVPT     this domain's own page tables, through PML4 slot 255, which
//            points at the PML4 itself.  The entry of level L (1 = PT ..
//            4 = PML4) that maps va is at entry_address(va, L).
//
#pragma once

#include <cstddef>
#include <cstdint>

#include "abi/domain.h"
#include "abi/frame.h"
#include "abi/layout.h"

// Page-table entry bits (Intel SDM vol. 3, 4.5).
inline constexpr uint64_t kPtePresent = 1ull << 0;
inline constexpr uint64_t kPteWritable = 1ull << 1;
inline constexpr uint64_t kPteUser = 1ull << 2;
inline constexpr uint64_t kPteLarge = 1ull << 7;
inline constexpr uint64_t kPteNoExecute = 1ull << 63;

// The frame table, as an array indexed by frame number.
inline const FrameInfo* frame_table() { return reinterpret_cast<const FrameInfo*>(UFRAMES); }

// The domain table, as an array indexed by domain id.  volatile: the
// kernel changes it between any two reads (a state, a tick count).
inline const volatile DomainInfo* domain_table() { return reinterpret_cast<const volatile DomainInfo*>(UDOMAINS); }

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
// their owner kFrameNoOwner, which the padding lacks.
size_t count_frames(FrameKind kind);
