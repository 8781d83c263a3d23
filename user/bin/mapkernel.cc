// exolab: lab 3
// user/bin/mapkernel.cc: sys_map outside user space.
//
// sys_map must only map at page-aligned addresses in [USER_BASE, USER_TOP):
// never into the kernel half, the exported windows, the non-canonical hole
// or the null guard.  Each of those must fail with InvalidArgument even for
// a frame the domain owns; the last attempt, at an ordinary user address,
// must work.
#include "lib/libos.h"

namespace {

struct Target {
    const char* what;
    uint64_t va;
};

constexpr Target kTargets[] = {
    {"kernel image", KERNEL_BASE},
    {"physmap", PHYSMAP_BASE},
    {"non-canonical", 0x0000800000000000},
    {"UFRAMES (USER_TOP)", UFRAMES},
    {"UDOMAINS", UDOMAINS},
    {"UVPT", UVPT},
    {"unaligned", 0x10000800},
    {"zero", 0},
    {"below USER_BASE", USER_BASE - PAGE_SIZE},
    {"user", 0x10000000},
};

}  // namespace

int main() {
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0) panic("sys_frame_alloc: %s", result_name(pfn));
    for (const Target& t : kTargets) {
        int64_t result = sys_map(0, t.va, static_cast<uint64_t>(pfn), PERM_W);
        printf("mapkernel: map at %016lx [%s]: %s\n", t.va, t.what, result_name(result));
    }
    return 0;
}
