// exolab: lab 3
// user/bin/authority.cc: frame_free and the domain argument of the memory calls.
//
// sys_frame_free gives up a frame the caller owns as a user frame, and
// nothing else: not its own page table (owned by it, but the kernel's
// structure), not a kernel or free frame, not a frame it freed already.
// A domain argument names self (0, or one's own id) or a descendant; any
// other number, including one that is a live id plus 2^32, is refused
// before anything changes.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kTarget = 0x10000000;

// The first free frame in the frame table (0 if there is none).
uint64_t first_free_frame() {
    for (uint64_t pfn = 1; pfn < frame_table_entries(); pfn++) {
        if (frame_table()[pfn].kind == FrameKind::Free && frame_table()[pfn].owner == kFrameNoOwner) return pfn;
    }
    return 0;
}

void try_free(const char* what, uint64_t pfn) {
    printf("authority: free %s: %s\n", what, result_name(sys_frame_free(pfn)));
}

void try_domain(const char* what, int64_t result) {
    printf("authority: %s: %s\n", what, result_name(result));
}

}  // namespace

int main() {
    uint64_t me = static_cast<uint64_t>(sys_self());
    try_free("kernel image", KERNEL_LOAD_PHYS / PAGE_SIZE);
    try_free("frame table", pte_frame(lookup_pte(UFRAMES)));
    try_free("free frame", first_free_frame());
    try_free("own page table", domain_table()[me].root_pfn);
    try_free("beyond the table", frame_table_entries() + 4096);
    int64_t own = sys_frame_alloc(0);
    if (own < 0) panic("sys_frame_alloc: %s", result_name(own));
    try_free("own frame", static_cast<uint64_t>(own));
    try_free("it again", static_cast<uint64_t>(own));
    if (frame_table()[own].kind != FrameKind::Free) panic("the freed frame is not free");

    own = sys_frame_alloc(0);
    if (own < 0) panic("sys_frame_alloc: %s", result_name(own));
    uint64_t frame = static_cast<uint64_t>(own);
    try_domain("map into an unused id", sys_map(me + 5, kTarget, frame, PERM_W));
    try_domain("map into an id past the table", sys_map(MAX_DOMAINS + 1, kTarget, frame, PERM_W));
    try_domain("map into own id plus 2^32", sys_map(me + (1ull << 32), kTarget, frame, PERM_W));
    try_domain("unmap in an unused id", sys_unmap(me + 5, kTarget));
    try_domain("destroy an unused id", sys_domain_destroy(me + 5));
    if (lookup_pte(kTarget) & kPtePresent) panic("a refused call mapped the page");
    try_domain("map into own id", sys_map(me, kTarget, frame, PERM_W));
    try_domain("unmap in own id", sys_unmap(me, kTarget));
    return 0;
}
