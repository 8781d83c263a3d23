// exolab: lab 3
// user/bin/faultreadkernel.cc: a user-mode load from kernel memory.
//
// The address is the kernel image as the physmap shows it.  It is mapped,
// so the error code reads "read, present, user": the supervisor-only bit stops
// the access, not a missing mapping.  (KERNEL_BASE + KERNEL_LOAD_PHYS holds
// the 32-bit boot code, which the kernel leaves unmapped, so a fault there
// would prove less.)
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kAddress = PHYSMAP_BASE + KERNEL_LOAD_PHYS;

}  // namespace

int main() {
    printf("faultreadkernel: reading %016lx\n", kAddress);
    uint64_t value = load_from(kAddress);
    printf("faultreadkernel: read %lx: still alive\n", value);
    return 0;
}
