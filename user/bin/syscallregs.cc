// exolab: lab 3
// user/bin/syscallregs.cc: what a system call must leave as it was.
//
// After SYSCALL/SYSRET the domain must be back in its own segments (STAR
// decides which selectors SYSRET loads), every register but rax, rcx and
// r11 must hold what it held (DESIGN §3.2), and a caller's flags must not
// disturb the kernel: a call made with DF set must still print correctly
// (on hardware a kernel running with the caller's DF copies backwards;
// SFMASK clears it on entry).
#include "lib/libos.h"

namespace {

// Reads the code and stack segment selectors in use now.
void read_selectors(uint16_t* cs, uint16_t* ss) {
    asm volatile("mov %%cs, %0\n\tmov %%ss, %1" : "=r"(*cs), "=r"(*ss));
}

// Calls sys_self with known values in every register the ABI preserves and
// returns how many of them came back changed.
int clobbered_registers() {
    uint64_t before[12] = {0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666,
                           0x7777, 0x8888, 0x9999, 0xaaaa, 0xbbbb, 0xcccc};
    uint64_t after[12];
    uint64_t* from = before;
    uint64_t* to = after;
    // Past the red zone before pushing, so no local of this function is
    // overwritten.  rsi and rdi carry the two arrays' addresses until the
    // last moment: rsi's goes to the stack, and the xchg after the call
    // brings it back, leaving the rsi the call returned in its place.
    asm volatile(
        "sub $128, %%rsp\n\t"
        "push %%rbx\n\tpush %%rbp\n\tpush %%r12\n\tpush %%r13\n\tpush %%r14\n\tpush %%r15\n\t"
        "push %%rsi\n\t"
        "mov 0(%%rdi), %%rbx\n\tmov 8(%%rdi), %%rbp\n\tmov 16(%%rdi), %%r12\n\tmov 24(%%rdi), %%r13\n\t"
        "mov 32(%%rdi), %%r14\n\tmov 40(%%rdi), %%r15\n\tmov 48(%%rdi), %%r8\n\tmov 56(%%rdi), %%r9\n\t"
        "mov 64(%%rdi), %%r10\n\tmov 72(%%rdi), %%rdx\n\tmov 80(%%rdi), %%rsi\n\tmov 88(%%rdi), %%rdi\n\t"
        "mov %[self], %%eax\n\tsyscall\n\t"
        "xchg %%rsi, (%%rsp)\n\t"
        "mov %%rbx, 0(%%rsi)\n\tmov %%rbp, 8(%%rsi)\n\tmov %%r12, 16(%%rsi)\n\tmov %%r13, 24(%%rsi)\n\t"
        "mov %%r14, 32(%%rsi)\n\tmov %%r15, 40(%%rsi)\n\tmov %%r8, 48(%%rsi)\n\tmov %%r9, 56(%%rsi)\n\t"
        "mov %%r10, 64(%%rsi)\n\tmov %%rdx, 72(%%rsi)\n\tmov %%rdi, 88(%%rsi)\n\t"
        "pop %%rax\n\tmov %%rax, 80(%%rsi)\n\t"
        "pop %%r15\n\tpop %%r14\n\tpop %%r13\n\tpop %%r12\n\tpop %%rbp\n\tpop %%rbx\n\t"
        "add $128, %%rsp"
        : "+D"(from), "+S"(to)
        : [self] "i"(2)
        : "rax", "rcx", "rdx", "r8", "r9", "r10", "r11", "memory");
    int changed = 0;
    for (int i = 0; i < 12; i++) changed += before[i] != after[i];
    return changed;
}

// sys_cputs with the direction flag set by the caller.
int64_t cputs_with_direction_flag_set(const char* s, uint64_t len) {
    int64_t result;
    asm volatile("std\n\tsyscall\n\tcld"
                 : "=a"(result)
                 : "a"(0), "D"(s), "S"(len)
                 : "rcx", "r11", "memory");
    return result;
}

}  // namespace

int main() {
    (void)sys_self();
    uint16_t cs, ss;
    read_selectors(&cs, &ss);
    printf("selectors after a system call: cs 0x%x ss 0x%x\n", cs, ss);
    printf("registers changed by a system call: %d\n", clobbered_registers());
    const char message[] = "printed with the direction flag set\n";
    int64_t r = cputs_with_direction_flag_set(message, sizeof(message) - 1);
    printf("cputs with DF set: %s\n", result_name(r));
    return 0;
}
