// exolab: lab 3
// user/bin/mapunowned.cc: sys_map of frames the caller does not own.
//
// sys_map checks authority (a secure binding): a domain may map only user
// frames it (or a descendant) owns.  Mapping a kernel frame, a frame of the
// frame table, a free frame or one of its own page tables (owned by the
// domain, but not a user frame: mapped writable it would let the domain
// forge mappings) must each fail with AccessDenied, a frame beyond the
// table with InvalidArgument; mapping a frame it allocated itself must work.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

constexpr uint64_t kTarget = 0x10000000;

// The first free frame in the frame table (0 if there is none).
uint64_t some_free_frame() {
    size_t entries = frame_table_entries();
    for (uint64_t pfn = 1; pfn < entries; pfn++) {
        if (frame_table()[pfn].kind == FrameKind::Free && frame_table()[pfn].owner == kFrameNoOwner) return pfn;
    }
    return 0;
}

// Tries to map frame `pfn` writable at kTarget and prints the result.
void try_map(const char* what, uint64_t pfn) {
    int64_t result = sys_map(0, kTarget, pfn, PERM_W);
    printf("mapunowned: map %s (frame %lx): %s\n", what, pfn, result_name(result));
}

}  // namespace

int main() {
    try_map("kernel image", KERNEL_LOAD_PHYS / PAGE_SIZE);
    try_map("frame table", pte_frame(lookup_pte(UFRAMES)));
    try_map("free frame", some_free_frame());
    try_map("own page table", domain_table()[sys_self()].root_pfn);
    try_map("beyond the table", frame_table_entries() + 4096);
    int64_t own = sys_frame_alloc(0);
    if (own < 0) panic("sys_frame_alloc: %s", result_name(own));
    try_map("own frame", static_cast<uint64_t>(own));
    return 0;
}
