// exolab: lab 5
// user/lib/fs/region.h: where exofs's shared state lives, and the hooks
// that differ between QEMU and the host test bed (tools/fs-host/).
//
// The region is kRegionPages pages of PERM_SHARE memory at kFsRegion, the
// same frames in every domain that uses the file system (fork keeps
// PERM_SHARE pages shared), so all domains see one buffer cache, one
// journal and one open-file table:
//
//   kFsRegion                       +--------------------------------+
//                                   | Shared (shared.h): lock, mount |  kHeaderPages pages
//                                   | state, cache index, journal,   |
//                                   | open-file table                |
//   kFsRegion + kHeaderPages pages  +--------------------------------+
//                                   | cache slot 0 .. kSlots-1,      |  4 KiB each
//                                   | one disk block each            |
//                                   +--------------------------------+
//
// 0x5000_0000_0000 is far from the program image (from USER_BASE), the
// stacks and thread stacks (0x7EFF_...) and the read-only windows (USER_TOP
// and up): it begins a PML4 slot (512 GiB) that nothing else of the libOS
// maps in, so that spawn links the slot's page tables into a child with one
// share_tables call.  Once linked, no one may map or unmap in the slot
// (syscalls.def), so the region is mapped whole, once, by region_attach.
#pragma once

#include <cstdint>

#include "lib/result.h"

namespace exofs {

inline constexpr uint64_t kFsRegion = 0x0000500000000000;

// Returns the region's address, mapping `pages` fresh zeroed pages there
// (writable, PERM_SHARE) unless this domain already has them (it was forked
// from a domain that had).  In QEMU: frame_alloc + map (region.cc); on the
// host: a static buffer.  Errors: NoMemory when frames or page tables run
// out (pages mapped before the failure stay mapped).
Result<uint8_t*> region_attach(uint64_t pages);

// Maps this domain's region, the same frames at the same address, into
// descendant `dom` (for spawn; fork does this itself for PERM_SHARE
// pages), by linking the region's page tables into it (share_tables).
// QEMU only.  Errors: those of share_tables (NotMapped if this domain has
// no region, Busy if dom has one).
Result<void> region_share_with(uint64_t dom);

// Gives the CPU away while another domain holds the region's lock: in QEMU
// sys_yield(YIELD_ANY); on the host sched_yield.
void region_yield();

// Who this domain is, never 0: in QEMU its domain id (sys_self, asked
// once) and, in bits 16-31, its slot's generation (abi/domain.h); on the
// host its process id.
uint32_t region_self();

// What region_self() returns in live domain `dom` (QEMU only): for a
// creator that records its child's identity before the child runs.
uint32_t region_self_of(uint64_t dom);

// Whether `who` (a region_self() value) still exists: in QEMU its slot of
// the domain table (windows.h) is not Free and has the same generation (a
// dead holder's id may already be a new domain's), on the host the process
// has not exited.
bool region_alive(uint32_t who);

}  // namespace exofs
