// exolab: lab 3
// user/bin/privileged_cli.cc: a privileged instruction in user mode.
//
// cli (disable interrupts) is privileged: at CPL 3 (IOPL 0) it raises a
// general-protection fault, which kills this domain.  One program per
// instruction, since the first one ends the domain.
#include "lib/libos.h"

int main() {
    printf("privileged_cli: executing cli\n");
    asm volatile("cli");
    printf("privileged_cli: still alive after cli\n");
    return 0;
}
