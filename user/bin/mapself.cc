// exolab: lab 3
// user/bin/mapself.cc: map, replace and unmap in the caller's own space.
//
// Maps a frame, uses it, replaces the mapping with another frame, unmaps
// it, and touches the page again: the page fault that kills the domain
// proves the mapping (and its TLB entry) is gone.
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kPage = 0x10000000;

// sys_frame_alloc(0), or panic.
uint64_t alloc_frame() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0) panic("sys_frame_alloc: %s", result_name(pfn));
    return static_cast<uint64_t>(pfn);
}

// Panics unless `result` is `expected` (a result_name: "ok", "NotMapped").
void expect(const char* call, int64_t result, const char* expected) {
    printf("mapself: %s: %s\n", call, result_name(result));
    if (strcmp(result_name(result), expected) != 0) panic("%s: expected %s", call, expected);
}

}  // namespace

int main() {
    uint64_t first = alloc_frame();
    uint64_t second = alloc_frame();
    expect("map first frame", sys_map(0, kPage, first, PERM_W), "ok");
    store_to(kPage, 0x1234567890abcdef);
    assert(load_from(kPage) == 0x1234567890abcdef);
    assert(frame_table()[first].map_count == 1);

    expect("map second frame over it", sys_map(0, kPage, second, PERM_W), "ok");
    assert(load_from(kPage) == 0);  // a fresh frame is zeroed, and the old TLB entry is gone
    assert(frame_table()[first].map_count == 0 && frame_table()[second].map_count == 1);

    expect("unmap", sys_unmap(0, kPage), "ok");
    assert(frame_table()[second].map_count == 0);
    expect("unmap again", sys_unmap(0, kPage), "NotMapped");
    printf("mapself: ok; touching the unmapped page at %016lx\n", kPage);
    uint64_t value = load_from(kPage);
    printf("mapself: read %lx: still alive\n", value);
    return 0;
}
