// exolab: lab 3
// user/bin/framewant.cc: asking for a particular frame (exposed names).
//
// sys_frame_alloc(want) with want != 0 gives exactly frame `want` if it is
// free, Busy if it is in use, InvalidArgument if the frame table has no
// such frame (DESIGN §3.2).  A frame given up with sys_frame_free while it
// is still mapped stays in use (no owner, map_count 1) until its last
// mapping goes, so asking for it meanwhile is Busy; once unmapped it is
// free, and it comes back zeroed.  UFRAMES shows each step.
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kPage = 0x10000000;
constexpr uint64_t kSecret = 0x5ec2e75ec2e75ec2;

// Prints "framewant: <what>: <result>" and panics unless the result's name
// is `expected` ("ok", "Busy", ...).
void expect(const char* what, int64_t result, const char* expected) {
    printf("framewant: %s: %s\n", what, result_name(result));
    if (strcmp(result_name(result), expected) != 0) panic("%s: expected %s", what, expected);
}

// The highest free frame that frame `avoid` is not (frames are asked for
// by number, so any free one will do).
uint64_t free_frame(uint64_t avoid) {
    const FrameInfo* table = frame_table();
    for (uint64_t pfn = frame_table_entries(); pfn-- > 1;) {
        if (pfn != avoid && table[pfn].kind == FrameKind::Free && table[pfn].owner == kFrameNoOwner) return pfn;
    }
    panic("no free frame in UFRAMES");
}

// The first frame of `kind`.
uint64_t frame_of_kind(FrameKind kind) {
    const FrameInfo* table = frame_table();
    for (uint64_t pfn = 1; pfn < frame_table_entries(); pfn++) {
        if (table[pfn].kind == kind) return pfn;
    }
    panic("no frame of kind %u in UFRAMES", static_cast<unsigned>(kind));
}

}  // namespace

int main() {
    const FrameInfo* table = frame_table();
    uint64_t self = static_cast<uint64_t>(sys_self());
    uint64_t want = free_frame(0);
    int64_t got = sys_frame_alloc(want);
    expect("a free frame", got, "ok");
    assert(static_cast<uint64_t>(got) == want);
    assert(table[want].kind == FrameKind::User && table[want].owner == self && table[want].map_count == 0);
    printf("framewant: got exactly the frame asked for, owned by this domain\n");

    expect("the same frame again", sys_frame_alloc(want), "Busy");
    expect("a kernel frame", sys_frame_alloc(frame_of_kind(FrameKind::Kernel)), "Busy");
    uint64_t other = free_frame(want);
    expect("beyond the table", sys_frame_alloc(frame_table_entries()), "InvalidArgument");
    expect("a free frame's number plus 2^32", sys_frame_alloc(other + (1ull << 32)), "InvalidArgument");
    assert(table[other].kind == FrameKind::Free);

    expect("map it", sys_map(0, kPage, want, PERM_W), "ok");
    store_to(kPage, kSecret);
    expect("free it while mapped", sys_frame_free(want), "ok");
    assert(table[want].kind == FrameKind::User && table[want].owner == kFrameNoOwner && table[want].map_count == 1);
    assert(load_from(kPage) == kSecret);
    expect("ask for it while still mapped", sys_frame_alloc(want), "Busy");
    expect("unmap it", sys_unmap(0, kPage), "ok");
    assert(table[want].kind == FrameKind::Free);
    expect("ask for it once unmapped", sys_frame_alloc(want), "ok");
    expect("map it again", sys_map(0, kPage, want, 0), "ok");
    printf("framewant: it came back %s\n", load_from(kPage) == 0 ? "zeroed" : "with the old data");
    expect("unmap it", sys_unmap(0, kPage), "ok");
    expect("free it", sys_frame_free(want), "ok");
    assert(table[want].kind == FrameKind::Free);
    return 0;
}
