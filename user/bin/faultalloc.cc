// exolab: lab 4
// user/bin/faultalloc.cc: a page-fault handler that allocates memory on
// demand (DESIGN §3.3).
//
// The handler maps a fresh page wherever a fault lands in [kLow, kHigh)
// and writes a string into it naming the address (never past the page's
// end: the handler runs masked, and a fault there would kill the domain);
// main then prints what it finds at two unmapped addresses.
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kLow = 0x10000000;
constexpr uint64_t kHigh = 0x20000000;

void allocate_on_demand(UArea& u) {
    uint64_t page = u.fault_address & ~(PAGE_SIZE - 1);
    if (u.fault_address < kLow || u.fault_address >= kHigh) {
        printf("faultalloc: unexpected fault at %lx\n", u.fault_address);
        exit();
    }
    printf("faultalloc: fault at %lx\n", u.fault_address);
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, page, static_cast<uint64_t>(pfn), PERM_W) < 0) {
        printf("faultalloc: cannot map %lx\n", page);
        exit();
    }
    uint64_t room = page + PAGE_SIZE - u.fault_address;
    snprintf(reinterpret_cast<char*>(u.fault_address), room < 100 ? room : 100, "this string was faulted in at %lx",
             u.fault_address);
}

}  // namespace

int main() {
    set_fault_handler(14, allocate_on_demand);
    printf("faultalloc: %s\n", reinterpret_cast<const char*>(0x10DEADBE));
    printf("faultalloc: %s\n", reinterpret_cast<const char*>(0x1CAFEF00));
    return 0;
}
