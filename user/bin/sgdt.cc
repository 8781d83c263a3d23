// exolab: lab 3
// user/bin/sgdt.cc: SGDT in user mode.
//
// SGDT stores GDTR (the GDT's limit and linear address) and is not a
// privileged instruction: without UMIP any program can read where the
// kernel keeps its GDT, a kernel address for an attacker to aim at.  With
// CR4.UMIP on (protections::enable) it raises a general-protection fault at
// CPL 3, which kills this domain.
#include "lib/libos.h"

namespace {

struct [[gnu::packed]] TablePointer {
    uint16_t limit;
    uint64_t base;
};
static_assert(sizeof(TablePointer) == 10);

}  // namespace

int main() {
    printf("sgdt: executing sgdt\n");
    TablePointer gdtr = {};
    asm volatile("sgdt %0" : "=m"(gdtr));
    printf("sgdt: the GDT is at %016lx (limit 0x%x): still alive\n", gdtr.base, gdtr.limit);
    return 0;
}
