// exolab: lab 5
// user/lib/fs/region.cc: the shared region in a domain (see region.h).  The
// host test bed has its own (tools/fs-host/host_region.cc).
#include "lib/fs/region.h"

#include "abi/domain.h"
#include "abi/perm.h"
#include "lib/fs/shared.h"
#include "lib/syscall.h"
#include "lib/windows.h"

namespace exofs {

Result<uint8_t*> region_attach(uint64_t pages) {
    // Mapped already (inherited through fork, which keeps PERM_SHARE pages
    // shared): the header page is mapped last, so it means all of it is.
    if (lookup_pte(kFsRegion) & kPtePresent) return reinterpret_cast<uint8_t*>(kFsRegion);
    for (uint64_t i = pages; i-- > 0;) {
        int64_t pfn = sys_frame_alloc(0);
        if (pfn < 0) return static_cast<Error>(-pfn);
        int64_t r = sys_map(0, kFsRegion + i * PAGE_SIZE, static_cast<uint64_t>(pfn), PERM_W | PERM_SHARE);
        if (r < 0) return static_cast<Error>(-r);
    }
    return reinterpret_cast<uint8_t*>(kFsRegion);
}

Result<void> region_share_with(uint64_t dom) {
    for (uint64_t i = 0; i < kRegionPages; i++) {
        uint64_t pte = lookup_pte(kFsRegion + i * PAGE_SIZE);
        if (!(pte & kPtePresent)) return Error::NotMapped;
        int64_t r = sys_map(dom, kFsRegion + i * PAGE_SIZE, pte_frame(pte), PERM_W | PERM_SHARE);
        if (r < 0) return static_cast<Error>(-r);
    }
    return {};
}

void region_yield() { (void)sys_yield(YIELD_ANY); }

uint32_t region_self() {
    // Asked of the kernel once and kept in private memory; a forked child
    // starts with its parent's copy, so the id is trusted only while the
    // domain table says that domain runs on this domain's page tables (the
    // PML4 frame, which the PML4's own slot 255 names).  No system call
    // on the way: every operation takes the lock.
    constexpr uint64_t kSlot = UVPT_PML4_SLOT;
    constexpr uint64_t kOwnRootEntry = UVPT + (kSlot << 30) + (kSlot << 21) + (kSlot << 12) + kSlot * 8;
    static uint32_t known = 0;
    uint64_t root = pte_frame(*reinterpret_cast<const volatile uint64_t*>(kOwnRootEntry));
    if (known == 0 || domain_table()[known].root_pfn != root) known = static_cast<uint32_t>(sys_self());
    return known;
}

bool region_alive(uint32_t who) {
    return who < MAX_DOMAINS && domain_table()[who].state != DomainState::Free;
}

}  // namespace exofs
