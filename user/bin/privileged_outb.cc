// exolab: lab 3
// user/bin/privileged_outb.cc: a privileged instruction in user mode.
//
// outb to port 0x80 is privileged: at CPL 3 (IOPL 0, no I/O-bitmap grant) it raises a
// general-protection fault, which kills this domain.  One program per
// instruction, since the first one ends the domain.
#include "lib/libos.h"

int main() {
    printf("privileged_outb: executing outb\n");
    asm volatile("outb %%al, $0x80" : : "a"(uint8_t{0}));
    printf("privileged_outb: still alive after outb\n");
    return 0;
}
