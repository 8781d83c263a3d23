// exolab: lab 4
// user/bin/faultallocbad.cc: the kernel never faults on a domain's behalf.
//
// Like faultalloc, a page-fault handler would map any page in its range on
// demand; but here the unmapped address goes to a system call, cputs.  The
// kernel checks user memory before it touches it (DESIGN §3.2), so the
// call fails with BadAddress and no Fault upcall happens: the handler is
// for the domain's own accesses, never the kernel's.
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

constinit int handler_calls = 0;

void allocate_on_demand(UArea& u) {
    handler_calls++;
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, u.fault_address & ~(PAGE_SIZE - 1), static_cast<uint64_t>(pfn), PERM_W) < 0) exit();
}

}  // namespace

int main() {
    set_fault_handler(14, allocate_on_demand);
    int64_t r = sys_cputs(reinterpret_cast<const char*>(0xDEADBEEF), 4);
    printf("faultallocbad: cputs of an unmapped buffer: %s\n", result_name(r));
    printf("faultallocbad: handler calls: %d\n", handler_calls);
    return 0;
}
