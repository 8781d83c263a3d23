// exolab: lab 3
// user/bin/evilhello.cc: asks sys_cputs to print kernel memory.
//
// Each attempt must fail with BadAddress and print nothing: a kernel that
// checked only "is it mapped?" would print its own image (readable by the
// kernel), and one that computed buf + len without care would be fooled by
// a range that wraps around the top of the address space.
#include "lib/libos.h"

namespace {

struct Attempt {
    const char* what;
    uint64_t buf;
    uint64_t len;
};

constexpr Attempt kAttempts[] = {
    {"kernel image", KERNEL_BASE + KERNEL_LOAD_PHYS, 100},
    {"physmap", PHYSMAP_BASE + KERNEL_LOAD_PHYS, 100},
    {"wrapping range", 0xFFFFFFFFFFFFFF00, 0x200},
};

}  // namespace

int main() {
    for (const Attempt& a : kAttempts) {
        int64_t result = sys_cputs(reinterpret_cast<const char*>(a.buf), a.len);
        printf("evilhello: sys_cputs(%016lx, %lu) [%s] returned %ld (%s)\n", a.buf, a.len, a.what, result,
               result_name(result));
    }
    return 0;
}
