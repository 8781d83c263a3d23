// exolab: lab 3
// user/bin/privileged_hlt.cc: a privileged instruction in user mode.
//
// hlt (halt the CPU) is privileged: at CPL 3 (IOPL 0) it raises a
// general-protection fault, which kills this domain.  One program per
// instruction, since the first one ends the domain.
#include "lib/libos.h"

int main() {
    printf("privileged_hlt: executing hlt\n");
    asm volatile("hlt");
    printf("privileged_hlt: still alive after hlt\n");
    return 0;
}
