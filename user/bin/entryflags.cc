// exolab: lab 3
// user/bin/entryflags.cc: a system call made with IF, DF, NT and AC set.
//
// SYSCALL saves the caller's RFLAGS in r11 and clears the bits SFMASK
// names before the kernel's first instruction; SYSRET puts them back.
// Each of IF, DF, NT and AC is the caller's to set (popfq at CPL 3 with
// IOPL 0 leaves IF alone, and IF is always set here), and each would
// reach the kernel if SFMASK left it: interrupts inside the entry path,
// string copies running backwards, an IRET that faults, SMAP switched
// off.  The kernel side is checked by test_syscall_entry_flags, which
// prints RFLAGS in GDB at syscall_entry; this program makes the call and
// shows that the flags were set when it was made (SYSRET restored them).
#include "lib/libos.h"

namespace {

constexpr uint64_t kRflagsDirection = 1ull << 10;
constexpr uint64_t kRflagsNestedTask = 1ull << 14;
constexpr uint64_t kRflagsAlignmentCheck = 1ull << 18;
constexpr uint64_t kCallerFlags = kRflagsDirection | kRflagsNestedTask | kRflagsAlignmentCheck;

// Calls sys_self with kCallerFlags set; returns its result and, in
// *after, RFLAGS as SYSRET left them (read before the flags are cleared).
int64_t self_with_flags_set(uint64_t* after) {
    int64_t result;
    // Past the red zone before pushing, so no local of this function is overwritten.
    asm volatile("sub $128, %%rsp\n\t"
                 "pushfq\n\t"
                 "orq %[flags], (%%rsp)\n\t"
                 "popfq\n\t"
                 "syscall\n\t"
                 "pushfq\n\t"
                 "pop %%rdx\n\t"
                 "pushfq\n\t"
                 "andq %[keep], (%%rsp)\n\t"
                 "popfq\n\t"
                 "add $128, %%rsp"
                 : "=a"(result), "=d"(*after)
                 : "a"(2), [flags] "i"(kCallerFlags), [keep] "i"(~kCallerFlags)
                 : "rcx", "r11", "memory", "cc");
    return result;
}

}  // namespace

int main() {
    uint64_t after = 0;
    int64_t self = self_with_flags_set(&after);
    printf("entryflags: self with DF, NT and AC set: %s\n", self >= 0 ? "ok" : result_name(self));
    printf("entryflags: after SYSRET: IF %s, DF/NT/AC %s\n", after & (1ull << 9) ? "set" : "clear",
           (after & kCallerFlags) == kCallerFlags ? "set" : "not all set");
    return 0;
}
