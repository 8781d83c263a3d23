// exolab: lab 3
// user/bin/mapcommit.cc: map and unmap validate everything, then commit.
//
// A frame is mapped at kPage and written.  Then each refused call, one bad
// argument at a time, must leave that mapping exactly as it was (the same
// frame, the same data) and build no page table: no table appears for
// kFarPage (its PML4 entry, read through UVPT, stays empty), and the frame
// table counts as many page tables of this domain at the end as before.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kPage = 0x10000000;
constexpr uint64_t kFarPage = 0x0000400000000000;  // a PML4 slot with no tables yet
constexpr uint64_t kMagic = 0x5eed5eed5eed5eed;

uint64_t me;
uint64_t mine;    // the frame mapped at kPage
uint64_t other;   // a frame of ours mapped nowhere

// This domain's page tables, from the frame table.
uint64_t page_tables() {
    uint64_t n = 0;
    for (uint64_t pfn = 0; pfn < frame_table_entries(); pfn++) {
        if (frame_table()[pfn].kind == FrameKind::PageTable && frame_table()[pfn].owner == me) n++;
    }
    return n;
}

// Prints the result of a refused call and whether it changed anything.
void refused(const char* what, int64_t result) {
    bool intact = pte_frame(lookup_pte(kPage)) == mine && load_from(kPage) == kMagic &&
                  frame_table()[other].map_count == 0 && !(load_from(entry_address(kFarPage, 4)) & kPtePresent);
    printf("mapcommit: %s: %s, %s\n", what, result_name(result), intact ? "nothing changed" : "CHANGED");
}

uint64_t alloc_frame() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0) panic("sys_frame_alloc: %s", result_name(pfn));
    return static_cast<uint64_t>(pfn);
}

}  // namespace

int main() {
    me = static_cast<uint64_t>(sys_self());
    mine = alloc_frame();
    other = alloc_frame();
    int64_t r = sys_map(0, kPage, mine, PERM_W);
    if (r < 0) panic("sys_map: %s", result_name(r));
    store_to(kPage, kMagic);
    uint64_t tables = page_tables();

    refused("map over it, unknown perm bit", sys_map(0, kPage, other, PERM_W | (1ull << 9)));
    refused("map over it into no domain", sys_map(me + 7, kPage, other, PERM_W));
    refused("map over it, a frame past the table", sys_map(0, kPage, frame_table_entries() + 3, PERM_W));
    refused("map over it, the kernel's frame", sys_map(0, kPage, KERNEL_LOAD_PHYS / PAGE_SIZE, PERM_W));
    refused("map at it plus 8", sys_map(0, kPage + 8, other, PERM_W));
    refused("map far away, unknown perm bit", sys_map(0, kFarPage, other, 1ull << 20));
    refused("map far away, a frame past the table", sys_map(0, kFarPage, frame_table_entries(), 0));
    refused("map far away into no domain", sys_map(MAX_DOMAINS, kFarPage, other, 0));
    refused("map at the null page", sys_map(0, 0, other, 0));
    refused("map at USER_TOP", sys_map(0, USER_TOP, other, 0));
    refused("map over UVPT", sys_map(0, UVPT, other, 0));
    refused("map in the kernel half", sys_map(0, KERNEL_BASE, other, 0));
    refused("unmap it plus 8", sys_unmap(0, kPage + 8));
    refused("unmap it in no domain", sys_unmap(me + 7, kPage));
    refused("unmap far away", sys_unmap(0, kFarPage));
    refused("unmap UVPT", sys_unmap(0, UVPT));
    refused("unmap UFRAMES", sys_unmap(0, UFRAMES));
    refused("unmap the kernel half", sys_unmap(0, KERNEL_BASE));
    printf("mapcommit: page tables: %s\n", page_tables() == tables ? "as many as before" : "more than before");
    return 0;
}
