// exolab: lab 4
// user/bin/faultdie.cc: a page-fault handler that reports the fault and
// ends the domain (DESIGN §3.3).
//
// Checks that a write to an unmapped page arrives as a Fault upcall that
// carries the vector, the error code and the address (CR2), and that a
// handler may end its domain instead of resuming it: the kernel then sees
// an ordinary exit, not a kill.
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kUnmapped = 0xDEADBEEF;

// Prints what the u-area says about the fault, then exits.
void report_and_exit(UArea& u) {
    printf("faultdie: fault at %lx, vector %lu, error %lx\n", u.fault_address, u.fault_vector, u.fault_error);
    exit();
}

}  // namespace

int main() {
    set_fault_handler(14, report_and_exit);
    *reinterpret_cast<volatile uint32_t*>(kUnmapped) = 1;
    printf("faultdie: still alive after the fault\n");
    return 0;
}
