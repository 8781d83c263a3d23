// exolab: lab 5
// user/lib/fs/region.cc: the shared region in a domain (see region.h).  The
// host test bed has its own (tools/fs-host/host_region.cc).
#include "lib/fs/region.h"

#include "abi/domain.h"
#include "abi/perm.h"
#include "lib/fs/shared.h"
#include "lib/mapbatch.h"
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
    MapBatch batch(dom);  // a few map_runs calls, not one map per page (DESIGN §8)
    for (uint64_t i = 0; i < kRegionPages; i++) {
        uint64_t pte = lookup_pte(kFsRegion + i * PAGE_SIZE);
        if (!(pte & kPtePresent)) return Error::NotMapped;
        int64_t r = batch.add(kFsRegion + i * PAGE_SIZE, pte_frame(pte), PERM_W | PERM_SHARE);
        if (r < 0) return static_cast<Error>(-r);
    }
    if (int64_t r = batch.flush(); r < 0) return static_cast<Error>(-r);
    return {};
}

void region_yield() { (void)sys_yield(YIELD_ANY); }

}  // namespace exofs
