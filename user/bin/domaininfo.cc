// exolab: lab 3
// user/bin/domaininfo.cc: the domain's own entry of the exported table.
//
// Reads domain_table()[self] (UDOMAINS) while running: its id, parent,
// state and runs, and whether its root_pfn and frames agree with the frame
// table (UFRAMES), also after a frame_alloc and after a frame_free, and
// whether the frame table's count of its PML4's present entries is exact
// (the kernel half's included).  All of it is kernel state a domain
// learns without a system call.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

// The frames the frame table says `id` owns as user frames.
uint64_t user_frames_of(uint64_t id) {
    uint64_t n = 0;
    for (uint64_t pfn = 0; pfn < frame_table_entries(); pfn++) {
        if (frame_table()[pfn].kind == FrameKind::User && frame_table()[pfn].owner == id) n++;
    }
    return n;
}

// The present entries of this domain's PML4, read through UVPT.
uint32_t present_root_entries() {
    uint32_t n = 0;
    for (uint64_t slot = 0; slot < 512; slot++) {
        uint64_t va = slot << 39;
        if (slot >= 256) va |= 0xFFFF000000000000;  // the canonical upper half
        n += (*reinterpret_cast<const volatile uint64_t*>(entry_address(va, 4)) & kPtePresent) ? 1 : 0;
    }
    return n;
}

}  // namespace

int main() {
    uint64_t me = static_cast<uint64_t>(sys_self());
    const volatile DomainInfo& mine = domain_table()[me];
    printf("domaininfo: id %u, parent %u, state %u, runs %lu\n", mine.id, mine.parent,
           static_cast<unsigned>(mine.state), mine.runs);
    const FrameInfo& root = frame_table()[mine.root_pfn];
    printf("domaininfo: root_pfn is %s\n",
           root.kind == FrameKind::PageTable && root.owner == me ? "its own page table" : "not its page table");
    printf("domaininfo: its PML4's entry count %s its present entries\n",
           root.map_count == present_root_entries() ? "agrees with" : "differs from");
    printf("domaininfo: frames %s the frame table\n", mine.frames == user_frames_of(me) ? "agrees with" : "differs from");
    uint64_t before = mine.frames;
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0) panic("frame_alloc: %s", result_name(pfn));
    printf("domaininfo: after frame_alloc, frames %lu more and %s the frame table\n", mine.frames - before,
           mine.frames == user_frames_of(me) ? "agrees with" : "differs from");
    int64_t freed = sys_frame_free(static_cast<uint64_t>(pfn));
    printf("domaininfo: after frame_free (%s), frames %lu more and %s the frame table\n", result_name(freed),
           mine.frames - before, mine.frames == user_frames_of(me) ? "agrees with" : "differs from");
    uint64_t unused = 0;
    for (uint64_t id = 1; id < MAX_DOMAINS; id++) unused += domain_table()[id].state == DomainState::Free ? 1 : 0;
    printf("domaininfo: %lu other slots free\n", unused);
    return 0;
}
