// exolab: lab 4
// user/bin/faultnostack.cc: an upcall stack that is not mapped
// (DESIGN §3.3).
//
// domain_set_upcall does not check that the stack is mapped (that is the
// domain's business), so the call succeeds.  The next fault enters
// upcall_entry on that stack, whose first push faults with upcalls masked:
// the kernel must kill the domain with the masked line (the fault at
// kNoStack - 8), and must not panic delivering to a stack it cannot use.
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kNoStack = 0x50000000;  // nothing is mapped below it
constexpr uint64_t kUnmapped = 0x30000000;

// Never runs: there is no stack to run it on.
void unreachable(UArea& u) { printf("faultnostack: handler ran for %lx\n", u.fault_address); }

}  // namespace

int main() {
    set_fault_handler(14, unreachable);
    printf("faultnostack: upcall stack at %lx, then a fault\n", kNoStack);
    // Back to back: a timer tick in between would deliver its own upcall
    // onto the unusable stack first (the same death, at a different time).
    // That the fault then dies at kNoStack - 8 proves set_upcall took it.
    (void)sys_domain_set_upcall(0, reinterpret_cast<uint64_t>(upcall_entry), kNoStack);
    *reinterpret_cast<volatile uint32_t*>(kUnmapped) = 1;
    printf("faultnostack: still alive after the fault\n");
    return 0;
}
