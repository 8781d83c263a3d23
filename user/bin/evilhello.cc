// exolab: lab 3
// user/bin/evilhello.cc: asks sys_cputs to print kernel memory.
//
// Each attempt must fail with BadAddress and print nothing: a kernel that
// checked only "is it mapped?" would print its own image (readable by the
// kernel), and one that computed buf + len without care would be fooled by
// a range that wraps around the top of the address space.  The kernel's
// own page tables are mapped in this domain too, through UVPT (slot 255
// lets every level of the walk be the PML4 again): only the last entry on
// the way, the PML4's kernel-half entry, lacks the User bit, so a check
// that asks "is it below 2^47 and mapped?" without the User bit of that
// walk hands them to the console.
#include "lib/libos.h"
#include "lib/windows.h"

namespace {

struct Attempt {
    const char* what;
    uint64_t buf;
    uint64_t len;
};

}  // namespace

int main() {
    const Attempt attempts[] = {
        {"kernel image", KERNEL_BASE + KERNEL_LOAD_PHYS, 100},
        {"physmap", PHYSMAP_BASE + KERNEL_LOAD_PHYS, 100},
        {"wrapping range", 0xFFFFFFFFFFFFFF00, 0x200},
        // The kernel image's PDPT entry, in the UVPT alias of that PDPT.
        {"kernel page table through UVPT", entry_address(KERNEL_BASE, 3), 8},
    };
    for (const Attempt& a : attempts) {
        int64_t result = sys_cputs(reinterpret_cast<const char*>(a.buf), a.len);
        printf("evilhello: sys_cputs(%016lx, %lu) [%s] returned %ld (%s)\n", a.buf, a.len, a.what, result,
               result_name(result));
    }
    return 0;
}
