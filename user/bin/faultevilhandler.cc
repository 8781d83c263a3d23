// exolab: lab 4
// user/bin/faultevilhandler.cc: an upcall entry in the kernel half
// (DESIGN §3.2, §3.3).
//
// The domain first removes its upcall entry (entry 0: faults kill, as in
// lab 3), then asks for an entry at the kernel's text.  domain_set_upcall
// must refuse it (InvalidArgument) and change nothing: the domain table
// still shows no entry, and the next fault, though its vector has a
// handler, kills the domain the lab 3 way (no masked line).  Had the
// entry been taken, the kernel would "return" to its own text in ring 3.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/windows.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kKernelText = KERNEL_BASE + 0x100000;
constexpr uint64_t kUnmapped = 0x30000000;

// Never runs: the domain has no upcall entry.
void unreachable(UArea& u) { printf("faultevilhandler: handler ran for %lx\n", u.fault_address); }

// Whether the domain table says this domain has an upcall entry.
bool has_upcall() {
    const volatile DomainInfo* table = domain_table();
    return table[sys_self()].flags & kDomainHasUpcall;
}

}  // namespace

int main() {
    set_fault_handler(14, unreachable);
    printf("faultevilhandler: remove the entry: %s\n", result_name(sys_domain_set_upcall(0, 0, 0)));
    printf("faultevilhandler: entry in the kernel: %s\n",
           result_name(sys_domain_set_upcall(0, kKernelText, kUpcallStackTop)));
    printf("faultevilhandler: has an upcall entry: %s\n", has_upcall() ? "yes" : "no");
    *reinterpret_cast<volatile uint32_t*>(kUnmapped) = 1;
    printf("faultevilhandler: still alive after the fault\n");
    return 0;
}
