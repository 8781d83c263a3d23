// exolab: lab 3
// user/bin/ldtselector.cc: a user-mode load of an LDT selector into %fs.
//
// Selector 4 | 3 names entry 0 of the LDT (TI = 1), at RPL 3.  Loading it
// makes the CPU read that descriptor from the LDT, with kernel privilege,
// before it checks anything else.  With LDTR left at its reset value (base
// 0, limit 0xFFFF) that read would go to linear address 0, kernel-mode; the
// kernel loads a null LDTR at boot (gdt::init), so the CPU refuses the
// selector with a general-protection fault, which kills this domain.
#include "lib/libos.h"

namespace {

constexpr uint16_t kLdtSelector = 0 << 3 | 1 << 2 | 3;  // index 0, TI = 1 (LDT), RPL 3

}  // namespace

int main() {
    printf("ldtselector: loading selector 0x%x into fs\n", kLdtSelector);
    asm volatile("movw %0, %%fs" : : "r"(kLdtSelector));
    printf("ldtselector: still alive with an LDT selector in fs\n");
    return 0;
}
