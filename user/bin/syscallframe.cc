// exolab: lab 3
// user/bin/syscallframe.cc: one system call whose saved frame can be told
// apart word by word.
//
// syscall_entry builds a TrapFrame for every call (trap.h), the one a trap
// from ring 3 would have pushed, and lab 4 resumes it with IRETQ.  This
// program makes sys_self with CF and AC set in RFLAGS (AC on, no unaligned
// access follows) and prints where it made it: the address after its
// `syscall`, its rsp and its rflags at that moment.  test_syscall_frame
// reads the frame in GDB at syscall_dispatch's first instruction and
// compares each word with these.
#include "lib/libos.h"

namespace {

constexpr uint64_t kRflagsCarry = 1ull << 0;
constexpr uint64_t kRflagsAlignmentCheck = 1ull << 18;
constexpr uint64_t kCallerFlags = kRflagsCarry | kRflagsAlignmentCheck;

struct Call {
    uint64_t rip, rsp, rflags;
    int64_t result;
};

// Calls sys_self with kCallerFlags set and records the caller's side of it.
Call self_with_flags_set() {
    Call call;
    // Past the red zone before pushing, so no local of this function is overwritten.
    asm volatile("sub $128, %%rsp\n\t"
                 "pushfq\n\t"
                 "orq %[flags], (%%rsp)\n\t"
                 "popfq\n\t"
                 "pushfq\n\t"
                 "pop %[rflags]\n\t"
                 "mov %%rsp, %[rsp]\n\t"
                 "lea 1f(%%rip), %[rip]\n\t"
                 "mov %[self], %%eax\n\t"
                 "syscall\n"
                 "1:\n\t"
                 "pushfq\n\t"
                 "andq %[keep], (%%rsp)\n\t"
                 "popfq\n\t"
                 "add $128, %%rsp"
                 : "=a"(call.result), [rip] "=&r"(call.rip), [rsp] "=&r"(call.rsp), [rflags] "=&r"(call.rflags)
                 : [self] "i"(2), [flags] "i"(kCallerFlags), [keep] "i"(~kCallerFlags)
                 : "rcx", "r11", "memory", "cc");
    return call;
}

}  // namespace

int main() {
    Call call = self_with_flags_set();
    printf("syscallframe: self %s; rip 0x%lx rsp 0x%lx rflags 0x%lx\n", call.result >= 0 ? "ok" : result_name(call.result),
           call.rip, call.rsp, call.rflags);
    return 0;
}
