// exolab: lab 3
// user/bin/divzero.cc: a divide error (#DE, vector 0) in user mode.
//
// It must kill this domain and nothing else.  The div is inline assembly:
// a C++ division by a known zero is undefined and gcc may fold it away.
#include "lib/libos.h"

int main() {
    printf("divzero: dividing 1 by zero\n");
    uint64_t zero = 0;
    asm volatile("mov $1, %%eax\n\txor %%edx, %%edx\n\tdivq %0" : : "r"(zero) : "rax", "rdx");
    printf("divzero: still alive after dividing by zero\n");
    return 0;
}
