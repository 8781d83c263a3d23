// exolab: lab 4
// user/bin/hostileupcall.cc: domain_set_upcall refuses hostile entries
// and stacks and changes nothing when it does (DESIGN §3.2, §3.3).
//
// Each line prints what one call returned; the documented error is
// InvalidArgument for an entry or a stack outside [USER_BASE, USER_TOP]
// (the kernel half, the non-canonical hole, the null page) and
// NoSuchDomain for a domain that does not exist.  Validate, then commit:
// afterwards the libOS's own entry must still deliver a page fault to
// its handler, which maps the page and lets main go on.
#include "abi/domain.h"
#include "lib/libos.h"
#include "lib/upcall.h"

namespace {

constexpr uint64_t kKernelText = KERNEL_BASE + 0x100000;
constexpr uint64_t kNonCanonical = 0x0000800000000000;
constexpr uint64_t kUnmapped = 0x30000000;

// Prints the result of domain_set_upcall(dom, entry, stack).
void attempt(const char* what, uint64_t dom, uint64_t entry, uint64_t stack) {
    printf("hostileupcall: %s: %s\n", what, result_name(sys_domain_set_upcall(dom, entry, stack)));
}

// Maps a fresh page where the fault landed.
void map_page(UArea& u) {
    printf("hostileupcall: fault at %lx handled\n", u.fault_address);
    int64_t pfn = sys_frame_alloc(0);
    if (pfn < 0 || sys_map(0, u.fault_address & ~(PAGE_SIZE - 1), static_cast<uint64_t>(pfn), PERM_W) < 0) exit();
}

}  // namespace

int main() {
    uint64_t entry = reinterpret_cast<uint64_t>(upcall_entry);
    attempt("kernel entry", 0, kKernelText, kUpcallStackTop);
    attempt("physmap entry", 0, PHYSMAP_BASE, kUpcallStackTop);
    attempt("non-canonical entry", 0, kNonCanonical, kUpcallStackTop);
    attempt("null-page entry", 0, 0x1000, kUpcallStackTop);
    attempt("kernel stack", 0, entry, KERNEL_BASE);
    attempt("non-canonical stack", 0, entry, kNonCanonical);
    attempt("no such domain", MAX_DOMAINS - 1, entry, kUpcallStackTop);
    set_fault_handler(14, map_page);
    *reinterpret_cast<volatile uint32_t*>(kUnmapped) = 1;
    printf("hostileupcall: main resumed\n");
    return 0;
}
