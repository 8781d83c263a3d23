// exolab: lab 4
// user/bin/faultmasked.cc: a fault handler that faults itself
// (DESIGN §3.3).
//
// Upcalls are masked while a handler runs, so its own page fault cannot be
// delivered: the kernel must print "fault while upcalls were masked" and
// kill the domain, exactly once, for the handler's fault (address
// kSecond), and neither loop re-entering the handler nor panic.
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kFirst = 0x30000000;
constexpr uint64_t kSecond = 0x40000000;

// Announces itself, then faults on another unmapped page.
void fault_again(UArea& u) {
    printf("faultmasked: handler entered for %lx\n", u.fault_address);
    *reinterpret_cast<volatile uint32_t*>(kSecond) = 2;
    printf("faultmasked: handler survived its own fault\n");
}

}  // namespace

int main() {
    set_fault_handler(14, fault_again);
    *reinterpret_cast<volatile uint32_t*>(kFirst) = 1;
    printf("faultmasked: main resumed\n");
    return 0;
}
