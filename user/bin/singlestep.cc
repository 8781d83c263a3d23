// exolab: lab 3
// user/bin/singlestep.cc: a system call made with the trap flag set.
//
// RFLAGS.TF asks for a debug exception (#DB) after each instruction.
// SYSCALL saves the caller's flags in r11 and then clears the flags SFMASK
// names; TF is one of them, so the kernel runs without it and SYSRET puts
// it back.  The call therefore works, and the #DB arrives in user mode
// right after it, where it kills this domain (lab 3 has no upcalls).  A
// kernel whose SFMASK leaves TF set takes the #DB in ring 0 at its first
// instruction, still on this program's stack, and the machine stops.
#include "lib/libos.h"

int main() {
    const char message[] = "singlestep: printed by a call made with TF set\n";
    printf("singlestep: setting TF, then calling cputs\n");
    int64_t result;
    // SYSRET restores TF and the #DB follows at once: it is reported at
    // the nop, which never runs.
    asm volatile("pushf\n\t"
                 "orq $0x100, (%%rsp)\n\t"
                 "popf\n\t"
                 "syscall\n\t"
                 "nop"
                 : "=a"(result)
                 : "a"(0), "D"(message), "S"(sizeof(message) - 1)
                 : "rcx", "r11", "memory", "cc");
    printf("singlestep: cputs returned %s: still alive\n", result_name(result));
    return 0;
}
