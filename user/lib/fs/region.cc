// exolab: lab 5
// user/lib/fs/region.cc: the shared region in a domain (see region.h).  The
// host test bed has its own (tools/fs-host/host_region.cc).
#include "lib/fs/region.h"

#include "abi/domain.h"
#include "abi/perm.h"
#include "lib/fs/fd.h"
#include "lib/fs/shared.h"
#include "lib/mapbatch.h"
#include "lib/syscall.h"
#include "lib/windows.h"

namespace exofs {

Result<uint8_t*> region_attach(uint64_t pages) {
    // Mapped already (inherited through fork, which keeps PERM_SHARE pages
    // shared): the header page is mapped last, so it means all of it is.
    if (lookup_pte(kFsRegion) & kPtePresent) return reinterpret_cast<uint8_t*>(kFsRegion);
    // Frames taken in address order follow on from each other as a rule,
    // so region_share_with gives the region away in a few long runs.
    int64_t header = sys_frame_alloc(0);
    if (header < 0) return static_cast<Error>(-header);
    MapBatch batch(0);
    for (uint64_t i = 1; i < pages; i++) {
        int64_t pfn = sys_frame_alloc(0);
        if (pfn < 0) return static_cast<Error>(-pfn);
        int64_t r = batch.add(kFsRegion + i * PAGE_SIZE, static_cast<uint64_t>(pfn), PERM_W | PERM_SHARE);
        if (r < 0) return static_cast<Error>(-r);
    }
    if (int64_t r = batch.flush(); r < 0) return static_cast<Error>(-r);
    if (int64_t r = sys_map(0, kFsRegion, static_cast<uint64_t>(header), PERM_W | PERM_SHARE); r < 0) {
        return static_cast<Error>(-r);
    }
    uint32_t self = region_self();  // a fresh region: this domain's fd table is the first
    shared()->fd_owner[self & 0xFFFF] = self;
    return reinterpret_cast<uint8_t*>(kFsRegion);
}

Files* region_fd_table() {
    // A domain's row is its own once its creator gave it (io::give_files)
    // or it made the region; else (a creator that never gave one) its fds
    // stay private.
    uint32_t self = region_self();
    Shared* s = shared();
    return s->fd_owner[self & 0xFFFF] == self ? &s->fd_tables[self & 0xFFFF] : nullptr;
}

Result<void> region_share_with(uint64_t dom) {
    // The region's page tables themselves, one call: not a map per page
    // (DESIGN §8).  The region has its PML4 slot to itself (region.h).
    if (int64_t r = sys_share_tables(dom, kFsRegion); r < 0) return static_cast<Error>(-r);
    return {};
}

void region_yield() { (void)sys_yield(YIELD_ANY); }

uint32_t region_self() {
    // The id is asked of the kernel once and kept in private memory; a
    // forked child starts with its parent's copy, so it is trusted only
    // while the domain table says that domain runs on this domain's page
    // tables (the PML4 frame, which the PML4's own slot 255 names).  No
    // system call on the way: every operation takes the lock.  The slot's
    // generation goes with the id, so that a later domain given the same
    // id is not mistaken for this one.
    constexpr uint64_t kSlot = UVPT_PML4_SLOT;
    constexpr uint64_t kOwnRootEntry = UVPT + (kSlot << 30) + (kSlot << 21) + (kSlot << 12) + kSlot * 8;
    static uint32_t known = 0;
    uint64_t root = pte_frame(*reinterpret_cast<const volatile uint64_t*>(kOwnRootEntry));
    if (known == 0 || domain_table()[known].root_pfn != root) known = static_cast<uint32_t>(sys_self());
    return region_self_of(known);
}

uint32_t region_self_of(uint64_t dom) {
    return static_cast<uint32_t>(dom) | static_cast<uint32_t>(domain_table()[dom].generation) << 16;
}

bool region_alive(uint32_t who) {
    uint32_t id = who & 0xFFFF;
    if (id >= MAX_DOMAINS) return false;
    const volatile DomainInfo& d = domain_table()[id];
    return d.state != DomainState::Free && d.generation == who >> 16;
}

}  // namespace exofs
