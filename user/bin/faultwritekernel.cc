// exolab: lab 3
// user/bin/faultwritekernel.cc: a user-mode store to kernel memory.
//
// The address is the kernel image as the physmap shows it.  It is mapped,
// so the error code reads "write, present, user": the supervisor-only bit stops
// the access, not a missing mapping.  (KERNEL_BASE + KERNEL_LOAD_PHYS holds
// the 32-bit boot code, which the kernel leaves unmapped, so a fault there
// would prove less.)
#include "lib/libos.h"
#include "lib/x86.h"

namespace {

constexpr uint64_t kAddress = PHYSMAP_BASE + KERNEL_LOAD_PHYS;

}  // namespace

int main() {
    printf("faultwritekernel: writing %016lx\n", kAddress);
    store_to(kAddress, 0x5a5a5a5a);
    printf("faultwritekernel: still alive after writing\n");
    return 0;
}
