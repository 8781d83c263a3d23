// exolab: lab 3
// user/bin/breakpoint.cc: int3 (#BP, vector 3) in user mode.
//
// With no handler of its own (upcalls come in lab 4) the domain is killed.
#include "lib/libos.h"

int main() {
    printf("breakpoint: executing int3\n");
    asm volatile("int3");
    printf("breakpoint: still alive after int3\n");
    return 0;
}
